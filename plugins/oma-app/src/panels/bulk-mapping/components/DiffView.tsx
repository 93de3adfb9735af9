import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Stack, Text, useStyles2 } from '@grafana/ui';
import { useEffect, useRef } from 'react';

import { changeSentence, type DiffModel, type Transition } from '../diff';
import { ValidationSummary } from './ValidationSummary';

interface Props {
  diff: DiffModel;
  /** VMs the panel's list selected: the server matching another number is worth a warning. */
  listedVms: number;
}

/** A dry run or applied result: counts, changes by source network (before → after), validation. */
export function DiffView({ diff, listedVms }: Props) {
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLElement>(null);
  // A new result lands below the rules, maybe out of sight: bring it into view (jsdom has no
  // scrolling). Braces: newer Chromium's scrollIntoView returns a promise, not a cleanup.
  useEffect(() => {
    void ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [diff]);
  const { summary } = diff;
  const title = diff.applied
    ? `Applied: ${changeSentence(diff)} changed`
    : `Dry run: ${changeSentence(diff)} would change`;
  return (
    <section
      ref={ref}
      aria-label={diff.applied ? 'Applied result' : 'Dry run result'}
      className={styles.section}
    >
      <Stack gap={2} alignItems="baseline" wrap="wrap">
        <Text element="h4" variant="h5">
          {title}
        </Text>
        <Text color="secondary" data-testid="diff-counts">
          {summary.vms_matched} VMs matched · {summary.created} created · {summary.updated} updated ·{' '}
          {summary.unchanged} unchanged
        </Text>
      </Stack>
      {summary.vms_matched !== listedVms && (
        <Alert
          severity="warning"
          title={`The server matched ${summary.vms_matched} VMs; the list shows ${listedVms}`}
        >
          The server reads the name pattern its own way, or VMs changed since the panel loaded. Refresh the
          dashboard and check the filters before applying.
        </Alert>
      )}
      {diff.groups.length === 0 ? (
        <Text color="secondary">No mapping changes: every selected NIC already has this destination.</Text>
      ) : (
        <ul className={styles.groups}>
          {diff.groups.map((group) => (
            <li key={group.sourceNetwork} data-testid={`diff-${group.sourceNetwork}`}>
              <Text weight="medium">{group.sourceNetwork}</Text>{' '}
              <Text color="secondary">
                ({group.nics} NIC{group.nics === 1 ? '' : 's'})
              </Text>
              <ul className={styles.lines}>
                {group.transitions.map((t) => (
                  <TransitionLine key={`${t.before?.id ?? ''}>${t.after.id}`} transition={t} />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      <ValidationSummary validation={diff.validation} />
    </section>
  );
}

function TransitionLine({ transition }: { transition: Transition }) {
  const styles = useStyles2(getStyles);
  const more = transition.nics - transition.vms.length;
  return (
    <li>
      <span className={transition.before ? styles.before : styles.unmapped}>
        {transition.before?.name ?? 'unmapped'}
      </span>{' '}
      → <span className={styles.after}>{transition.after.name}</span>: {transition.nics} NIC
      {transition.nics === 1 ? '' : 's'}
      {transition.vms.length > 0 && (
        <Text color="secondary">
          {' '}
          ({transition.vms.join(', ')}
          {more > 0 ? ` and ${more} more` : ''})
        </Text>
      )}
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    // Scrolled into view clear of the sticky action bar below it.
    scrollMarginBottom: theme.spacing(8),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  groups: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  }),
  lines: css({ margin: theme.spacing(0.5, 0, 0, 2), padding: 0 }),
  before: css({ textDecoration: 'line-through', color: theme.colors.text.secondary }),
  unmapped: css({ color: theme.colors.warning.text }),
  after: css({ color: theme.colors.success.text, fontWeight: theme.typography.fontWeightMedium }),
});
