// Writes a demo world into the store in large batches on one connection.
import { sql, type Kysely } from 'kysely';
import type { Db } from '../db/connect';
import { countRows } from '../db/count';
import type { Database } from '../db/schema';
import { networkToRow } from '../networks/present';
import { buildHistory, type VmHistory } from './history';
import { buildVm, buildWorld } from './world';

export interface SeedOptions {
  vms: number;
  days: number;
  seed: number;
  /** End of history (default now). Fixing it makes two runs produce identical rows. */
  end?: Date;
  /** Delete existing OMA rows first (standalone databases only; the caller checks). */
  reset?: boolean;
  onProgress?: (progress: { vmsDone: number; vms: number; jobs: number }) => void;
}

export interface SeedStats {
  vms: number;
  jobs: number;
  rows: Record<string, number>;
  seconds: number;
  jobsPerSecond: number;
}

type Buffers = { [K in keyof VmHistory]: VmHistory[K] extends (infer R)[] ? R[] : VmHistory[K][] };

/** Insert order matters only for readability: foreign keys are off while seeding. */
export const TABLE_OF: Record<keyof VmHistory, keyof Database> = {
  context: 'vm_replication_contexts',
  jobs: 'replication_jobs',
  disks: 'vm_disks',
  cbt: 'cbt_history',
  volumeOperations: 'volume_operations',
  volumeHistory: 'volume_operation_history',
  jobTracking: 'job_tracking',
  mappings: 'network_mappings',
};

/** Tables the seeder fills, for --reset. */
export const SEEDED_TABLES: (keyof Database)[] = [
  ...Object.values(TABLE_OF),
  'ossea_configs',
  'omi_cloudstack_networks',
];

// SQLite binds at most 32766 parameters per statement; MariaDB's limit is the packet size.
const MAX_PARAMS = 30_000;
const FLUSH_EVERY_JOBS = 8_000;

function emptyBuffers(): Buffers {
  return {
    context: [],
    jobs: [],
    disks: [],
    cbt: [],
    volumeOperations: [],
    volumeHistory: [],
    jobTracking: [],
    mappings: [],
  };
}

async function flush(db: Kysely<Database>, buffers: Buffers, rows: Record<string, number>) {
  await db.transaction().execute(async (trx) => {
    for (const key of Object.keys(TABLE_OF) as (keyof VmHistory)[]) {
      const batch = buffers[key] as Record<string, unknown>[];
      if (!batch.length) continue;
      const chunk = Math.max(1, Math.floor(MAX_PARAMS / Object.keys(batch[0]).length));
      const table = TABLE_OF[key];
      for (let i = 0; i < batch.length; i += chunk) {
        await trx
          .insertInto(table)
          .values(batch.slice(i, i + chunk) as never)
          .execute();
      }
    }
  });
  // Counted after commit: a failed batch adds nothing.
  for (const key of Object.keys(TABLE_OF) as (keyof VmHistory)[]) {
    const table = TABLE_OF[key];
    if (buffers[key].length) rows[table] = (rows[table] ?? 0) + buffers[key].length;
  }
}

export async function seedDemoWorld(store: Db, options: SeedOptions): Promise<SeedStats> {
  const started = performance.now();
  const end = (options.end ?? new Date()).getTime();
  const window = { start: end - options.days * 86_400_000, end };
  const world = buildWorld(options.seed);
  const rows: Record<string, number> = {};

  await store.db.connection().execute(async (db) => {
    // Seeding writes rows whose keys it generated itself: skip per-row FK and unique lookups.
    if (store.dialect === 'mysql') await sql`SET foreign_key_checks = 0, unique_checks = 0`.execute(db);
    try {
      if (options.reset) {
        // All or nothing: an interrupted reset leaves the old world whole.
        await db.transaction().execute(async (trx) => {
          for (const table of [...SEEDED_TABLES, 'omi_job_progress', 'omi_disk_progress'] as const)
            await trx.deleteFrom(table).execute();
        });
      }
      if ((await countRows(db, 'vm_replication_contexts')) > 0) {
        throw new Error('The database already holds VM contexts; seed an empty database or pass --reset');
      }
      const now = store.time.toDb(end);
      const config = await db
        .insertInto('ossea_configs')
        .values({ ...world.osseaConfig, domain: null, created_at: now, updated_at: now, is_active: 1 })
        .executeTakeFirstOrThrow();
      const osseaConfigId = Number(config.insertId);
      await db.deleteFrom('omi_cloudstack_networks').execute();
      await db
        .insertInto('omi_cloudstack_networks')
        .values(world.networks.map((n) => networkToRow(n, now)))
        .execute();
      rows.omi_cloudstack_networks = world.networks.length;

      let buffers = emptyBuffers();
      let pendingJobs = 0;
      let jobs = 0;
      for (let index = 0; index < options.vms; index++) {
        const history = buildHistory(world, buildVm(world, index), window, osseaConfigId, store.time);
        buffers.context.push(history.context);
        for (const key of Object.keys(TABLE_OF) as (keyof VmHistory)[]) {
          if (key !== 'context') (buffers[key] as unknown[]).push(...(history[key] as unknown[]));
        }
        pendingJobs += history.jobs.length;
        jobs += history.jobs.length;
        if (pendingJobs >= FLUSH_EVERY_JOBS || index === options.vms - 1) {
          await flush(db, buffers, rows);
          buffers = emptyBuffers();
          pendingJobs = 0;
          options.onProgress?.({ vmsDone: index + 1, vms: options.vms, jobs });
        }
      }
    } finally {
      if (store.dialect === 'mysql') await sql`SET foreign_key_checks = 1, unique_checks = 1`.execute(db);
    }
  });

  const seconds = (performance.now() - started) / 1000;
  const jobs = rows.replication_jobs ?? 0;
  return { vms: options.vms, jobs, rows, seconds, jobsPerSecond: jobs / seconds };
}
