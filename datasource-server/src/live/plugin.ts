// The live channels: GET /ws/progress, /ws/notifications, /ws/system-health and POST /ws/tickets.
// Every refusal (origin, authentication, scope, bad parameters, connection cap) is an HTTP answer
// before the upgrade, so a client sees a status and a message, never a bare dropped socket.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import { ErrorBody } from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { CHANNEL_OF, type LiveChannel } from '../events/bus';
import { ApiError } from '../http/errors';
import type { LiveMessage } from './channel-log';
import type { DROP_REASONS } from '../metrics/plugin';
import { CLOSE, LIVE_CHANNELS, LiveHub, type EndReason } from './hub';
import { activeJobs } from './snapshot';
import { TicketStore, TICKET_TTL_MS } from './tickets';

export interface LiveOptions {
  /** The tickets' clock (tests move it instead of waiting a minute). */
  now?: () => number;
}

const Id = Type.String({ minLength: 1, maxLength: 191 });
const Resume = {
  since: Type.Optional(
    Type.Integer({ minimum: 0, description: 'The seq of the last message received; needs epoch' }),
  ),
  epoch: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The epoch of `since`' })),
  ticket: Type.Optional(
    Type.String({ minLength: 1, maxLength: 256, description: 'A ticket from POST /ws/tickets' }),
  ),
};
const ProgressQuery = Type.Object(
  {
    ...Resume,
    vm: Type.Optional({ ...Id, description: 'Only this VM (name or context id)' }),
    job: Type.Optional({ ...Id, description: 'Only this replication job' }),
  },
  { additionalProperties: false },
);
const ChannelQuery = Type.Object(Resume, { additionalProperties: false });
type Query = Static<typeof ProgressQuery>;

const Ticket = Type.Object({
  ticket: Type.String({ description: 'Pass as ?ticket= when opening a channel; opens one socket' }),
  expires_at: Type.String({ format: 'date-time' }),
  expires_in_seconds: Type.Integer(),
});

const security = [{ bearer: [] }];
const DROPPED_BECAUSE: Record<EndReason, (typeof DROP_REASONS)[number]> = {
  too_slow: 'slow_consumer',
  backlog: 'backlog_overflow',
  no_pong: 'dead_peer',
};

