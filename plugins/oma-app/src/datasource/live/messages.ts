/**
 * The live channel's messages (`{type, seq, epoch, timestamp, data}`), the resume cursor and the
 * channel URL. Pure.
 */
export type LiveChannel = 'progress' | 'notifications' | 'system-health';

export interface LiveMessage {
  type: string;
  seq: number;
  epoch: string;
  timestamp: string;
  data: unknown;
}

/** Where to resume: the seq and epoch of the last message received. */
export interface Cursor {
  seq: number;
  epoch: string;
}

/** Snapshot and resync are positions, not events: they carry the seq to resume from. */
const CONTROL_TYPES = new Set(['snapshot', 'resync']);

export function parseLiveMessage(text: unknown): LiveMessage | null {
  if (typeof text !== 'string') {
    return null;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const m = value as Partial<LiveMessage> | null;
  if (
    !m ||
    typeof m.type !== 'string' ||
    typeof m.seq !== 'number' ||
    !Number.isInteger(m.seq) ||
    typeof m.epoch !== 'string' ||
    typeof m.timestamp !== 'string'
  ) {
    return null;
  }
  return m as LiveMessage;
}

/**
 * Moves the cursor past a message and says whether it is new. A replay may repeat what a socket
 * delivered just before it closed: an event at or before the cursor (same epoch) is old. A
 * filtered channel skips seqs, so a gap is not an error.
 */
export function advance(cursor: Cursor | null, message: LiveMessage): { cursor: Cursor; fresh: boolean } {
  const next = { seq: message.seq, epoch: message.epoch };
  if (CONTROL_TYPES.has(message.type)) {
    return { cursor: next, fresh: true };
  }
  if (cursor && cursor.epoch === message.epoch && message.seq <= cursor.seq) {
    return { cursor, fresh: false };
  }
  return { cursor: next, fresh: true };
}

export interface ChannelParams {
  ticket: string;
  cursor: Cursor | null;
  vm?: string;
  job?: string;
}

/**
 * `ws(s)://<live URL>/api/v1/ws/<channel>?ticket=…&since=…&epoch=…`. The live URL is the server as
 * the browser reaches it; a path (/oma-live) is taken relative to the page (Grafana's address).
 */
export function channelUrl(
  liveUrl: string,
  channel: LiveChannel,
  params: ChannelParams,
  pageUrl: string,
): string {
  const base = new URL(liveUrl.trim(), pageUrl);
  if (base.protocol === 'http:') {
    base.protocol = 'ws:';
  } else if (base.protocol === 'https:') {
    base.protocol = 'wss:';
  } else if (base.protocol !== 'ws:' && base.protocol !== 'wss:') {
    throw new Error(`The live URL must start with http(s):// or ws(s)://, got "${liveUrl}"`);
  }
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/api/v1/ws/${channel}`, base);
  url.searchParams.set('ticket', params.ticket);
  if (params.cursor) {
    url.searchParams.set('since', String(params.cursor.seq));
    url.searchParams.set('epoch', params.cursor.epoch);
  }
  if (params.vm) {
    url.searchParams.set('vm', params.vm);
  }
  if (params.job) {
    url.searchParams.set('job', params.job);
  }
  return url.toString();
}
