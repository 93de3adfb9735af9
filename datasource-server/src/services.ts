import fp from 'fastify-plugin';
import type { ComponentCheck } from '@oma-insights/contracts';
import type { Config } from './config';
import type { Db } from './db/connect';
import type { StorageMode } from './db/migrate';
import type { EventBus } from './events/bus';

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
  bus: EventBus;
}

/** Shared services as decorators, visible to every feature plugin. */
export default fp<Services>(
  async (app, { config, store, mode, bus }) => {
    app.decorate('config', config);
    app.decorate('store', store);
    app.decorate('storageMode', mode);
    app.decorate('bus', bus);
    app.decorate('components', new Map());
  },
  { name: 'services' },
);
