import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { ComponentCheck } from '@oma-insights/contracts';
import type { Config } from './config';
import type { Db } from './db/connect';
import type { StorageMode } from './db/migrate';
import { useRedisForLocks } from './db/lock';
import { InMemoryEventBus, type EventBus } from './events/bus';
import { RedisEventBus } from './events/redis-bus';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: Db;
    storageMode: StorageMode;
    bus: EventBus;
    /** Components other than the database whose state /debug/health reports (e.g. the simulator). */
    components: Map<string, () => ComponentCheck>;
  }
}

export interface Services {
  config: Config;
  store: Db;
  mode: StorageMode;
  /** Given (tests), or made here from the configuration and closed with the app. */
  bus?: EventBus;
}

/** Shared services as decorators, visible to every feature plugin. */
export default fp<Services>(
  async (app, { config, store, mode, bus: given }) => {
    const bus = given ?? (await eventBus(app, config));
    if (!given) app.addHook('onClose', () => bus.close());
    app.decorate('config', config);
    app.decorate('store', store);
    app.decorate('storageMode', mode);
    app.decorate('bus', bus);
    app.decorate('components', new Map());
  },
  { name: 'services' },
);

/** In memory for one instance; Redis Streams with REDIS_URL (see events/redis-bus.ts). */
async function eventBus(app: FastifyInstance, config: Config): Promise<EventBus> {
  if (!config.redis) return new InMemoryEventBus((err) => app.log.error({ err }, 'event listener failed'));
  const bus = new RedisEventBus({ ...config.redis, maxLength: config.live.replayBuffer, log: app.log });
  const stopLocks = useRedisForLocks({ redis: bus.redis, prefix: config.redis.prefix });
  app.addHook('onClose', async () => stopLocks());
  // Unreachable at start: the server starts anyway, degraded (the bus logged it; health says it).
  await bus.started.catch(() => undefined);
  return bus;
}
