import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Health } from '@oma-insights/contracts';
import { databaseVersion } from '../db/migrate';
import { API_VERSION, VERSION } from '../version';

const startedAt = new Date();

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.store;

  async function count(query: () => Promise<{ n: number | string } | undefined>) {
    try {
      return Number((await query())?.n ?? 0);
    } catch {
      return null;
    }
  }

  app.get(
    '/debug/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Service status, dependency checks, versions, uptime and row counts (no token needed)',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const reasons: string[] = [];
      const checks: Health['checks'] = {};

      const t0 = performance.now();
      let dbVersion: string | null = null;
      try {
        await sql`select 1`.execute(db);
        dbVersion = await databaseVersion(app.store);
        checks.db = { status: 'ok', latency_ms: Math.round((performance.now() - t0) * 100) / 100 };
      } catch (err) {
        checks.db = { status: 'down', message: (err as Error).message };
        reasons.push(`database unreachable: ${(err as Error).message}`);
      }

      const bus = await app.bus.check().catch((err: Error) => ({ ok: false, message: err.message }));
      checks.event_bus = bus.ok ? { status: 'ok' } : { status: 'down', message: bus.message };
      if (!bus.ok) reasons.push(`event bus down: ${bus.message ?? 'unknown'}`);

      for (const [name, probe] of app.components) {
        const state = probe();
        checks[name] = state;
        if (state.status === 'down') reasons.push(`${name} down: ${state.message ?? 'unknown'}`);
      }

      const dbUp = checks.db.status === 'ok';
      const counts = {
        vm_contexts: dbUp
          ? await count(() =>
              db
                .selectFrom('vm_replication_contexts')
                .select((e) => e.fn.countAll<number>().as('n'))
                .executeTakeFirst(),
            )
          : null,
        replication_jobs: dbUp
          ? await count(() =>
              db
                .selectFrom('replication_jobs')
                .select((e) => e.fn.countAll<number>().as('n'))
                .executeTakeFirst(),
            )
          : null,
        running_jobs: dbUp
          ? await count(() =>
              db
                .selectFrom('replication_jobs')
                .select((e) => e.fn.countAll<number>().as('n'))
                .where('status', 'not in', ['completed', 'failed', 'cancelled'])
                .executeTakeFirst(),
            )
          : null,
        network_mappings: dbUp
          ? await count(() =>
              db
                .selectFrom('network_mappings')
                .select((e) => e.fn.countAll<number>().as('n'))
                .executeTakeFirst(),
            )
          : null,
      };

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
        db_version: dbVersion,
        uptime_s: Math.round(process.uptime()),
        started_at: startedAt.toISOString(),
        checks,
        counts,
        demo: { simulator: app.components.get('simulator')?.().status === 'ok' },
      } as const;
    },
  );
};

export default healthRoutes;
