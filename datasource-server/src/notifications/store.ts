// Notifications are kept (omi_notifications) and pushed (the bus's `notification` event). The
// unique dedup_key decides who pushes: the writer whose insert succeeded, so the same event
// raised on two instances, or at every detector run, is stored and pushed once.
import type { Notification, NotificationLink, NotificationSeverity } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import type { Selectable } from 'kysely';
import type { OmiNotificationsTable } from '../db/schema';
import type { EventBus } from '../events/bus';
import { decodeIdCursor, encodeCursor } from '../http/cursor';
import type { TimeRange } from '../http/time-params';
import type { NoticeDraft } from './notices';

const DUPLICATE = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE']);

export interface Raised {
  id: number;
  /** False when a notification with the same dedup key already existed (nothing pushed). */
  created: boolean;
}

export async function raiseNotification(
  store: Db,
  bus: EventBus,
  draft: NoticeDraft,
  now = Date.now(),
): Promise<Raised> {
  const row = { ...draft, links: JSON.stringify(draft.links), created_at: store.time.toDb(now) };
  let id: number;
  try {
    const result = await store.db.insertInto('omi_notifications').values(row).executeTakeFirstOrThrow();
    id = Number(result.insertId);
  } catch (err) {
    if (!DUPLICATE.has((err as { code?: string }).code ?? '')) throw err;
    const existing = await store.db
      .selectFrom('omi_notifications')
      .select('id')
      .where('dedup_key', '=', draft.dedup_key)
      .executeTakeFirstOrThrow();
    return { id: Number(existing.id), created: false };
  }
  await bus.publish('notification', { id, ...draft });
  return { id, created: true };
}

/** Several drafts, in order; duplicates within the list or with stored ones are raised once. */
export async function raiseAll(store: Db, bus: EventBus, drafts: NoticeDraft[], now = Date.now()) {
  const raised: Raised[] = [];
  for (const draft of drafts) raised.push(await raiseNotification(store, bus, draft, now));
  return raised;
}

export interface NotificationFilter {
  range: TimeRange;
  severity?: NotificationSeverity;
  vm?: string;
  source?: string;
  limit: number;
  cursor?: string;
}

type Row = Selectable<OmiNotificationsTable>;

function parseLinks(text: string): NotificationLink[] {
  try {
    const links: unknown = JSON.parse(text);
    return Array.isArray(links) ? (links as NotificationLink[]) : [];
  } catch {
    return [];
  }
}

export function toNotification(row: Row, toIso: (v: string) => string | null): Notification {
  return {
    id: Number(row.id),
    created_at: toIso(row.created_at) ?? '',
    severity: row.severity,
    title: row.title,
    message: row.message,
    source: row.source,
    vm_name: row.vm_name,
    job_id: row.job_id,
    links: parseLinks(row.links),
  };
}

/** Newest first (by id, the order they were raised), one page and the cursor of the next. */
export async function listNotifications(store: Pick<Db, 'db' | 'time'>, filter: NotificationFilter) {
  const { db, time } = store;
  let query = db
    .selectFrom('omi_notifications')
    .selectAll()
    .where('created_at', '>=', time.toDb(filter.range.from))
    .where('created_at', '<=', time.toDb(filter.range.to))
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.severity) query = query.where('severity', '=', filter.severity);
  if (filter.vm) query = query.where('vm_name', '=', filter.vm);
  if (filter.source) query = query.where('source', '=', filter.source);
  if (filter.cursor) query = query.where('id', '<', decodeIdCursor(filter.cursor));
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    notifications: page.map((r) => toNotification(r, (v) => time.toIso(v))),
    next_cursor: rows.length > filter.limit && last ? encodeCursor([String(last.id)]) : null,
  };
}
