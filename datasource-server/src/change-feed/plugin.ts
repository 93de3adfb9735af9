import fp from 'fastify-plugin';
import { ChangeFeed } from './feed';

declare module 'fastify' {
  interface FastifyInstance {
    /** The change feed over replication_jobs (idle with CHANGE_FEED_INTERVAL_MS=0). */
    changeFeed: ChangeFeed;
  }
}

export interface ChangeFeedOptions {
  /** The feed's clock (tests move it instead of waiting). */
  now?: () => number;
}

/** Streams changes other programs make to replication_jobs once the server is ready; stops on close. */
export default fp<ChangeFeedOptions>(
  async (app, { now }) => {
    const feed = new ChangeFeed(
      app.store,
      app.bus,
      app.config.changeFeed,
      app.log.child({ component: 'change-feed' }),
      now,
    );
    app.decorate('changeFeed', feed);
    app.components.set('change_feed', () => feed.state());
    app.addHook('onReady', async () => feed.start());
    app.addHook('preClose', async () => feed.stop());
  },
  { name: 'change-feed', dependencies: ['services'] },
);
