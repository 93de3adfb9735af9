import type { Kysely } from 'kysely';
import type { VmContextQuery } from '@oma-insights/contracts';
import type { Database } from '../db/schema';
import { decodeCursor, encodeCursor, likeContains } from '../http/cursor';

export async function listContexts(db: Kysely<Database>, query: VmContextQuery) {
  const limit = query.limit ?? 100;
  let q = db
    .selectFrom('vm_replication_contexts')
    .selectAll()
    .orderBy('vm_name')
    .orderBy('context_id')
    .limit(limit + 1);
  if (query.status) q = q.where('current_status', '=', query.status);
  if (query.vcenter) q = q.where('vcenter_host', '=', query.vcenter);
  if (query.search) q = q.where('vm_name', 'like', likeContains(query.search));
  if (query.cursor) {
    const [name, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) =>
      eb.or([eb('vm_name', '>', name), eb.and([eb('vm_name', '=', name), eb('context_id', '>', id)])]),
    );
  }
  const rows = await q.execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor([last.vm_name, last.context_id]) : null,
  };
}

export function contextsNamed(db: Kysely<Database>, vmName: string, vcenter?: string) {
  let q = db.selectFrom('vm_replication_contexts').selectAll().where('vm_name', '=', vmName);
  if (vcenter) q = q.where('vcenter_host', '=', vcenter);
  return q.limit(10).execute();
}

export async function contextDetail(db: Kysely<Database>, contextId: string, currentJobId: string | null) {
  const [currentJob, jobHistory, disks, cbtHistory, mappings] = await Promise.all([
    currentJobId
      ? db.selectFrom('replication_jobs').selectAll().where('id', '=', currentJobId).executeTakeFirst()
      : Promise.resolve(undefined),
    db
      .selectFrom('replication_jobs')
      .selectAll()
      .where('vm_context_id', '=', contextId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(10)
      .execute(),
    db.selectFrom('vm_disks').selectAll().where('vm_context_id', '=', contextId).orderBy('id').execute(),
    db
      .selectFrom('cbt_history')
      .selectAll()
      .where('vm_context_id', '=', contextId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(20)
      .execute(),
    db
      .selectFrom('network_mappings')
      .selectAll()
      .where('vm_context_id', '=', contextId)
      .orderBy('source_network_name')
      .orderBy('is_test_network')
      .execute(),
  ]);
  return { currentJob, jobHistory, disks, cbtHistory, mappings };
}
