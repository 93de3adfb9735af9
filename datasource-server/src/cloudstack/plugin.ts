import fp from 'fastify-plugin';
import { CloudStackSync } from './sync';

declare module 'fastify' {
  interface FastifyInstance {
    /** The CloudStack network sync (idle when no connection is configured). */
    cloudstackSync: CloudStackSync;
  }
}

/** Syncs CloudStack's networks into the inventory once the server is ready; stops on close. */
export default fp(
  async (app) => {
    const sync = new CloudStackSync({
      store: app.store,
      mode: app.storageMode,
      config: app.config.cloudstack,
      log: app.log.child({ component: 'cloudstack-sync' }),
    });
    app.decorate('cloudstackSync', sync);
    app.components.set('cloudstack_sync', () => sync.state());
    app.addHook('onReady', async () => sync.start());
    app.addHook('onClose', async () => sync.stop());
  },
  { name: 'cloudstack-sync', dependencies: ['services'] },
);
