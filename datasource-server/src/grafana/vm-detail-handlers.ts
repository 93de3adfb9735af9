// The VM Detail dashboard's own query types: a VM's disks and its CBT (changed block tracking)
// sync history, as the OMA GUI's VM page showed them. VMs are named by vm_name (the variable the
// data links fill); the OMA tables key disks and syncs by context id, hence the join.
import type { WireFrame } from '@oma-insights/contracts';
import type { CbtHistoryRow, VmDiskRow } from '../db/schema';
import { toFrame, type Column } from './frames';
import type { QueryContext } from './handlers';
import { listOf, type QueryOf } from './query-types';

const DEFAULT_ROWS = 500;

type Disk = VmDiskRow & { vm_name: string };
type Sync = CbtHistoryRow & { vm_name: string };

/** Bytes per second of a sync; null without a positive duration. Pure. */
export function syncThroughput(bytes: number | null, seconds: number | null): number | null {
  const b = Number(bytes ?? 0);
  const s = Number(seconds ?? 0);
  return s > 0 ? b / s : null;
}

export async function vmDisks({ db, time }: QueryContext, q: QueryOf<'vmDisks'>): Promise<WireFrame[]> {
  const vms = listOf(q.vm);
  let query = db
    .selectFrom('vm_disks as d')
    .innerJoin('vm_replication_contexts as c', 'c.context_id', 'd.vm_context_id')
    .selectAll('d')
    .select('c.vm_name')
    .orderBy('c.vm_name')
    .orderBy('d.id')
    .limit(q.limit ?? DEFAULT_ROWS);
  if (vms.length) query = query.where('c.vm_name', 'in', vms);
  const rows: Disk[] = await query.execute();
  const columns: Column<Disk>[] = [
    { name: 'vm_name', type: 'string', value: (r) => r.vm_name, config: { displayName: 'VM' } },
    { name: 'disk_id', type: 'string', value: (r) => r.disk_id, config: { displayName: 'Disk' } },
    { name: 'label', type: 'string', value: (r) => r.label },
    { name: 'datastore', type: 'string', value: (r) => r.datastore, config: { displayName: 'Datastore' } },
    {
      name: 'size_gb',
      type: 'number',
      value: (r) => Number(r.size_gb),
      config: { displayName: 'Size', unit: 'decgbytes' },
    },
    {
      name: 'capacity_bytes',
      type: 'number',
      value: (r) => (r.capacity_bytes === null ? null : Number(r.capacity_bytes)),
      config: { displayName: 'Capacity', unit: 'bytes' },
    },
    { name: 'provisioning_type', type: 'string', value: (r) => r.provisioning_type },
    {
      name: 'sync_status',
      type: 'string',
      value: (r) => r.sync_status,
      config: { displayName: 'Sync status' },
    },
    {
      name: 'sync_progress_percent',
      type: 'number',
      value: (r) => Number(r.sync_progress_percent ?? 0),
      config: { displayName: 'Sync progress', unit: 'percent', min: 0, max: 100 },
    },
    {
      name: 'bytes_synced',
      type: 'number',
      value: (r) => Number(r.bytes_synced ?? 0),
      config: { displayName: 'Synced', unit: 'bytes' },
    },
    {
      name: 'updated_at',
      type: 'time',
      value: (r) => time.toMs(r.updated_at),
      config: { displayName: 'Updated' },
    },
  ];
  return [toFrame('vm_disks', q.refId, columns, rows)];
}

export async function cbtHistory(
  { db, time, range }: QueryContext,
  q: QueryOf<'cbtHistory'>,
): Promise<WireFrame[]> {
  const vms = listOf(q.vm);
  let query = db
    .selectFrom('cbt_history as h')
    .innerJoin('vm_replication_contexts as c', 'c.context_id', 'h.vm_context_id')
    .selectAll('h')
    .select('c.vm_name')
    .where('h.created_at', '>=', time.toDb(range.from))
    .where('h.created_at', '<=', time.toDb(range.to))
    .orderBy('h.created_at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(q.limit ?? DEFAULT_ROWS);
  if (vms.length) query = query.where('c.vm_name', 'in', vms);
  const rows: Sync[] = await query.execute();
  const columns: Column<Sync>[] = [
    { name: 'time', type: 'time', value: (r) => time.toMs(r.created_at) },
    { name: 'vm_name', type: 'string', value: (r) => r.vm_name, config: { displayName: 'VM' } },
    { name: 'job_id', type: 'string', value: (r) => r.job_id },
    { name: 'disk_id', type: 'string', value: (r) => r.disk_id, config: { displayName: 'Disk' } },
    { name: 'sync_type', type: 'string', value: (r) => r.sync_type, config: { displayName: 'Sync type' } },
    {
      name: 'blocks_changed',
      type: 'number',
      value: (r) => (r.blocks_changed === null ? null : Number(r.blocks_changed)),
      config: { displayName: 'Blocks changed' },
    },
    {
      name: 'bytes_transferred',
      type: 'number',
      value: (r) => Number(r.bytes_transferred ?? 0),
      config: { displayName: 'Transferred', unit: 'bytes' },
    },
    {
      name: 'sync_duration_seconds',
      type: 'number',
      value: (r) => (r.sync_duration_seconds === null ? null : Number(r.sync_duration_seconds)),
      config: { displayName: 'Duration', unit: 's' },
    },
    {
      name: 'throughput_bps',
      type: 'number',
      value: (r) => syncThroughput(r.bytes_transferred, r.sync_duration_seconds),
      config: { displayName: 'Throughput', unit: 'Bps' },
    },
    {
      name: 'sync_success',
      type: 'boolean',
      value: (r) => Boolean(Number(r.sync_success)),
      config: { displayName: 'Succeeded' },
    },
  ];
  return [toFrame('cbt_history', q.refId, columns, rows)];
}
