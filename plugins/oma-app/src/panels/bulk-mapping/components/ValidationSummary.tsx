import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, Stack, Text, useStyles2 } from '@grafana/ui';

import type { DiffModel } from '../diff';

/** The server's validation of the selected VMs after the change: counts, then issues by code. */
export function ValidationSummary({ validation }: { validation: DiffModel['validation'] }) {
  const styles = useStyles2(getStyles);
  return (
    <section aria-label="Validation" className={styles.section}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Text weight="medium">Validation</Text>
        <Badge
          text={validation.valid ? 'ready for failover' : 'not ready for failover'}
          color={validation.valid ? 'green' : 'red'}
          icon={validation.valid ? 'check' : 'exclamation-triangle'}
        />
        <Text color="secondary">
          {validation.vms} VMs: {validation.validVms} valid, {validation.invalidVms} invalid,{' '}
          {validation.warningVms} with warnings
        </Text>
      </Stack>
      {validation.issues.length > 0 && (
        <ul className={styles.issues}>
          {validation.issues.map((issue) => (
            <li key={issue.code} data-testid={`issue-${issue.code}`}>
              <Badge text={issue.code} color={issue.severity === 'error' ? 'red' : 'orange'} /> {issue.vms} VM
              {issue.vms === 1 ? '' : 's'} — <Text color="secondary">{issue.example}</Text>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  issues: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
  }),
});
