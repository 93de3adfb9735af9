import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, ConfirmModal, Stack, Text, useStyles2 } from '@grafana/ui';
import { useState } from 'react';

import { changeSentence, type DiffModel } from '../diff';
import { FAILOVER_TYPE_LABELS, type FailoverType } from '../types';

interface Props {
  /** Why the user may not change mappings (Viewers); the buttons stay disabled. */
  readOnlyReason?: string;
  /** Why there is no request to send yet (no VM, no rule, an invalid pattern). */
  problem?: string;
  busy: 'dryRun' | 'apply' | null;
  /** The dry run of exactly this request, once it has run: Apply needs it. */
  dryRun: DiffModel | null;
  canApply: boolean;
  requireConfirmation: boolean;
  failoverType: FailoverType;
  onDryRun: () => void;
  onApply: () => Promise<void> | void;
}

/** Dry run, then Apply (after a confirmation that says how many VMs and NICs change). */
export function ActionBar(props: Props) {
  const {
    readOnlyReason,
    problem,
    busy,
    dryRun,
    canApply,
    requireConfirmation,
    failoverType,
    onDryRun,
    onApply,
  } = props;
  const styles = useStyles2(getStyles);
  const [confirming, setConfirming] = useState(false);
  const blocked = Boolean(readOnlyReason || problem);
  const hint =
    readOnlyReason ??
    problem ??
    (dryRun
      ? dryRun.changedNics === 0
        ? 'The dry run found nothing to change.'
        : undefined
      : 'Run a dry run to see what would change; Apply is enabled after it.');

  return (
    <div className={styles.bar}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Button
          icon={busy === 'dryRun' ? 'spinner' : 'eye'}
          variant="secondary"
          disabled={blocked || busy !== null}
          onClick={onDryRun}
        >
          Dry run
        </Button>
        <Button
          icon={busy === 'apply' ? 'spinner' : 'check'}
          variant="primary"
          disabled={blocked || !canApply || !dryRun || dryRun.changedNics === 0}
          onClick={() => (requireConfirmation ? setConfirming(true) : onApply())}
        >
          Apply
        </Button>
        {hint && (
          <Text color="secondary" data-testid="action-hint">
            {hint}
          </Text>
        )}
        {dryRun && (
          <ConfirmModal
            isOpen={confirming}
            title="Apply network mappings"
            body={
              <Text element="p">
                Map {changeSentence(dryRun)} for {FAILOVER_TYPE_LABELS[failoverType].toLowerCase()} (
                {dryRun.summary.created} created, {dryRun.summary.updated} updated). All or nothing: the
                server applies every change in one transaction and audits each one.
              </Text>
            }
            confirmText={`Apply to ${changeSentence(dryRun)}`}
            confirmVariant="primary"
            onConfirm={async () => {
              setConfirming(false);
              await onApply();
            }}
            onDismiss={() => setConfirming(false)}
          />
        )}
      </Stack>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // Stays at the bottom of the panel while the rules scroll under it: Dry run and Apply are
  // always at hand, however many source networks there are and however high the panel is.
  bar: css({
    position: 'sticky',
    bottom: 0,
    zIndex: 1,
    padding: theme.spacing(1, 0),
    background: theme.colors.background.primary,
    borderTop: `1px solid ${theme.colors.border.weak}`,
  }),
});
