// Notifications: a critical one for every failed job seen on the bus, `app.notifications.raise`
// for other features (the detectors), and the routes GET /notifications (history) and
// POST /alerts/grafana (Grafana's webhook contact point).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import {
  ErrorBody,
  GrafanaWebhook,
  GrafanaWebhookResult,
  NotificationList,
  NotificationsQuery,
} from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { ApiError } from '../http/errors';
import { rangeFromQuery } from '../http/time-params';
import { badAlertTimes, grafanaNotices, jobFailedNotice, type NoticeDraft } from './notices';
import { listNotifications, raiseAll, raiseNotification, type Raised } from './store';

declare module 'fastify' {
  interface FastifyInstance {
    notifications: {
      /** Stores and pushes a notification unless one with its dedup key exists. */
      raise(draft: NoticeDraft, now?: number): Promise<Raised>;
      /** Resolves once the notifications raised from bus events so far are written. */
      settled(): Promise<void>;
    };
  }
}

const security = [{ bearer: [] }];
const DEFAULT_SPAN_MS = 7 * 86_400_000;
/** A webhook call with MAX_WEBHOOK_ALERTS alerts of a few KiB each fits; anything larger is refused (413). */
export const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;

const readRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/notifications',
    {
      schema: {
        tags: ['live'],
        summary: 'Notifications raised (job failures, detectors, Grafana alerts), newest first',
        description:
          'The history of what /ws/notifications pushed. from/to filter on when it was raised (default: the last 7 days).',
        security,
        querystring: NotificationsQuery,
        response: { 200: NotificationList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { from, to, severity, vm, source, cursor } = request.query;
      const range = rangeFromQuery({ from, to }, DEFAULT_SPAN_MS);
      if (typeof range === 'string') throw new ApiError(400, 'invalid_time_range', range);
      const page = await listNotifications(app.store, {
        range,
        severity,
        vm,
        source,
        cursor,
        limit: request.query.limit ?? 200,
      });
      return { ...page, count: page.notifications.length };
    },
  );
};

const ingestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/alerts/grafana',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags: ['live'],
        summary: "Grafana's webhook contact point: one notification per alert, pushed on /ws/notifications",
        description:
          'Severity: a firing alert takes its `severity` label (critical, warning, info), else critical; a resolved one is info. ' +
          'The VM comes from a `vm_name` or `vm` label, the job from `job_id`. An alert already notified with the same fingerprint, ' +
          'status and startsAt is counted as a duplicate and not pushed again (Grafana repeats firing alerts).',
        security,
        body: GrafanaWebhook,
        response: {
          200: GrafanaWebhookResult,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          413: ErrorBody,
          415: ErrorBody,
        },
      },
    },
    async (request) => {
      const bad = badAlertTimes(request.body);
      if (bad.length) {
        throw new ApiError(
          400,
          'validation_failed',
          `Invalid body: ${bad.map((b) => `${b.path} ${b.message}`).join('; ')}`,
          bad.map((b) => ({ in: 'body', ...b })),
        );
      }
      const raised = await raiseAll(app.store, app.bus, grafanaNotices(request.body));
      const created = raised.filter((r) => r.created).length;
      return {
        received: raised.length,
        created,
        duplicates: raised.length - created,
        notification_ids: raised.map((r) => r.id),
      };
    },
  );
};

export default fp(
  async (app) => {
    const inFlight = new Set<Promise<unknown>>();
    const raise = (draft: NoticeDraft, now?: number) => raiseNotification(app.store, app.bus, draft, now);
    app.decorate('notifications', {
      raise,
      settled: async () => {
        await Promise.all([...inFlight]);
      },
    });
    // Every instance sees every job_failed (with Redis too); the dedup key makes it one notification.
    const unsubscribe = app.bus.subscribe((event) => {
      if (event.type !== 'job_failed') return;
      const work = raise(jobFailedNotice(event.data))
        .catch((err: unknown) =>
          app.log.warn({ err, job_id: event.data.job_id }, 'job failure notification failed'),
        )
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    });
    app.addHook('preClose', async () => {
      unsubscribe();
      await Promise.all([...inFlight]);
    });
  },
  { name: 'notifications', dependencies: ['services'] },
);

/** The routes, registered under the API prefix. */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(scoped('read', readRoutes));
  await app.register(scoped('ingest', ingestRoutes));
};