const live: FastifyPluginAsyncTypebox<LiveOptions> = async (app, { now = Date.now }) => {
  const config = app.config.live;
  // A new epoch per process start: a seq from another process start means nothing here.
  const ended = new Counter({
    name: 'omi_live_clients_ended_total',
    help: 'Live clients the server closed: too_slow (send buffer over the limit) or no_pong (heartbeat)',
    labelNames: ['channel', 'reason'],
    registers: [app.metricsRegistry],
  });
  for (const channel of LIVE_CHANNELS) {
    for (const reason of ['too_slow', 'backlog', 'no_pong']) ended.inc({ channel, reason }, 0);
  }
  const { sendLatency, dropped } = app.liveMetrics;
  const hub = new LiveHub(randomBytes(8).toString('hex'), config, (channel, reason) => {
    ended.inc({ channel, reason });
    dropped.inc({ reason: DROPPED_BECAUSE[reason] });
  });
  new Gauge({
    name: 'omi_live_clients',
    help: 'Open live channel sockets',
    labelNames: ['channel'],
    registers: [app.metricsRegistry],
    collect() {
      for (const channel of LIVE_CHANNELS) this.set({ channel }, hub.clientsOf(channel));
    },
  });
  const tickets = new TicketStore(now);
  const unsubscribe = app.bus.subscribe((event) => {
    hub.publish(event);
    // publish() has written the event to every socket of the channel (ws sends synchronously).
    const channel = CHANNEL_OF[event.type];
    if (hub.clientsOf(channel) > 0) {
      sendLatency.observe({ channel }, Math.max(0, Date.now() - Date.parse(event.timestamp)) / 1000);
    }
  });
  app.components.set('live', () => ({
    status: 'ok',
    message: `clients: ${LIVE_CHANNELS.map((c) => `${c} ${hub.clientsOf(c)}`).join(', ')}; epoch ${hub.epoch}`,
  }));
  app.addHook('preClose', async () => {
    unsubscribe();
    hub.stop();
  });

  await app.register(
    scoped('read', async (api) => {
      api.post(
        '/ws/tickets',
        {
          schema: {
            tags: ['live'],
            summary: 'A single-use ticket that opens one live channel within 60 s (for browsers)',
            security,
            response: { 200: Ticket, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
          },
        },
        async (request) => {
          const issued = tickets.issue(request.principal!);
          return {
            ticket: issued.ticket,
            expires_at: new Date(issued.expiresAt).toISOString(),
            expires_in_seconds: TICKET_TTL_MS / 1000,
          };
        },
      );
    }),
  );

  const allowAnyOrigin = config.allowedOrigins.includes('*');
  async function admit(request: FastifyRequest) {
    const origin = request.headers.origin;
    // No Origin: not a browser (server-to-server). A browser's page must be from an allowed site.
    if (origin !== undefined && !allowAnyOrigin && !config.allowedOrigins.includes(origin)) {
      throw new ApiError(403, 'origin_not_allowed', `Origin "${origin}" is not in LIVE_ALLOWED_ORIGINS`);
    }
    if (!request.principal) {
      const ticket = (request.query as { ticket?: unknown }).ticket;
      if (typeof ticket === 'string' && ticket !== '') {
        const check = tickets.redeem(ticket);
        if (!check.ok) {
          throw new ApiError(
            401,
            'unauthorized',
            check.reason === 'expired'
              ? 'The ticket has expired; get a new one from POST /api/v1/ws/tickets'
              : 'The ticket is not valid (unknown or already used)',
          );
        }
        request.principal = check.principal;
      } else {
        throw new ApiError(
          401,
          'unauthorized',
          request.headers.authorization
            ? 'The bearer token is not valid'
            : 'Missing "Authorization: Bearer <token>" header or ?ticket= from POST /api/v1/ws/tickets',
        );
      }
    }
    if (!request.principal.scopes.includes('read')) {
      throw new ApiError(403, 'forbidden', `Token "${request.principal.name}" lacks the "read" scope`);
    }
  }

  async function checkResumeAndCapacity(request: FastifyRequest) {
    const { since, epoch } = request.query as Query;
    if ((since === undefined) !== (epoch === undefined)) {
      throw new ApiError(
        400,
        'bad_request',
        'since and epoch go together (both from the last message received)',
      );
    }
    if (hub.connections >= config.maxConnections) {
      throw new ApiError(503, 'too_many_connections', 'The live channels are full; retry later');
    }
  }

  async function opening(channel: LiveChannel, query: Query): Promise<LiveMessage[]> {
    if (query.since !== undefined && query.epoch !== undefined) {
      const replay = hub.logs[channel].since(query.since, query.epoch);
      if (replay.kind === 'replay') return replay.messages;
      const resync = hub.control(channel, 'resync', {
        reason: replay.reason,
        oldest_seq: hub.logs[channel].oldestSeq,
      });
      return [resync, ...(await snapshot(channel, query))];
    }
    return snapshot(channel, query);
  }

  async function snapshot(channel: LiveChannel, query: Query): Promise<LiveMessage[]> {
    // Taken before the read: events published during it follow the snapshot (at worst repeated).
    const position = hub.control(channel, 'snapshot', {});
    if (channel !== 'progress') return [position];
    return [{ ...position, data: { jobs: await activeJobs(app.store, query) } }];
  }

  for (const channel of LIVE_CHANNELS) {
    app.route({
      method: 'GET',
      url: `/ws/${channel}`,
      onRequest: admit,
      preHandler: checkResumeAndCapacity,
      schema: {
        tags: ['live'],
        summary: `The ${channel} live channel (WebSocket)`,
        security,
        querystring: channel === 'progress' ? ProgressQuery : ChannelQuery,
        response: {
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          426: ErrorBody,
          429: ErrorBody,
          503: ErrorBody,
        },
      },
      // A plain GET: say what is expected instead of a bare 404.
      handler: async () => {
        throw new ApiError(426, 'upgrade_required', 'This is a WebSocket endpoint: send Upgrade: websocket');
      },
      wsHandler: (socket, request) => {
        const query = request.query as Query;
        // Attached before anything is awaited: events from now on are held until the opening is sent.
        const client = hub.attach(channel, socket, { vm: query.vm, job: query.job });
        opening(channel, query).then(
          (messages) => hub.open(client, messages),
          (err: unknown) => {
            request.log.error({ err, channel }, 'live channel opening failed');
            hub.close(client, CLOSE.snapshotFailed);
          },
        );
      },
    });
  }
};

export default live;
