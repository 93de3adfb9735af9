// The `notifications` query type of POST /query: the history as a table frame, newest first
// (the polling fallback of the live notifications feed, and a table panel's source).
import type { WireFrame } from '@oma-insights/contracts';
import type { Column } from '../grafana/frames';
import { toFrame } from '../grafana/frames';
import type { QueryContext } from '../grafana/handlers';
import type { QueryOf } from '../grafana/query-types';
import type { Notification } from '@oma-insights/contracts';
import { listNotifications } from './store';

const DEFAULT_ROWS = 200;

const columns: Column<Notification>[] = [
  { name: 'time', type: 'time', value: (n) => Date.parse(n.created_at) },
  { name: 'severity', type: 'string', value: (n) => n.severity, config: { displayName: 'Severity' } },
  { name: 'title', type: 'string', value: (n) => n.title, config: { displayName: 'Title' } },
  { name: 'message', type: 'string', value: (n) => n.message, config: { displayName: 'Message' } },
  { name: 'source', type: 'string', value: (n) => n.source, config: { displayName: 'Source' } },
  { name: 'vm_name', type: 'string', value: (n) => n.vm_name, config: { displayName: 'VM' } },
  { name: 'job_id', type: 'string', value: (n) => n.job_id, config: { displayName: 'Job' } },
  // The first link: the VM Detail dashboard, or the alert's panel or rule.
  { name: 'link', type: 'string', value: (n) => n.links[0]?.url ?? null, config: { displayName: 'Link' } },
];

export async function notifications(
  { db, time, range }: QueryContext,
  q: QueryOf<'notifications'>,
): Promise<WireFrame[]> {
  const page = await listNotifications(
    { db, time },
    { range, severity: q.severity, vm: q.vm, source: q.source, limit: q.limit ?? DEFAULT_ROWS },
  );
  return [toFrame('notifications', q.refId, columns, page.notifications)];
}
