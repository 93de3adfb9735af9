import { css, cx } from '@emotion/css';
import type { EventBus, GrafanaTheme2, PanelData } from '@grafana/data';
import { RefreshEvent } from '@grafana/runtime';
import { Alert, Badge, Button, IconButton, Text, useStyles2 } from '@grafana/ui';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';

import { omaDataSource, type EditAccess } from '../../common/oma-datasource';
import { refreshDashboard } from '../../common/refresh-dashboard';
import { describeResult, recommendationRequest } from '../model/apply';
import type { RecommendationEdge } from '../model/topology-model';
import { vmsBehind, readVmRows, type NetworkVm, type Selection } from '../model/vms';
import type { FailoverType } from '../types';
import type { Colours } from './Legend';

const ROW_HEIGHT = 44;

interface Props {
  selection: Selection;
  failoverType: FailoverType;
  vmRows: ReturnType<typeof readVmRows>;
  access: EditAccess;
  data: PanelData;
  eventBus: EventBus;
  colours: Colours;
  width: number;
  /** Over the graph (a narrow panel) rather than beside it. */
  overlay: boolean;
  onClose: () => void;
}

function title(selection: Selection): { heading: string; sub: string } {
  if (selection.type === 'node') {
    const n = selection.node;
    return n.kind === 'source'
      ? { heading: n.name, sub: 'VMware network: the VMs with a NIC on it' }
      : { heading: n.name, sub: `CloudStack network ${n.networkId}: the VMs mapped to it` };
  }
  const e = selection.edge;
  return e.kind === 'recommendation'
    ? { heading: `${e.sourceNetwork} → ${e.networkName}`, sub: 'Recommended mapping' }
    : {
        heading: `${selection.sourceNetwork} → ${selection.networkName}`,
        sub: `Mapping to CloudStack network ${selection.networkId}: the VMs behind it`,
      };
}

/** The side pane for what was clicked: the VMs behind it, and for a recommendation its Apply. */
export function DetailsPane(props: Props) {
  const { selection, failoverType, vmRows, access, data, eventBus, colours, width, overlay, onClose } = props;
  const styles = useStyles2(getStyles);
  const vms = useMemo(
    () => (vmRows ? vmsBehind(vmRows, selection, failoverType) : undefined),
    [vmRows, selection, failoverType],
  );
  const { heading, sub } = title(selection);
  const recommendation =
    selection.type === 'edge' && selection.edge.kind === 'recommendation' ? selection.edge : undefined;
  return (
    <aside
      className={cx(styles.pane, overlay && styles.overlay)}
      style={{ width }}
      aria-label="Selected network details"
      data-testid="oma-topology-details"
    >
      <header className={styles.header}>
        <div className={styles.titles}>
          <div className={styles.heading} title={heading}>
            {heading}
          </div>
          <Text color="secondary" variant="bodySmall">
            {sub} ({failoverType} failover)
          </Text>
        </div>
        <IconButton name="times" aria-label="Close details" onClick={onClose} />
      </header>
      {recommendation && (
        <RecommendationActions
          key={recommendation.id}
          edge={recommendation}
          failoverType={failoverType}
          access={access}
          data={data}
          eventBus={eventBus}
          colour={colours.recommended}
        />
      )}
      {vms ? (
        <VmList
          vms={vms}
          colours={colours}
          showSource={selection.type === 'node' && selection.node.kind === 'destination'}
        />
      ) : (
        <p className={styles.hint}>
          Add a &quot;Network VMs&quot; query of the OMA Migration Insights data source to this panel to list
          the VMs behind a network.
        </p>
      )}
    </aside>
  );
}

