import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Text, useStyles2 } from '@grafana/ui';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type CSSProperties } from 'react';

import type { FailoverType } from '../types';
import { destinationFor, type VmNic, type VmRow } from '../vm-rows';

/** Fixed row height: the virtualiser places rows without measuring them (10,000+ rows stay cheap). */
export const VM_ROW_HEIGHT = 32;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 6;

interface Props {
  vms: VmRow[];
  failoverType: FailoverType;
  /** Rows visible at once: the list's height. */
  visibleRows: number;
}

/** The selected VMs with their NIC networks and current destinations; only visible rows are in the DOM. */
export function VmList({ vms, failoverType, visibleRows }: Props) {
  const styles = useStyles2(getStyles);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: vms.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => VM_ROW_HEIGHT,
    overscan: OVERSCAN,
  });

  if (vms.length === 0) {
    return <Text color="secondary">No VM matches the filters.</Text>;
  }
  const height = Math.min(vms.length, visibleRows) * VM_ROW_HEIGHT;
  return (
    <div role="table" aria-label="Selected VMs" aria-rowcount={vms.length + 1} className={styles.table}>
      <div role="row" aria-rowindex={1} className={cx(styles.row, styles.header)}>
        <span role="columnheader">VM</span>
        <span role="columnheader">vCenter / datacenter</span>
        <span role="columnheader">NIC networks → {failoverType} destination</span>
      </div>
      <div ref={scrollRef} className={styles.scroller} style={{ height }} data-testid="vm-list-scroller">
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => (
            <VmListRow
              key={item.key}
              vm={vms[item.index]}
              index={item.index}
              failoverType={failoverType}
              style={{ transform: `translateY(${item.start}px)`, height: item.size }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  vm: VmRow;
  index: number;
  failoverType: FailoverType;
  style: CSSProperties;
}

function VmListRow({ vm, index, failoverType, style }: RowProps) {
  const styles = useStyles2(getStyles);
  const place = [vm.vcenter, vm.datacenter].filter(Boolean).join(' / ');
  return (
    <div role="row" aria-rowindex={index + 2} className={cx(styles.row, styles.body)} style={style}>
      <span role="cell" className={styles.cell} title={vm.name}>
        {vm.name}
      </span>
      <span role="cell" className={cx(styles.cell, styles.secondary)} title={place}>
        {place}
      </span>
      <span role="cell" className={styles.cell}>
        {vm.nics.map((nic) => (
          <NicMapping key={nic.sourceNetwork} nic={nic} failoverType={failoverType} />
        ))}
      </span>
    </div>
  );
}

function NicMapping({ nic, failoverType }: { nic: VmNic; failoverType: FailoverType }) {
  const styles = useStyles2(getStyles);
  const destination = destinationFor(nic, failoverType);
  const invalid = destination?.validation === 'invalid';
  const title = destination
    ? `${nic.sourceNetwork} → ${destination.name}${destination.validation ? ` (${destination.validation})` : ''}`
    : `${nic.sourceNetwork}: no ${failoverType} mapping`;
  return (
    <span className={styles.nic} title={title}>
      {nic.sourceNetwork} →{' '}
      {destination ? (
        <span className={invalid ? styles.invalid : undefined}>{destination.name}</span>
      ) : (
        <span className={styles.unmapped}>unmapped</span>
      )}
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({ display: 'flex', flexDirection: 'column', minWidth: 0 }),
  row: css({
    display: 'grid',
    // VM names are short; "vcenter-01.corp.example.com / DC-Manchester" is not.
    gridTemplateColumns: 'minmax(120px, 0.7fr) minmax(100px, 1fr) minmax(160px, 2fr)',
    gap: theme.spacing(1),
    alignItems: 'center',
    padding: theme.spacing(0, 1),
  }),
  header: css({
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.secondary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    height: VM_ROW_HEIGHT,
  }),
  body: css({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  scroller: css({ overflowY: 'auto', contain: 'strict' }),
  cell: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  secondary: css({ color: theme.colors.text.secondary }),
  nic: css({ marginRight: theme.spacing(2) }),
  unmapped: css({ color: theme.colors.warning.text }),
  invalid: css({ color: theme.colors.error.text }),
});
