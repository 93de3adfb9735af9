/**
 * What each streaming query shows, and how the live messages and the polled `/query` frames change
 * it. Pure (no sockets, no timers): the stream driver feeds messages, frames and sample times.
 */
import {
  CircularDataFrame,
  createDataFrame,
  FieldType,
  type DataFrame,
  type Field,
  type FieldConfig,
} from '@grafana/data';

import { DEFAULT_LIVE_ROWS, type StreamingQuery } from '../types';
import type { LiveChannel, LiveMessage } from './messages';

export interface LiveView {
  readonly channel: LiveChannel;
  /**
   * Whether `/query` is read when the stream starts and after a `resync`: history for the feeds
   * (the server's snapshot carries no history for them); progress gets its snapshot on connect.
   */
  readonly readsHistory: boolean;
  /** A time series that records a point per sampling period (the driver's clock), else null. */
  readonly sampleEveryMs: number | null;
  /** `/query` frames for this query: merged (feeds) or taken as the current state (progress). */
  load(frames: DataFrame[]): void;
  /** A message from the channel; true when what the panel shows changed. */
  apply(message: LiveMessage): boolean;
  /** Records a point at `at` (time series only). */
  sample(at: number): void;
  frames(): DataFrame[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : v == null ? null : String(v);
const timeOf = (v: unknown): number | null => {
  if (typeof v === 'number') {
    return Number.isFinite(v) ? v : null;
  }
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? null : ms;
};

/** Rows of a frame as objects keyed by field name. */
function frameRows(frame: DataFrame): Array<Record<string, unknown>> {
  return Array.from({ length: frame.length }, (_, i) =>
    Object.fromEntries(frame.fields.map((f) => [f.name, f.values[i]])),
  );
}

const frameWith = (frames: DataFrame[], field: string) =>
  frames.find((f) => f.fields.some((x) => x.name === field));

// ---------------------------------------------------------------- live progress

export interface ProgressRow {
  job_id: string;
  vm_name: string | null;
  status: string | null;
  phase: string | null;
  percentage: number | null;
  bytes_transferred: number | null;
  total_bytes: number | null;
  throughput_mbps: number | null;
  eta_seconds: number | null;
  updated_at: number | null;
}

const PROGRESS_FIELDS: Array<{ name: keyof ProgressRow; type: FieldType; config?: FieldConfig }> = [
  { name: 'job_id', type: FieldType.string, config: { displayName: 'Job' } },
  { name: 'vm_name', type: FieldType.string, config: { displayName: 'VM' } },
  { name: 'status', type: FieldType.string, config: { displayName: 'Status' } },
  { name: 'phase', type: FieldType.string, config: { displayName: 'Phase' } },
  {
    name: 'percentage',
    type: FieldType.number,
    config: { unit: 'percent', min: 0, max: 100, displayName: 'Progress' },
  },
  {
    name: 'bytes_transferred',
    type: FieldType.number,
    config: { unit: 'bytes', displayName: 'Transferred' },
  },
  { name: 'total_bytes', type: FieldType.number, config: { unit: 'bytes', displayName: 'Total' } },
  { name: 'throughput_mbps', type: FieldType.number, config: { unit: 'MBs', displayName: 'Throughput' } },
  { name: 'eta_seconds', type: FieldType.number, config: { unit: 's', displayName: 'ETA' } },
  { name: 'updated_at', type: FieldType.time, config: { displayName: 'Updated' } },
];

function progressRow(data: Record<string, unknown>, fallbackTime: number | null): ProgressRow | null {
  const jobId = str(data.job_id);
  if (jobId === null) {
    return null;
  }
  return {
    job_id: jobId,
    vm_name: str(data.vm_name),
    status: str(data.status),
    phase: str(data.phase),
    percentage: num(data.percentage),
    bytes_transferred: num(data.bytes_transferred),
    total_bytes: num(data.total_bytes),
    throughput_mbps: num(data.throughput_mbps),
    eta_seconds: num(data.eta_seconds),
    updated_at: timeOf(data.updated_at) ?? fallbackTime,
  };
}

/** The active jobs by id: the snapshot sets them, updates change them, an ended job leaves. */
export class ActiveJobs {
  private readonly jobs = new Map<string, ProgressRow>();

  replace(rows: ProgressRow[]) {
    this.jobs.clear();
    for (const row of rows) {
      this.jobs.set(row.job_id, row);
    }
  }

  load(frames: DataFrame[]) {
    const frame = frameWith(frames, 'job_id');
    this.replace(frame ? frameRows(frame).flatMap((r) => progressRow(r, null) ?? []) : []);
  }

  apply(message: LiveMessage): boolean {
    const at = timeOf(message.timestamp);
    const data = (message.data ?? {}) as Record<string, unknown>;
    switch (message.type) {
      case 'snapshot': {
        const jobs = Array.isArray(data.jobs) ? (data.jobs as Array<Record<string, unknown>>) : [];
        this.replace(jobs.flatMap((j) => progressRow(j, at) ?? []));
        return true;
      }
      case 'progress_update': {
        const row = progressRow(data, at);
        if (!row) {
          return false;
        }
        // The push's time, not the row's: a message is the job's state at the time it was sent.
        this.jobs.set(row.job_id, { ...row, updated_at: at ?? row.updated_at });
        return true;
      }
      case 'job_complete':
      case 'job_failed': {
        const id = str(data.job_id);
        return id !== null && this.jobs.delete(id);
      }
      default:
        return false;
    }
  }

  rows(): ProgressRow[] {
    return [...this.jobs.values()].sort(
      (a, b) => (a.vm_name ?? '').localeCompare(b.vm_name ?? '') || a.job_id.localeCompare(b.job_id),
    );
  }

  /** Total throughput (MB/s) of the jobs moving data, and how many jobs are active. */
  totals(): { throughput: number; active: number } {
    let throughput = 0;
    for (const job of this.jobs.values()) {
      throughput += job.throughput_mbps ?? 0;
    }
    return { throughput: Math.round(throughput * 100) / 100, active: this.jobs.size };
  }
}

export function progressFrame(refId: string, rows: ProgressRow[]): DataFrame {
  return createDataFrame({
    name: 'live_progress',
    refId,
    fields: PROGRESS_FIELDS.map((f) => ({ ...f, values: rows.map((r) => r[f.name]) })),
  });
}

class ProgressJobsView implements LiveView {
  readonly channel = 'progress';
  readonly readsHistory = false;
  readonly sampleEveryMs = null;
  private readonly jobs = new ActiveJobs();

  constructor(private readonly refId: string) {}

  load(frames: DataFrame[]) {
    this.jobs.load(frames);
  }
  apply(message: LiveMessage) {
    return this.jobs.apply(message);
  }
  sample() {}
  frames() {
    return [progressFrame(this.refId, this.jobs.rows())];
  }
}

/** One point per sampling period: total throughput and active jobs, in a bounded frame. */
class ThroughputView implements LiveView {
  readonly channel = 'progress';
  readonly readsHistory = false;
  private readonly jobs = new ActiveJobs();
  private readonly series: CircularDataFrame;

  constructor(
    refId: string,
    capacity: number,
    readonly sampleEveryMs: number,
  ) {
    this.series = new CircularDataFrame({ append: 'tail', capacity });
    this.series.refId = refId;
    this.series.name = 'live_throughput';
    this.series.addField({ name: 'time', type: FieldType.time });
    this.series.addField({
      name: 'throughput_mbps',
      type: FieldType.number,
      config: { unit: 'MBs', displayName: 'Throughput' },
    });
    this.series.addField({
      name: 'active_jobs',
      type: FieldType.number,
      config: { displayName: 'Active jobs' },
    });
  }

  load(frames: DataFrame[]) {
    this.jobs.load(frames);
  }
  apply(message: LiveMessage) {
    // The figures move on the next sample.
    this.jobs.apply(message);
    return false;
  }
  sample(at: number) {
    const { throughput, active } = this.jobs.totals();
    this.series.add({ time: at, throughput_mbps: throughput, active_jobs: active });
  }
  frames() {
    return [this.series];
  }
}

// ---------------------------------------------------------------- notifications

export interface NotificationRow {
  time: number;
  severity: string;
  title: string;
  message: string;
  source: string | null;
  vm_name: string | null;
  job_id: string | null;
  link: string | null;
}

const NOTIFICATION_FIELDS: Array<{ name: keyof NotificationRow; type: FieldType; config?: FieldConfig }> = [
  { name: 'time', type: FieldType.time, config: { displayName: 'Time' } },
  { name: 'severity', type: FieldType.string, config: { displayName: 'Severity' } },
  { name: 'title', type: FieldType.string, config: { displayName: 'Title' } },
  { name: 'message', type: FieldType.string, config: { displayName: 'Message' } },
  { name: 'source', type: FieldType.string, config: { displayName: 'Source' } },
  { name: 'vm_name', type: FieldType.string, config: { displayName: 'VM' } },
  { name: 'job_id', type: FieldType.string, config: { displayName: 'Job' } },
  { name: 'link', type: FieldType.string, config: { displayName: 'Link' } },
];

/** The same notification read from history and pushed live: its stored time may differ a little. */
const SAME_NOTIFICATION_WITHIN_MS = 60_000;
const notificationKey = (r: NotificationRow) =>
  [r.severity, r.title, r.message, r.job_id ?? ''].join('\u0000');

/** A pushed notification names its links as `links: [{kind, title, url}]`; the table shows the first. */
function firstLink(links: unknown): string | null {
  const first = Array.isArray(links) ? (links[0] as { url?: unknown } | undefined) : undefined;
  return str(first?.url);
}

function notificationRow(data: Record<string, unknown>, fallbackTime: number | null): NotificationRow | null {
  const time = timeOf(data.time) ?? fallbackTime;
  const title = str(data.title);
  if (time === null || title === null) {
    return null;
  }
  return {
    time,
    severity: str(data.severity) ?? 'info',
    title,
    message: str(data.message) ?? '',
    source: str(data.source),
    vm_name: str(data.vm_name),
    job_id: str(data.job_id),
    link: str(data.link) ?? firstLink(data.links),
  };
}

/** A mapping change on the notifications channel, shown as an informational notification. */
function mappingRow(data: Record<string, unknown>, time: number | null): NotificationRow | null {
  if (time === null) {
    return null;
  }
  const network = str(data.source_network_name) ?? 'a network';
  const target = str(data.destination_network_id);
  return {
    time,
    severity: 'info',
    title: `Network mapping ${str(data.action) ?? 'changed'}`,
    message: `${network}${target ? ` → ${target}` : ''}${data.is_test_network ? ' (test failover)' : ''} by ${str(data.actor) ?? 'someone'}`,
    source: 'network-mapping',
    vm_name: null,
    job_id: null,
    link: null,
  };
}

/** Newest first, at most `capacity` rows; history and live pushes merge without duplicates. */
export class NotificationFeed {
  private rows: NotificationRow[] = [];

  constructor(private readonly capacity: number) {}

  add(row: NotificationRow): boolean {
    const key = notificationKey(row);
    if (
      this.rows.some(
        (r) => notificationKey(r) === key && Math.abs(r.time - row.time) <= SAME_NOTIFICATION_WITHIN_MS,
      )
    ) {
      return false;
    }
    const at = this.rows.findIndex((r) => r.time < row.time);
    this.rows.splice(at === -1 ? this.rows.length : at, 0, row);
    if (this.rows.length > this.capacity) {
      this.rows.length = this.capacity;
    }
    return this.rows.includes(row);
  }

  list(): readonly NotificationRow[] {
    return this.rows;
  }
}

class NotificationsView implements LiveView {
  readonly channel = 'notifications';
  readonly readsHistory = true;
  readonly sampleEveryMs = null;
  private readonly feed: NotificationFeed;

  constructor(
    private readonly refId: string,
    capacity: number,
  ) {
    this.feed = new NotificationFeed(capacity);
  }

  load(frames: DataFrame[]) {
    const frame = frameWith(frames, 'title');
    for (const r of frame ? frameRows(frame) : []) {
      const row = notificationRow(r, null);
      if (row) {
        this.feed.add(row);
      }
    }
  }
  apply(message: LiveMessage) {
    const data = (message.data ?? {}) as Record<string, unknown>;
    const at = timeOf(message.timestamp);
    const row =
      message.type === 'notification'
        ? notificationRow({ ...data, time: data.time ?? message.timestamp }, at)
        : message.type === 'mapping_changed'
          ? mappingRow(data, at)
          : null;
    return row !== null && this.feed.add(row);
  }
  sample() {}
  frames() {
    const rows = this.feed.list();
    return [
      createDataFrame({
        name: 'notifications',
        refId: this.refId,
        fields: NOTIFICATION_FIELDS.map((f) => ({ ...f, values: rows.map((r) => r[f.name]) })),
      }),
    ];
  }
}

// ---------------------------------------------------------------- system health

/**
 * Health samples as a wide time series in a bounded frame. Its fields are those of the history
 * frame (`/query systemHealth`), or of the first pushed sample when there is no history.
 */
export class HealthSeries {
  private series: CircularDataFrame | null = null;

  constructor(
    private readonly refId: string,
    private readonly capacity: number,
  ) {}

  /** Merges a history frame: its points, then the pushed ones after its last. */
  load(frame: DataFrame | undefined) {
    if (!frame || frame.length === 0 || !frame.fields.some((f) => f.type === FieldType.time)) {
      return;
    }
    const previous = this.series;
    const series = this.create(
      frame.fields.filter((f) => f.type === FieldType.time || f.type === FieldType.number),
    );
    const rows = frameRows(frame);
    for (const row of rows) {
      series.add(row);
    }
    const last = timeOf(rows[rows.length - 1]?.time) ?? -Infinity;
    if (previous) {
      for (const row of frameRows(previous)) {
        if ((timeOf(row.time) ?? -Infinity) > last) {
          series.add(row);
        }
      }
    }
    this.series = series;
  }

  /** A pushed sample; older than the newest point held (a replay after polling), it is skipped. */
  add(at: number, data: Record<string, unknown>): boolean {
    if (!this.series) {
      const numeric = Object.keys(data).filter((k) => num(data[k]) !== null);
      this.series = this.create([
        { name: 'time', type: FieldType.time, config: {}, values: [] },
        { name: 'degraded', type: FieldType.number, config: {}, values: [] },
        ...numeric.map((name) => ({ name, type: FieldType.number, config: {}, values: [] })),
      ]);
    }
    const times = this.series.fields[0].values;
    if (times.length > 0 && at <= (times[times.length - 1] as number)) {
      return false;
    }
    const row: Record<string, unknown> = {};
    for (const field of this.series.fields) {
      row[field.name] = this.valueOf(field.name, at, data);
    }
    this.series.add(row);
    return true;
  }

  /** Before any sample: an empty series (a panel says "no data" rather than nothing at all). */
  frames(): DataFrame[] {
    return [
      this.series ??
        createDataFrame({
          name: 'system_health',
          refId: this.refId,
          fields: [{ name: 'time', type: FieldType.time, values: [] }],
        }),
    ];
  }

  private valueOf(name: string, at: number, data: Record<string, unknown>): unknown {
    if (name === 'time') {
      return at;
    }
    if (name === 'samples') {
      return 1;
    }
    if (name === 'degraded') {
      return data.status === 'degraded' ? 1 : 0;
    }
    const value = num(data[name]);
    if (value === null && name.endsWith('_max')) {
      return num(data[name.slice(0, -'_max'.length)]);
    }
    return value;
  }

  private create(fields: Array<Pick<Field, 'name' | 'type' | 'config'>>): CircularDataFrame {
    const series = new CircularDataFrame({ append: 'tail', capacity: this.capacity });
    series.refId = this.refId;
    series.name = 'system_health';
    for (const f of fields) {
      series.addField({ name: f.name, type: f.type, config: f.config });
    }
    return series;
  }
}

class SystemHealthView implements LiveView {
  readonly channel = 'system-health';
  readonly readsHistory = true;
  readonly sampleEveryMs = null;
  private readonly series: HealthSeries;

  constructor(refId: string, capacity: number) {
    this.series = new HealthSeries(refId, capacity);
  }

  load(frames: DataFrame[]) {
    this.series.load(frames.find((f) => f.fields.some((x) => x.type === FieldType.time)));
  }
  apply(message: LiveMessage) {
    if (message.type !== 'system_health') {
      return false;
    }
    const data = (message.data ?? {}) as Record<string, unknown>;
    // When the sample was taken; the message's time is when it was published.
    const at = timeOf(data.sampled_at) ?? timeOf(data.time) ?? timeOf(message.timestamp);
    return at !== null && this.series.add(at, data);
  }
  sample() {}
  frames() {
    return this.series.frames();
  }
}

/** How often the throughput series records a point. */
export const THROUGHPUT_SAMPLE_MS = 1000;

export function createView(query: StreamingQuery): LiveView {
  const capacity = query.limit ?? DEFAULT_LIVE_ROWS;
  switch (query.queryType) {
    case 'liveProgress':
      return query.view === 'throughput'
        ? new ThroughputView(query.refId, capacity, THROUGHPUT_SAMPLE_MS)
        : new ProgressJobsView(query.refId);
    case 'notifications':
      return new NotificationsView(query.refId, capacity);
    case 'systemHealth':
      return new SystemHealthView(query.refId, capacity);
  }
}
