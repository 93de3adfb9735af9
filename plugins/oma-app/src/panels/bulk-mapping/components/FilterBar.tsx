import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Combobox, Field, Input, RadioButtonGroup, useStyles2, type ComboboxOption } from '@grafana/ui';
import { useMemo } from 'react';

import { NAME_MATCH_TYPES } from '@oma-insights/contracts/network-values';
import type { FilterChoices, VmFilters } from '../filter';
import { MATCH_TYPE_LABELS, type NameMatchType } from '../types';

interface Props {
  filters: VmFilters;
  choices: FilterChoices;
  /** The name pattern's error (an invalid regex). */
  error?: string;
  onChange: (filters: VmFilters) => void;
  disabled?: boolean;
}

const MATCH_OPTIONS = NAME_MATCH_TYPES.map((value) => ({ value, label: MATCH_TYPE_LABELS[value] }));
const toOptions = (values: string[]): Array<ComboboxOption<string>> => values.map((value) => ({ value }));

/** vCenter, datacenter, source network and VM name pattern: the VMs the rules apply to. */
export function FilterBar({ filters, choices, error, onChange, disabled }: Props) {
  const styles = useStyles2(getStyles);
  const vcenters = useMemo(() => toOptions(choices.vcenters), [choices.vcenters]);
  const datacenters = useMemo(() => toOptions(choices.datacenters), [choices.datacenters]);
  const networks = useMemo(() => toOptions(choices.sourceNetworks), [choices.sourceNetworks]);
  const set = (patch: Partial<VmFilters>) => onChange({ ...filters, ...patch });

  return (
    <div className={styles.bar} role="search" aria-label="VM filters">
      <Field label="vCenter" className={styles.field}>
        <Combobox
          id="bulk-mapping-vcenter"
          options={vcenters}
          value={filters.vcenter ?? null}
          placeholder="All"
          isClearable
          disabled={disabled}
          // A datacenter belongs to a vCenter: a new vCenter starts over.
          onChange={(o) => set({ vcenter: o?.value || undefined, datacenter: undefined })}
        />
      </Field>
      <Field label="Datacenter" className={styles.field}>
        <Combobox
          id="bulk-mapping-datacenter"
          options={datacenters}
          value={filters.datacenter ?? null}
          placeholder="All"
          isClearable
          disabled={disabled}
          onChange={(o) => set({ datacenter: o?.value || undefined })}
        />
      </Field>
      <Field label="Source network" className={styles.sourceNetwork}>
        <Combobox
          id="bulk-mapping-source-network"
          options={networks}
          value={filters.sourceNetwork ?? null}
          placeholder="All"
          isClearable
          disabled={disabled}
          onChange={(o) => set({ sourceNetwork: o?.value || undefined })}
        />
      </Field>
      <Field label="Match" className={styles.match}>
        <RadioButtonGroup<NameMatchType>
          options={MATCH_OPTIONS}
          value={filters.namePattern.match}
          disabled={disabled}
          onChange={(match) => set({ namePattern: { ...filters.namePattern, match } })}
        />
      </Field>
      {/* The regex hint is a placeholder: a description would push this input below the others. */}
      <Field label="VM name" className={styles.name} invalid={Boolean(error)} error={error}>
        <Input
          aria-label="VM name pattern"
          value={filters.namePattern.value}
          placeholder={filters.namePattern.match === 'regex' ? 'e.g. ^web-\\d+$ (JavaScript regex)' : 'web-'}
          disabled={disabled}
          onChange={(e) => set({ namePattern: { ...filters.namePattern, value: e.currentTarget.value } })}
        />
      </Field>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1), alignItems: 'flex-start' }),
  // They grow with the panel: vCenter host names and port group names are long.
  field: css({ flex: `1 1 ${theme.spacing(24)}`, maxWidth: theme.spacing(40), marginBottom: 0 }),
  sourceNetwork: css({ flex: `2 1 ${theme.spacing(28)}`, maxWidth: theme.spacing(48), marginBottom: 0 }),
  match: css({ marginBottom: 0 }),
  name: css({ flex: `2 1 ${theme.spacing(28)}`, marginBottom: 0 }),
});
