import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Health, JOB_STATUSES, Liveness, TERMINAL_JOB_STATUSES } from '@oma-insights/contracts';
import { countRows } from '../db/count';
import { shortCause } from '../db/errors';
import { databaseVersion } from '../db/migrate';
import { API_VERSION, VERSION } from '../version';

const startedAt = new Date();
const COUNTS_TTL_MS = 30_000;
const RUNNING_STATUSES = JOB_STATUSES.filter(
  (s) => !(TERMINAL_JOB_STATUSES as readonly string[]).includes(s),
);

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.store;

  // Exact counts over a million-row job table cost seconds on a small buffer pool; health is
  // polled often, so counts are recomputed at most once per COUNTS_TTL_MS.
  let counts: { at: number; value: Health['counts'] } | null = null;
  async function currentCounts(): Promise<Health['counts']> {
    if (counts && Date.now() - counts.at < COUNTS_TTL_MS) return counts.value;
    const [vmContexts, jobs, running, mappings] = await Promise.all([
      countRows(db, 'vm_replication_contexts'),
      countRows(db, 'replication_jobs'),
      db
        .selectFrom('replication_jobs')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('status', 'in', RUNNING_STATUSES) // uses the (status, updated_at) index
        .executeTakeFirst(),
      countRows(db, 'network_mappings'),
    ]);
    const value = {
      vm_contexts: vmContexts,
      replication_jobs: jobs,
      running_jobs: Number(running?.n ?? 0),
      network_mappings: mappings,
    };
    counts = { at: Date.now(), value };
    return value;
  }

  app.get(
    '/debug/live',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers (for container health checks; says nothing of the database)',
        response: { 200: Liveness },
      },
    },
    async () => ({ status: 'ok' as const, uptime_s: Math.round(process.uptime()) }),
  );

  app.get(
    '/debug/health',
    {
      schema: {
        tags: ['health'],
        summary:
          'Readiness: service status, dependency checks, versions, uptime and row counts (503 when degraded; no token needed)',
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      const reasons: string[] = [];
      const checks: Health['checks'] = {};

      const t0 = performance.now();
      let dbVersion: string | null = null;
      try {
        await sql`select 1`.execute(db);
        dbVersion = await databaseVersion(app.store);
        checks.db = { status: 'ok', latency_ms: Math.round((performance.now() - t0) * 100) / 100 };
      } catch (err) {
        // Strangers read this page: a short cause here, the driver's own words in the log.
        const cause = shortCause(err);
        request.log.warn({ err }, `health check: database unreachable (${cause})`);
        checks.db = { status: 'down', message: cause };
        reasons.push(`database unreachable: ${cause}`);
      }

      const { ok, message, ...bus } = await app.bus.check();
      checks.event_bus = { status: ok ? 'ok' : 'down', message, bus };
      if (!ok) reasons.push(`event bus down: ${message ?? 'unknown'}`);

      for (const [name, probe] of app.components) {
        const state = probe();
        checks[name] = state;
        if (state.status === 'down') reasons.push(`${name} down: ${state.message ?? 'unknown'}`);
      }

      const empty = { vm_contexts: null, replication_jobs: null, running_jobs: null, network_mappings: null };
      const rowCounts = checks.db.status === 'ok' ? await currentCounts().catch(() => empty) : empty;

      const status = reasons.length ? 'degraded' : 'ok';
      reply.code(status === 'ok' ? 200 : 503);
      return {
        status,
        reasons,
        version: VERSION,
        api_version: API_VERSION,
        node_version: process.version,
        dialect: app.store.dialect,
        mode: app.storageMode,
        db_timezone: app.store.time.zone,
        db_version: dbVersion,
        uptime_s: Math.round(process.uptime()),
        started_at: startedAt.toISOString(),
        checks,
        counts: rowCounts,
        demo: { simulator: app.components.get('simulator')?.().status === 'ok' },
      } as const;
    },
  );
};

export default healthRoutes;
