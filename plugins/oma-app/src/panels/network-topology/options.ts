/** The panel's option editors, grouped by category, each with its default from DEFAULT_OPTIONS. */
import type { PanelOptionsEditorBuilder } from '@grafana/data';

import { DEFAULT_OPTIONS, type LayoutDirection, type TopologyOptions } from './types';

const DISPLAY = ['Display'];
const RECOMMENDATIONS = ['Recommendations'];
const COLOURS = ['Colours'];

const DIRECTIONS: Array<{ value: LayoutDirection; label: string; description: string }> = [
  { value: 'LR', label: 'VMware → CloudStack', description: 'VMware networks on the left' },
  { value: 'RL', label: 'CloudStack ← VMware', description: 'VMware networks on the right' },
  { value: 'TB', label: 'Top to bottom', description: 'VMware networks at the top' },
];

export function topologyOptions(builder: PanelOptionsEditorBuilder<TopologyOptions>) {
  builder
    .addRadio({
      path: 'failoverType',
      name: 'Failover type',
      description: 'Which mappings the panel shows first; the switch in the panel changes it for the moment.',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.failoverType,
      settings: {
        options: [
          { value: 'live', label: 'Live' },
          { value: 'test', label: 'Test' },
        ],
      },
    })
    .addRadio({
      path: 'direction',
      name: 'Layout direction',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.direction,
      settings: { options: DIRECTIONS },
    })
    .addBooleanSwitch({
      path: 'showUnmapped',
      name: 'Show unmapped networks',
      description: 'VMware networks none of whose VMs has a mapping yet.',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.showUnmapped,
    })
    .addBooleanSwitch({
      path: 'showUnusedDestinations',
      name: 'Show unused CloudStack networks',
      description:
        'CloudStack networks nothing is mapped or recommended to; the toolbar counts them when hidden.',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.showUnusedDestinations,
    })
    .addNumberInput({
      path: 'nameLength',
      name: 'Longest name shown',
      description: 'Longer network names are shortened in the middle; the full name is in the tooltip.',
      category: DISPLAY,
      defaultValue: DEFAULT_OPTIONS.nameLength,
      settings: { min: 8, max: 80, integer: true },
    })
    .addBooleanSwitch({
      path: 'showRecommendations',
      name: 'Show recommendations',
      description: 'The best candidate for each unmapped VMware network, dashed; Editors can apply it.',
      category: RECOMMENDATIONS,
      defaultValue: DEFAULT_OPTIONS.showRecommendations,
    })
    .addSliderInput({
      path: 'minScore',
      name: 'Lowest score shown',
      description: 'Recommendations the server scores below this are not drawn.',
      category: RECOMMENDATIONS,
      defaultValue: DEFAULT_OPTIONS.minScore,
      settings: { min: 0, max: 1, step: 0.05 },
      showIf: (o) => o.showRecommendations,
    })
    .addColorPicker({
      path: 'mappedColor',
      name: 'Valid mapping',
      category: COLOURS,
      defaultValue: DEFAULT_OPTIONS.mappedColor,
    })
    .addColorPicker({
      path: 'unmappedColor',
      name: 'Unmapped network',
      category: COLOURS,
      defaultValue: DEFAULT_OPTIONS.unmappedColor,
    })
    .addColorPicker({
      path: 'invalidColor',
      name: 'Invalid mapping',
      category: COLOURS,
      defaultValue: DEFAULT_OPTIONS.invalidColor,
    })
    .addColorPicker({
      path: 'recommendedColor',
      name: 'Recommendation',
      category: COLOURS,
      defaultValue: DEFAULT_OPTIONS.recommendedColor,
    });
}
