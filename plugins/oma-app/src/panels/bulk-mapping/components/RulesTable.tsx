import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Combobox, Text, useStyles2 } from '@grafana/ui';
import { useId, useMemo } from 'react';

import { destinationOptions, formatScore, type DestinationNetwork, type RuleRow } from '../rules';

interface Props {
  rules: RuleRow[];
  destinations: DestinationNetwork[];
  showReasons: boolean;
  /** Viewers, or the server maps to top recommendations itself: rules cannot be edited. */
  readOnly: boolean;
  onChange: (sourceNetwork: string, destinationId: string | null) => void;
}

/** Wide enough for a CloudStack network name like guest-prod-exchange-3787 and the clear button (grid units). */
const DESTINATION_WIDTH = 40;

/** One rule per source network: where its NICs go, pre-filled with the top recommendation. */
export function RulesTable({ rules, destinations, showReasons, readOnly, onChange }: Props) {
  const styles = useStyles2(getStyles);
  if (rules.length === 0) {
    return <Text color="secondary">No source networks on the selected VMs.</Text>;
  }
  return (
    <table className={styles.table} aria-label="Mapping rules">
      <thead>
        <tr>
          <th>Source network</th>
          <th>VMs</th>
          <th>Now</th>
          <th>Destination</th>
          <th>Score</th>
          {showReasons && <th>Why</th>}
        </tr>
      </thead>
      <tbody>
        {rules.map((rule) => (
          <RuleTableRow
            key={rule.sourceNetwork}
            rule={rule}
            destinations={destinations}
            showReasons={showReasons}
            readOnly={readOnly}
            onChange={onChange}
          />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps extends Omit<Props, 'rules'> {
  rule: RuleRow;
}

function RuleTableRow({ rule, destinations, showReasons, readOnly, onChange }: RowProps) {
  const styles = useStyles2(getStyles);
  const options = useMemo(() => destinationOptions(rule, destinations), [rule, destinations]);
  // Combobox names its input only through aria-labelledby.
  const labelId = useId();
  const now = [
    ...rule.current.map((c) => `${c.name} (${c.vms})`),
    ...(rule.unmapped ? [`unmapped (${rule.unmapped})`] : []),
  ].join(', ');
  return (
    <tr data-testid={`rule-${rule.sourceNetwork}`}>
      <td className={styles.name}>{rule.sourceNetwork}</td>
      <td>{rule.vms}</td>
      <td className={styles.now} title={now}>
        {now}
      </td>
      <td>
        <div className={styles.destination}>
          <span id={labelId} className={styles.label}>
            Destination for {rule.sourceNetwork}
          </span>
          <Combobox
            aria-labelledby={labelId}
            width={DESTINATION_WIDTH}
            options={options}
            value={rule.destination ? { value: rule.destination.id, label: rule.destination.name } : null}
            placeholder={rule.candidates.length ? 'No rule: leave as is' : 'No recommendation: choose'}
            isClearable
            disabled={readOnly}
            onChange={(o) => onChange(rule.sourceNetwork, o?.value ?? null)}
          />
          {rule.origin === 'recommended' && <Badge text="recommended" color="blue" />}
          {rule.origin === 'chosen' && <Badge text="changed" color="orange" />}
        </div>
      </td>
      <td className={styles.score}>{rule.candidate ? formatScore(rule.candidate.score) : '—'}</td>
      {showReasons && <td className={styles.reasons}>{rule.candidate?.reasons.join('; ') || '—'}</td>}
    </tr>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'middle',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  name: css({ fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' }),
  now: css({
    color: theme.colors.text.secondary,
    maxWidth: 240,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  // Positioned: the hidden label stays inside the panel's scrolling area, not below the page.
  destination: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', position: 'relative' }),
  // Read by screen readers as the combobox's name, not shown.
  label: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  }),
  score: css({ whiteSpace: 'nowrap' }),
  reasons: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
