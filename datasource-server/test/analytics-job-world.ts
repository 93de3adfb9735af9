// The seeded world the job analytics property tests share: a demo history, a VM group on the
// first datacenter, four jobs still running (two oddly with a completed_at inside the range,
// which must never count), and rollups up to ROLLED_UP_TO (the last hours stay raw, as between
// two maintenance runs).
import { sql } from 'kysely';
import { HOUR_MS } from '../src/analytics/rollups/job-facts';
import { rolledUpTo, rollUpPending } from '../src/analytics/rollups/roll-up';
import { buildTestApp, FIXED_END, type TargetName, type TestApp } from './helper';

export const SEED = { vms: 30, days: 12 };
export const END = FIXED_END.getTime();
export const START = END - SEED.days * 24 * HOUR_MS;
export const ROLLED_UP_TO = END - 5 * HOUR_MS;
export type Filters = Partial<
  Record<'vcenter' | 'datacenter' | 'vm' | 'replication_type' | 'vm_group', string>
>;

export interface JobWorld {
  t: TestApp;
  /** Filter values that occur, for random requests. */
  values: { vcenters: string[]; datacenters: string[]; vms: string[] };
}

export async function buildJobWorld(target: TargetName, runningIdPrefix: string): Promise<JobWorld> {
  const t = await buildTestApp(target, SEED);
  const db = t.store.db;
  const distinct = async (column: 'v_center_host' | 'datacenter' | 'source_vm_name') =>
    (await db.selectFrom('replication_jobs').select(column).distinct().orderBy(column).execute()).map(
      (r) => r[column] as string,
    );
  const values = {
    vcenters: await distinct('v_center_host'),
    datacenters: await distinct('datacenter'),
    vms: await distinct('source_vm_name'),
  };
  // The real OMA schema keeps groups in vm_machine_groups, which replication_jobs.vm_group_id references.
  if (target === 'mysql-oma-dump') {
    await sql`insert into vm_machine_groups (id, name) values ('group-a', 'group-a')`.execute(db);
  }
  await db
    .updateTable('replication_jobs')
    .set({ vm_group_id: 'group-a' })
    .where('datacenter', '=', values.datacenters[0])
    .execute();
  const template = await db
    .selectFrom('replication_jobs')
    .selectAll()
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('replication_jobs')
    .values(
      [0, 1, 2, 3].map((i) => ({
        ...template,
        id: `${runningIdPrefix}-running-${i}`,
        status: i % 2 ? 'replicating' : 'pending',
        completed_at: i < 2 ? t.store.time.toDb(END - (i * 30 + 90) * 60_000) : null,
      })) as never,
    )
    .execute();
  await rollUpPending(t.store, ROLLED_UP_TO + 17 * 60_000);
  if ((await rolledUpTo(t.store)) !== ROLLED_UP_TO) throw new Error('the rollups did not reach ROLLED_UP_TO');
  return { t, values };
}
