// The health sampler: every HEALTH_SAMPLE_INTERVAL_SECONDS one sample is stored in
// omi_health_samples and published as a `system_health` event (the /ws/system-health channel).
// Every instance samples itself.
import fp from 'fastify-plugin';
import { HEALTH_METRICS } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { shortCause } from '../db/errors';
import { databaseVolume, HealthSampler, type HealthSample } from './sampler';

declare module 'fastify' {
  interface FastifyInstance {
    /** Takes, stores and publishes one sample now (the timer does this on its own). */
    sampleHealth(): Promise<HealthSample>;
  }
}

const INGEST_ROUTE = '/api/v1/progress/:job_id';

export async function storeSample(store: Db, sample: HealthSample) {
  await store.db
    .insertInto('omi_health_samples')
    .values({
      sampled_at: store.time.toDb(sample.atMs),
      sampled_at_ms: sample.atMs,
      status: sample.status,
      reasons: sample.reasons.length ? JSON.stringify(sample.reasons) : null,
      ...sample.figures,
    })
    .execute();
}

export default fp(
  async (app) => {
    const intervalMs = app.config.healthSampleIntervalMs;
    let events = 0;
    let ingests = 0;
    const unsubscribe = app.bus.subscribe(() => {
      events += 1;
    });
    app.addHook('onResponse', async (request) => {
      if (request.method === 'POST' && request.routeOptions.url === INGEST_ROUTE) ingests += 1;
    });

    let sampler: HealthSampler | null = null;
    let timer: NodeJS.Timeout | null = null;
    let last: { at: string; error?: string; status?: string } | null = null;
    const log = app.log.child({ component: 'health-sampler' });

    const sampleHealth = async (): Promise<HealthSample> => {
      sampler ??= new HealthSampler({
        store: app.store,
        volumePath: await databaseVolume(app.store, app.config.dbUrl),
        counts: () => ({ events, ingests }),
        liveClients: async () => {
          const gauge = app.metricsRegistry.getSingleMetric('omi_live_clients');
          const clients: Record<string, number> = {};
          for (const v of (await gauge?.get())?.values ?? []) clients[String(v.labels.channel)] = v.value;
          return clients;
        },
      });
      const sample = await sampler.sample();
      await storeSample(app.store, sample);
      await app.bus.publish('system_health', {
        status: sample.status,
        reasons: sample.reasons,
        sampled_at: new Date(sample.atMs).toISOString(),
        ...sample.figures,
      });
      return sample;
    };
    app.decorate('sampleHealth', sampleHealth);

    let running = false;
    const tick = async () => {
      if (running) return; // a slow sample (database down) is never overlapped by the next
      running = true;
      try {
        const sample = await sampleHealth();
        last = { at: new Date(sample.atMs).toISOString(), status: sample.status };
      } catch (err) {
        last = { at: new Date().toISOString(), error: shortCause(err) };
        log.warn({ err }, 'health sample failed');
      } finally {
        running = false;
      }
    };

    app.components.set('health_sampler', () => {
      if (intervalMs === 0) return { status: 'disabled', message: 'HEALTH_SAMPLE_INTERVAL_SECONDS=0' };
      if (last?.error) return { status: 'down', message: `last sample at ${last.at} failed: ${last.error}` };
      return {
        status: 'ok',
        message: `every ${intervalMs / 1000} s${last ? `; last at ${last.at} (${last.status})` : ''}; ${HEALTH_METRICS.length} figures`,
      };
    });
    app.addHook('onReady', async () => {
      if (intervalMs === 0) return;
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    });
    app.addHook('preClose', async () => {
      if (timer) clearInterval(timer);
      timer = null;
      unsubscribe();
    });
    app.addHook('onClose', async () => sampler?.stop());
  },
  { name: 'health-sampler', dependencies: ['services', 'metrics'] },
);
