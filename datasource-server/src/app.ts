import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import predictionRoutes from './analytics/predictions/routes';
import predictionWarmup from './analytics/predictions/warmup';
import analyticsTrendsRoutes from './analytics/trends/routes';
import performanceRecorder from './analytics/performance/plugin';
import performanceRoutes from './analytics/performance/routes';
import successRateRoutes from './analytics/success-rates/routes';
import healthSampler from './system-health/plugin';
import systemHealthRoutes from './system-health/routes';
import analyticsOpsRoutes from './analytics/ops/routes';
import authPlugin from './auth/plugin';
import analyticsRollups from './analytics/rollups/plugin';
import changeFeed from './change-feed/plugin';
import cloudstackSync from './cloudstack/plugin';
import detectors from './detectors/plugin';
import retention from './retention/plugin';
import metrics from './metrics/plugin';
import type { ApiToken } from './auth/tokens';
import grafanaRoutes from './grafana/routes';
import healthRoutes from './health/routes';
import { CLOSE } from './live/hub';
import liveChannels from './live/plugin';
import { ApiError, registerErrorHandling } from './http/errors';
import { RequestLog } from './http/request-log';
import { validatorCompiler } from './http/validation';
import networkRoutes from './networks/routes';
import notifications, { notificationRoutes } from './notifications/plugin';
import mappingRoutes from './networks/mapping-routes';
import planningRoutes from './networks/planning-routes';
import validationRoutes from './networks/validation/routes';
import bulkRoutes from './networks/bulk/routes';
import progressRoutes from './progress/routes';
import services, { type Services } from './services';
import vmContextRoutes from './vm-contexts/routes';
import { VERSION } from './version';

export const API_PREFIX = '/api/v1';
/** How many times the general budget a token with the ingest scope gets: copiers push often. */
export const INGEST_RATE_FACTOR = 20;

export interface AppOptions extends Services {
  tokens: ApiToken[];
  logger?: FastifyServerOptions['logger'];
  /** The live channels' ticket clock; tests move it. */
  now?: () => number;
}

/** Never let a secret reach a log line. */
export const LOG_REDACT = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'];

export async function buildApp(options: AppOptions) {
  const { config, tokens } = options;
  const app = Fastify({
    logger: options.logger ?? {
      level: config.logLevel,
      redact: LOG_REDACT,
      ...(config.logPretty
        ? {
            transport: {
              target: 'pino-pretty',
              options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true },
            },
          }
        : {}),
    },
    logController: new RequestLog(),
    // Unique across restarts and instances: audit rows name the request that made a change.
    genReqId: () => randomUUID(),
    bodyLimit: config.bodyLimitBytes,
    // Path parameters up to Node's 16 KiB header limit reach schema validation (a uniform 400), not the router's bare 414.
    routerOptions: { maxParamLength: 16_384 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);

  registerErrorHandling(app);
  await app.register(services, options);
  await app.register(authPlugin, { tokens });
  await app.register(cloudstackSync);
  await app.register(retention);
  await app.register(metrics);
  await app.register(analyticsRollups);
  await app.register(predictionWarmup);
  await app.register(healthSampler);
  await app.register(performanceRecorder);
  await app.register(notifications);
  await app.register(changeFeed);
  await app.register(detectors);
  // Limits are applied by an API-wide hook (below), between identifying and authorizing, so
  // that failed and unauthenticated requests count too.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'OMA Migration Insights API', version: VERSION },
      servers: [],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      tags: [
        { name: 'health', description: 'Liveness and dependencies' },
        { name: 'vm-contexts', description: 'OMA VM contexts, jobs, disks, CBT history' },
        { name: 'progress', description: 'VMA-compatible job progress' },
        { name: 'networks', description: 'Source and destination networks, mappings' },
        { name: 'analytics', description: 'Historical analytics and predictions' },
        { name: 'grafana', description: 'Grafana query protocol (data frames)' },
        { name: 'analytics', description: 'Historical analytics from hourly rollups and raw rows' },
        { name: 'live', description: 'WebSocket live channels and their tickets' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: `${API_PREFIX}/docs` });
  // Before any route, so that an upgrade request to a plain HTTP route is refused.
  await app.register(websocket, {
    options: { maxPayload: config.live.maxPayloadBytes },
    // A peer vanishing or sending an oversized frame is routine for a long-lived socket.
    // Say why and what to do; the plugin's default closes without a code.
    preClose(done) {
      for (const socket of this.websocketServer.clients)
        socket.close(CLOSE.shutdown.code, CLOSE.shutdown.reason);
      this.websocketServer.close(() => done());
    },
    errorHandler: (err, socket, request) => {
      request.log.info(
        { err: { message: err.message }, url: request.url.split('?')[0] },
        'WebSocket ended by an error',
      );
      socket.terminate();
    },
  });
  app.get(`${API_PREFIX}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      api.addHook('onRequest', api.identify);
      api.addHook(
        'onRequest',
        api.rateLimit({
          timeWindow: '1 minute',
          // A valid token has its own budget (a copier pushing progress a larger one); anything
          // else, including every failed token guess, counts against the client address.
          keyGenerator: (request) =>
            request.principal ? `token:${request.principal.name}` : `ip:${request.ip}`,
          max: (request) =>
            request.principal?.scopes.includes('ingest')
              ? INGEST_RATE_FACTOR * config.rateLimitPerMinute
              : config.rateLimitPerMinute,
        }),
      );
      await api.register(healthRoutes);
      await api.register(vmContextRoutes);
      await api.register(progressRoutes);
      await api.register(networkRoutes);
      await api.register(mappingRoutes);
      await api.register(planningRoutes);
      await api.register(validationRoutes);
      await api.register(bulkRoutes);
      await api.register(predictionRoutes);
      await api.register(grafanaRoutes);
      await api.register(analyticsTrendsRoutes);
      await api.register(successRateRoutes);
      await api.register(systemHealthRoutes);
      await api.register(performanceRoutes);
      await api.register(analyticsOpsRoutes);
      await api.register(liveChannels, { now: options.now });
      await api.register(notificationRoutes);
    },
    { prefix: API_PREFIX },
  );
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