/** A random key per Apply intent: a retried request with it changes nothing twice. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  // Plain-HTTP Grafana (no secure context) has getRandomValues but not randomUUID.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

type ApplyState =
  | { state: 'idle' }
  | { state: 'applying' }
  | { state: 'done'; message: string }
  | { state: 'failed'; message: string };

function RecommendationActions(props: {
  edge: RecommendationEdge;
  failoverType: FailoverType;
  access: EditAccess;
  data: PanelData;
  eventBus: EventBus;
  colour: string;
}) {
  const { edge, failoverType, access, data, eventBus, colour } = props;
  const styles = useStyles2(getStyles);
  const [apply, setApply] = useState<ApplyState>({ state: 'idle' });
  // One key per apply: a double click, or a retry after no answer (did it apply?), applies once.
  // A request the server answered with a refusal changed nothing: the next try is a new one.
  const key = useRef(newIdempotencyKey());

  const run = async () => {
    setApply({ state: 'applying' });
    try {
      const ds = await omaDataSource(data);
      const result = await ds.bulkMapping(recommendationRequest(edge, failoverType), key.current);
      setApply({ state: 'done', message: describeResult(result) });
      // Everything runs its queries again and the edge becomes a mapping: the panel's own bus for
      // a dashboard panel or app page that listens there, the dashboard for Scenes and classic.
      eventBus.publish(new RefreshEvent());
      refreshDashboard();
    } catch (err) {
      const { message, kind } = (err ?? {}) as { message?: unknown; kind?: unknown };
      if (kind !== 'unreachable') {
        key.current = newIdempotencyKey();
      }
      setApply({ state: 'failed', message: typeof message === 'string' ? message : String(err) });
    }
  };

  return (
    <section className={styles.recommendation} style={{ borderLeftColor: colour }}>
      <div>
        <Badge color="blue" text={`Score ${Math.round(edge.score * 100)}%`} /> for {edge.vmCount} unmapped VM
        {edge.vmCount === 1 ? '' : 's'}
      </div>
      {edge.reasons.length > 0 && (
        <ul className={styles.reasons} aria-label="Why">
          {edge.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {access.allowed ? (
        apply.state !== 'done' && (
          <Button
            size="sm"
            icon={apply.state === 'applying' ? 'spinner' : 'check'}
            disabled={apply.state === 'applying'}
            onClick={run}
          >
            Apply: map {edge.sourceNetwork} to {edge.networkName}
          </Button>
        )
      ) : (
        <Text color="secondary" variant="bodySmall" element="p">
          {access.reason ?? 'Read-only.'}
        </Text>
      )}
      {apply.state === 'done' && (
        <Alert severity="success" title="Applied" className={styles.outcome}>
          {apply.message}
        </Alert>
      )}
      {apply.state === 'failed' && (
        <Alert severity="error" title="Not applied" className={styles.outcome}>
          {apply.message}
        </Alert>
      )}
    </section>
  );
}

/** The VMs, each with its mapping; `showSource` adds the VMware network (a destination's list). */
function VmList({ vms, colours, showSource }: { vms: NetworkVm[]; colours: Colours; showSource: boolean }) {
  const styles = useStyles2(getStyles);
  const scroller = useRef<HTMLDivElement>(null);
  // Virtualised: a network can have thousands of VMs.
  const virtualizer = useVirtualizer({
    count: vms.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const validationColour = (v: string | null) =>
    v === 'invalid' ? colours.invalid : v === 'valid' ? colours.mapped : colours.pending;
  if (vms.length === 0) {
    return <p className={styles.hint}>No VMs.</p>;
  }
  return (
    <>
      <div className={styles.listHeader}>
        {vms.length} VM NIC{vms.length === 1 ? '' : 's'}
      </div>
      <div ref={scroller} className={styles.list} role="list" aria-label="VMs">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const vm = vms[item.index];
            return (
              <div
                key={item.key}
                role="listitem"
                data-vm={vm.vmName}
                className={styles.row}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              >
                <div className={styles.vmName}>
                  <span>{vm.vmName}</span>
                  <span className={styles.mapping} style={{ color: validationColour(vm.validation) }}>
                    {vm.networkId ? (vm.validation ?? 'not validated') : 'no mapping'}
                  </span>
                </div>
                <div className={styles.vmDetail}>
                  {[
                    showSource ? `from ${vm.sourceNetwork}` : undefined,
                    vm.networkId ? `→ ${vm.networkName ?? vm.networkId}` : undefined,
                    vm.status?.replace(/_/g, ' '),
                    vm.datacenter,
                    vm.vcenter,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  pane: css({
    display: 'flex',
    flexDirection: 'column',
    flexShrink: 0,
    height: '100%',
    borderLeft: `1px solid ${theme.colors.border.weak}`,
    background: theme.colors.background.primary,
    overflow: 'hidden',
  }),
  overlay: css({ position: 'absolute', right: 0, top: 0, zIndex: 10, boxShadow: theme.shadows.z3 }),
  header: css({
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  titles: css({ flex: 1, minWidth: 0 }),
  heading: css({
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  recommendation: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    margin: theme.spacing(1),
    padding: theme.spacing(1),
    borderLeft: '3px dashed',
    background: theme.colors.background.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  reasons: css({ margin: 0, paddingLeft: theme.spacing(2), color: theme.colors.text.secondary }),
  outcome: css({ marginBottom: 0 }),
  hint: css({ padding: theme.spacing(1), color: theme.colors.text.secondary }),
  listHeader: css({
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  list: css({ flex: 1, overflowY: 'auto', minHeight: 0 }),
  row: css({
    position: 'absolute',
    top: 0,
    left: 0,
    right: 0,
    padding: theme.spacing(0.5, 1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  vmName: css({
    display: 'flex',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    fontWeight: theme.typography.fontWeightMedium,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  mapping: css({ fontWeight: theme.typography.fontWeightRegular, fontSize: 11, whiteSpace: 'nowrap' }),
  vmDetail: css({
    fontSize: 11,
    color: theme.colors.text.secondary,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
});
