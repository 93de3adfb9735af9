// Notifications: kept in omi_notifications (queryable history) and pushed on the notifications
// live channel. Raised by job failures (ingest or change feed), the detectors (stalled job,
// failure burst) and Grafana's alert webhook (POST /alerts/grafana).
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum, Nullable, TIME_PARAMETER_RULE, Timestamp } from './common';
import { NOTIFICATION_SEVERITIES } from './query-protocol';

export const NotificationLink = Type.Object({
  kind: Type.String({ description: 'vm (VM Detail dashboard), job, alert, dashboard, panel or silence' }),
  title: Type.String(),
  url: Type.String({ description: 'A Grafana path (/d/…) or an absolute URL from the alert' }),
});
export type NotificationLink = Static<typeof NotificationLink>;

export const Notification = Type.Object({
  id: Type.Integer(),
  created_at: Timestamp,
  severity: StringEnum(NOTIFICATION_SEVERITIES),
  title: Type.String(),
  message: Type.String(),
  source: Type.String({ description: 'ingest, change_feed, stalled_job, failure_burst or grafana' }),
  vm_name: Nullable(Type.String()),
  job_id: Nullable(Type.String()),
  links: Type.Array(NotificationLink),
});
export type Notification = Static<typeof Notification>;

export const NotificationsQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ maxLength: 64, description: `${TIME_PARAMETER_RULE}; default: 7 days before to` }),
    ),
    to: Type.Optional(Type.String({ maxLength: 64, description: `${TIME_PARAMETER_RULE}; default: now` })),
    severity: Type.Optional(StringEnum(NOTIFICATION_SEVERITIES)),
    vm: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const NotificationList = Type.Object({
  notifications: Type.Array(Notification, { description: 'Newest first' }),
  count: Type.Integer(),
  next_cursor: Nullable(Type.String({ description: 'Pass as ?cursor= for the next (older) page' })),
});
export type NotificationList = Static<typeof NotificationList>;

/** Alerts one webhook call may carry (Grafana batches a group's alerts into one call). */
export const MAX_WEBHOOK_ALERTS = 1000;

const LabelMap = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 4096 }), {
  maxProperties: 200,
});
const AlertStatus = StringEnum(['firing', 'resolved'] as const);

/**
 * One alert of Grafana's webhook contact point body. Fields Grafana may add later are accepted
 * and ignored.
 */
export const GrafanaWebhookAlert = Type.Object(
  {
    status: AlertStatus,
    labels: LabelMap,
    annotations: Type.Optional(LabelMap),
    startsAt: Type.String({ minLength: 1, maxLength: 64 }),
    endsAt: Type.Optional(Type.String({ maxLength: 64 })),
    generatorURL: Type.Optional(Type.String({ maxLength: 4096 })),
    fingerprint: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    silenceURL: Type.Optional(Type.String({ maxLength: 4096 })),
    dashboardURL: Type.Optional(Type.String({ maxLength: 4096 })),
    panelURL: Type.Optional(Type.String({ maxLength: 4096 })),
    valueString: Type.Optional(Type.String({ maxLength: 65536 })),
  },
  { additionalProperties: true },
);
export type GrafanaWebhookAlert = Static<typeof GrafanaWebhookAlert>;

/** Grafana's webhook contact point body (receiver, status, alerts, common labels, …). */
export const GrafanaWebhook = Type.Object(
  {
    receiver: Type.Optional(Type.String({ maxLength: 1024 })),
    status: AlertStatus,
    alerts: Type.Array(GrafanaWebhookAlert, { minItems: 1, maxItems: MAX_WEBHOOK_ALERTS }),
    orgId: Type.Optional(Type.Integer()),
    groupLabels: Type.Optional(LabelMap),
    commonLabels: Type.Optional(LabelMap),
    commonAnnotations: Type.Optional(LabelMap),
    externalURL: Type.Optional(Type.String({ maxLength: 4096 })),
    version: Type.Optional(Type.String({ maxLength: 16 })),
    groupKey: Type.Optional(Type.String({ maxLength: 8192 })),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    title: Type.Optional(Type.String({ maxLength: 8192 })),
    state: Type.Optional(Type.String({ maxLength: 64 })),
    message: Type.Optional(Type.String({ maxLength: 65536 })),
  },
  { additionalProperties: true },
);
export type GrafanaWebhook = Static<typeof GrafanaWebhook>;

export const GrafanaWebhookResult = Type.Object({
  received: Type.Integer({ description: 'Alerts in the call' }),
  created: Type.Integer({ description: 'New notifications (stored and pushed)' }),
  duplicates: Type.Integer({ description: 'Alerts already notified (same fingerprint, status and start)' }),
  notification_ids: Type.Array(Type.Integer(), { description: 'One per alert, in order' }),
});
export type GrafanaWebhookResult = Static<typeof GrafanaWebhookResult>;
