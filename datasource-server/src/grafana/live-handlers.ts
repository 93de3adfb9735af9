// Live query types: `liveProgress` is the current state of every active job, the initial state of
// the data source's streaming query and what it polls when the WebSocket is unavailable.
import type { WireFrame } from '@oma-insights/contracts';
import { activeJobs, type ActiveJob } from '../live/snapshot';
import { toFrame, type Column } from './frames';
import type { QueryContext } from './handlers';
import type { QueryOf } from './query-types';

const DEFAULT_ROWS = 500;

/** The same fields as the progress channel's messages, so polled and pushed rows look alike. */
export const LIVE_PROGRESS_COLUMNS: Column<ActiveJob>[] = [
  { name: 'job_id', type: 'string', value: (j) => j.job_id },
  { name: 'vm_name', type: 'string', value: (j) => j.vm_name, config: { displayName: 'VM' } },
  { name: 'status', type: 'string', value: (j) => j.status },
  { name: 'phase', type: 'string', value: (j) => j.phase },
  {
    name: 'percentage',
    type: 'number',
    value: (j) => j.percentage,
    config: { unit: 'percent', min: 0, max: 100, displayName: 'Progress' },
  },
  {
    name: 'bytes_transferred',
    type: 'number',
    value: (j) => j.bytes_transferred,
    config: { unit: 'bytes', displayName: 'Transferred' },
  },
  {
    name: 'total_bytes',
    type: 'number',
    value: (j) => j.total_bytes,
    config: { unit: 'bytes', displayName: 'Total' },
  },
  {
    name: 'throughput_mbps',
    type: 'number',
    value: (j) => j.throughput_mbps,
    config: { unit: 'MBs', displayName: 'Throughput' },
  },
  {
    name: 'eta_seconds',
    type: 'number',
    value: (j) => j.eta_seconds,
    config: { unit: 's', displayName: 'ETA' },
  },
  {
    name: 'updated_at',
    type: 'time',
    value: (j) => (j.updated_at === null ? null : Date.parse(j.updated_at)),
    config: { displayName: 'Updated' },
  },
];

/** Every job the OMA has not finished (whatever the time range), filtered like the progress channel. */
export async function liveProgress(
  { db, time }: QueryContext,
  q: QueryOf<'liveProgress'>,
): Promise<WireFrame[]> {
  const jobs = await activeJobs({ db, time }, { vm: q.vm, job: q.job });
  const limit = q.limit ?? DEFAULT_ROWS;
  return [
    toFrame('live_progress', q.refId, LIVE_PROGRESS_COLUMNS, jobs.slice(0, limit), {
      custom: { active: jobs.length, truncated: jobs.length > limit },
    }),
  ];
}
