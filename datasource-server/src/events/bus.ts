// The typed event bus. Publishers (ingest, simulator, mappings) only know `EventBus`; the live
// WebSocket channel subscribes to it. In memory for one instance; through Redis Streams
// (redis-bus.ts) when REDIS_URL is set, without touching publishers.
import { EventEmitter } from 'node:events';
import type { HealthMetric } from '@oma-insights/contracts';

export interface ProgressEventData {
  job_id: string;
  vm_name: string;
  context_id: string | null;
  status: string;
  phase: string | null;
  percentage: number;
  bytes_transferred: number;
  total_bytes: number;
  throughput_mbps: number;
  eta_seconds: number | null;
  disk_id?: string;
  /** Where the change was seen: absent for the ingest endpoint (and the simulator that uses it). */
  source?: 'change_feed';
}

export interface JobEndedEventData extends ProgressEventData {
  error_message?: string | null;
  error_classification?: string | null;
}

export interface MappingChangedEventData {
  action: 'created' | 'updated' | 'deleted' | 'bulk';
  vm_id: string;
  source_network_name: string;
  is_test_network: boolean;
  destination_network_id: string | null;
  actor: string;
}

export interface NotificationEventData {
  severity: 'info' | 'warning' | 'critical';
  title: string;
  message: string;
  /** Who raised it: ingest, change_feed, stalled_job, failure_burst, grafana. */
  source: string;
  /** The omi_notifications row (absent only for notices that are not kept). */
  id?: number;
  vm_name?: string | null;
  job_id?: string | null;
  /** VM Detail dashboard, job, alert rule or panel. */
  links?: { kind: string; title: string; url: string }[];
  /** Same key, same notification: raised once (e.g. a stalled job until it moves again). */
  dedup_key?: string;
}

/** A health sample (src/system-health): its figures (null where not measurable), status and why. */
export type SystemHealthEventData = {
  status: 'ok' | 'degraded';
  reasons: string[];
  /** When the sample was taken (ISO-8601 UTC). */
  sampled_at?: string;
} & Partial<Record<HealthMetric, number | null>>;

export interface LiveEventMap {
  progress_update: ProgressEventData;
  job_complete: JobEndedEventData;
  job_failed: JobEndedEventData;
  mapping_changed: MappingChangedEventData;
  notification: NotificationEventData;
  system_health: SystemHealthEventData;
}

export type LiveEventType = keyof LiveEventMap;
export type LiveChannel = 'progress' | 'notifications' | 'system-health';

export const CHANNEL_OF: Record<LiveEventType, LiveChannel> = {
  progress_update: 'progress',
  job_complete: 'progress',
  job_failed: 'progress',
  mapping_changed: 'notifications',
  notification: 'notifications',
  system_health: 'system-health',
};

export type LiveEvent = {
  [K in LiveEventType]: { type: K; timestamp: string; data: LiveEventMap[K] };
}[LiveEventType];

/** Where a channel's numbering stands: `seq` counts the channel's events within `epoch`. */
export interface StreamPosition {
  epoch: string;
  seq: number;
}

/** An event as listeners get it; `position` is set by a bus that numbers events itself (Redis). */
export type BusEvent = LiveEvent & { position?: StreamPosition };

export type Listener = (event: BusEvent) => void;

/** What /debug/health shows of the bus. */
export interface BusState {
  ok: boolean;
  mode: 'in-memory' | 'redis';
  connected: boolean;
  message?: string;
  /** Events refused because the bus was down (omi_events_dropped_total{reason="bus_down"}). */
  dropped: number;
  /** Redis: the last stream entry this instance delivered, per channel. */
  last_ids?: Partial<Record<LiveChannel, string>>;
  /** Redis: publish-to-delivery time of the last event this instance delivered. */
  lag_ms?: number | null;
}

/** Replay of a channel's events kept by the bus itself (Redis streams), for any instance. */
export type BusReplay =
  | { kind: 'replay'; events: BusEvent[] }
  | { kind: 'resync'; reason: 'epoch_changed' | 'gap_not_held' | 'seq_ahead' };

export interface EventBus {
  publish<K extends LiveEventType>(type: K, data: LiveEventMap[K]): Promise<void>;
  subscribe(listener: Listener): () => void;
  /** For /debug/health. */
  check(): Promise<BusState>;
  close(): Promise<void>;
  /**
   * Buses shared by several instances (Redis) number events themselves so that seq and epoch are
   * the same everywhere; the live hub then asks them where a channel stands, and for the events
   * after `since` (up to `to`, or all) that it does not hold itself. Absent in memory.
   */
  position?(channel: LiveChannel): Promise<StreamPosition>;
  history?(channel: LiveChannel, epoch: string, since: number, to?: number): Promise<BusReplay>;
}

/** Single-instance bus. A failing listener is reported, never breaks the publisher. */
export class InMemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(0);
  }

  async publish<K extends LiveEventType>(type: K, data: LiveEventMap[K]): Promise<void> {
    const event = { type, timestamp: new Date().toISOString(), data } as LiveEvent;
    for (const listener of this.emitter.listeners('event') as Listener[]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  async check(): Promise<BusState> {
    return { ok: true, mode: 'in-memory', connected: true, dropped: 0 };
  }

  async close() {
    this.emitter.removeAllListeners();
  }
}
