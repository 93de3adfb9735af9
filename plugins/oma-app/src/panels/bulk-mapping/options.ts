// The panel's options editor, grouped by category; every option has its default from types.ts.
import type { PanelOptionsEditorBuilder } from '@grafana/data';

import { FAILOVER_TYPES, NAME_MATCH_TYPES } from '@oma-insights/contracts/network-values';
import {
  DEFAULT_OPTIONS,
  FAILOVER_TYPE_LABELS,
  MATCH_TYPE_LABELS,
  MAX_VM_LIST_ROWS,
  MIN_VM_LIST_ROWS,
  type BulkMappingOptions,
} from './types';

const DEFAULTS = ['Defaults'];
const BEHAVIOUR = ['Behaviour'];
const DISPLAY = ['Display'];

export function buildOptions(builder: PanelOptionsEditorBuilder<BulkMappingOptions>) {
  return builder
    .addRadio({
      path: 'failoverType',
      name: 'Failover type',
      description:
        'Used when the recommendations query names none; a failoverType on that query (e.g. $failover_type) wins.',
      category: DEFAULTS,
      defaultValue: DEFAULT_OPTIONS.failoverType,
      settings: { options: FAILOVER_TYPES.map((value) => ({ value, label: FAILOVER_TYPE_LABELS[value] })) },
    })
    .addNumberInput({
      path: 'vmListRows',
      name: 'VMs visible at once',
      description: 'Height of the VM list in rows; it scrolls through any number of VMs.',
      category: DEFAULTS,
      defaultValue: DEFAULT_OPTIONS.vmListRows,
      settings: { min: MIN_VM_LIST_ROWS, max: MAX_VM_LIST_ROWS, integer: true },
    })
    .addRadio({
      path: 'nameMatchType',
      name: 'Name match type',
      description: 'How the VM name filter starts out.',
      category: DEFAULTS,
      defaultValue: DEFAULT_OPTIONS.nameMatchType,
      settings: { options: NAME_MATCH_TYPES.map((value) => ({ value, label: MATCH_TYPE_LABELS[value] })) },
    })
    .addBooleanSwitch({
      path: 'requireConfirmation',
      name: 'Require confirmation',
      description: 'Ask before applying, saying how many VMs and NICs change.',
      category: BEHAVIOUR,
      defaultValue: DEFAULT_OPTIONS.requireConfirmation,
    })
    .addBooleanSwitch({
      path: 'allowUseRecommendations',
      name: 'Offer "top recommendations"',
      description:
        'Let the server map every selected NIC to its top recommendation instead of the rules table.',
      category: BEHAVIOUR,
      defaultValue: DEFAULT_OPTIONS.allowUseRecommendations,
    })
    .addBooleanSwitch({
      path: 'refreshAfterApply',
      name: 'Refresh the dashboard after apply',
      description: 'So every panel shows the new mappings.',
      category: BEHAVIOUR,
      defaultValue: DEFAULT_OPTIONS.refreshAfterApply,
    })
    .addBooleanSwitch({
      path: 'showReasons',
      name: 'Show reasons',
      description: 'Why each recommendation was made, in the rules table.',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.showReasons,
    })
    .addNumberInput({
      path: 'diffVmsPerLine',
      name: 'VMs named per change line',
      description: 'The dry run lists this many VMs per before → after line and counts the rest.',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.diffVmsPerLine,
      settings: { min: 0, max: 100, integer: true },
    });
}
