import fp from 'fastify-plugin';
import { RollupMaintenance } from './maintenance';

declare module 'fastify' {
  interface FastifyInstance {
    /** The hourly rollups' maintenance (idle with ROLLUP=0). */
    rollups: RollupMaintenance;
  }
}

/** Keeps the hourly rollups current once the server is ready; stops on close. */
export default fp(
  async (app) => {
    const maintenance = new RollupMaintenance(
      app.store,
      app.config.rollup,
      app.log.child({ component: 'analytics-rollups' }),
    );
    app.decorate('rollups', maintenance);
    app.components.set('analytics_rollups', () => maintenance.state());
    app.addHook('onReady', async () => maintenance.start());
    app.addHook('onClose', async () => maintenance.stop());
  },
  { name: 'analytics-rollups', dependencies: ['services'] },
);
