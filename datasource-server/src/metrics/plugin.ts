// Prometheus metrics at GET /metrics (prom-client): the migration state read from the database
// at each scrape, events published since start, and the process's own metrics.
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATUSES, TERMINAL_JOB_STATUSES } from '@oma-insights/contracts';
import { CHANNEL_OF } from '../events/bus';

const RUNNING = JOB_STATUSES.filter((s) => !(TERMINAL_JOB_STATUSES as readonly string[]).includes(s));

declare module 'fastify' {
  interface FastifyInstance {
    /** Where features add their own series (e.g. the live channels' clients). */
    metricsRegistry: Registry;
    /** Series the live channels feed: what reaches the sockets and what does not. */
    liveMetrics: LiveMetrics;
  }
}

export interface LiveMetrics {
  /** Seconds from an event's creation to the live hub's write of it to its channel's sockets. */
  sendLatency: Histogram<'channel'>;
  /** Deliveries given up, by reason (see DROP_REASONS). */
  dropped: Counter<'reason'>;
}

/**
 * Why events did not reach a client: its send buffer passed LIVE_MAX_BUFFERED_BYTES
 * (slow_consumer), more than LIVE_REPLAY_BUFFER events piled up while its opening snapshot was
 * read (backlog_overflow), or it stopped answering pings (dead_peer). Each counts once per client
 * ended: what it had not received is lost to it until it resumes with since/epoch.
 */
export const DROP_REASONS = ['slow_consumer', 'backlog_overflow', 'dead_peer'] as const;

export default fp(
  async (app) => {
    const { db } = app.store;
    const registry = new Registry();
    app.decorate('metricsRegistry', registry);
    collectDefaultMetrics({ register: registry, prefix: 'omi_' });

    new Gauge({
      name: 'oma_replication_jobs',
      help: 'Replication jobs by status (all time, from the OMA replication_jobs table)',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const rows = await db
          .selectFrom('replication_jobs')
          .select(['status', (e) => e.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute();
        this.reset();
        for (const status of JOB_STATUSES) this.set({ status }, 0);
        for (const r of rows) this.set({ status: r.status ?? 'unknown' }, Number(r.n));
      },
    });

    new Gauge({
      name: 'oma_active_transfers',
      help: 'Replication jobs not yet completed, failed or cancelled',
      registers: [registry],
      async collect() {
        const row = await db
          .selectFrom('replication_jobs')
          .select((e) => e.fn.countAll<number>().as('n'))
          .where('status', 'in', RUNNING)
          .executeTakeFirstOrThrow();
        this.set(Number(row.n));
      },
    });

    new Gauge({
      name: 'oma_transfer_throughput_bytes_per_second',
      help: 'Sum of the current transfer speed of the active replication jobs',
      registers: [registry],
      async collect() {
        const row = await db
          .selectFrom('replication_jobs')
          .select((e) => e.fn.sum<number>('transfer_speed_bps').as('bps'))
          .where('status', 'in', RUNNING)
          .executeTakeFirstOrThrow();
        this.set(Number(row.bps ?? 0));
      },
    });

    const published = new Counter({
      name: 'omi_events_published_total',
      help: 'Live events published on the event bus, by type',
      labelNames: ['type'],
      registers: [registry],
    });
    for (const type of Object.keys(CHANNEL_OF)) published.inc({ type }, 0);
    const unsubscribe = app.bus.subscribe((event) => published.inc({ type: event.type }));
    app.addHook('onClose', async () => unsubscribe());

    const sendLatency = new Histogram({
      name: 'omi_live_send_latency_seconds',
      help: "From an event's creation (its timestamp, set when it is published; ms resolution) to the live hub's write of it to the sockets of its channel",
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    const dropped = new Counter({
      name: 'omi_events_dropped_total',
      help: 'Clients the live hub gave up delivering to, by reason: slow_consumer (send buffer over the limit), backlog_overflow (too many events while its snapshot was read), dead_peer (no pong)',
      labelNames: ['reason'],
      registers: [registry],
    });
    for (const reason of DROP_REASONS) dropped.inc({ reason }, 0);
    app.decorate('liveMetrics', { sendLatency, dropped });

    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', dependencies: ['services'] },
);
