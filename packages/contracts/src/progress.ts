import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StringEnum } from './common';
import { DISK_SYNC_STATUSES, ERROR_CLASSIFICATIONS, VMA_STAGES, VMA_STATUSES } from './enums';

/** ETA is remaining bytes / throughput, capped like the VMA does. */
export const ETA_CAP_SECONDS = 86_400;

/** Byte counts: integers JavaScript holds exactly (BIGINT columns hold more). */
export const MAX_BYTES = Number.MAX_SAFE_INTEGER;
/** 10 TB/s: far above any copier, and its MB/s fits the OMA's `vma_throughput_mbps` DECIMAL(10,2). */
export const MAX_THROUGHPUT_BPS = 10_000_000_000_000;

/** Latencies a push may report: ten minutes is far beyond any that still moves data. */
export const MAX_LATENCY_MS = 600_000;

/** What the migration engine (VMA copier) pushes. */
export const ProgressPush = Type.Object(
  {
    stage: StringEnum(VMA_STAGES),
    status: StringEnum(VMA_STATUSES),
    bytes_transferred: Type.Integer({ minimum: 0, maximum: MAX_BYTES }),
    total_bytes: Type.Integer({ minimum: 0, maximum: MAX_BYTES }),
    throughput_bps: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_THROUGHPUT_BPS })),
    percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    disk_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    sync_type: Type.Optional(Type.String({ enum: ['full', 'incremental', 'initial'] })),
    error_message: Type.Optional(Type.String({ maxLength: 4000 })),
    error_classification: Type.Optional(StringEnum(ERROR_CLASSIFICATIONS)),
    // The VMA's own load while it copies (optional; kept per job as min/avg/max, see
    // GET /analytics/performance-metrics?view=load).
    vma_cpu_percent: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100, description: 'VMA CPU use, percent' }),
    ),
    vma_memory_percent: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100, description: 'VMA memory use, percent' }),
    ),
    source_disk_latency_ms: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: MAX_LATENCY_MS,
        description: 'Read latency of the source datastore, ms',
      }),
    ),
    network_latency_ms: Type.Optional(
      Type.Number({ minimum: 0, maximum: MAX_LATENCY_MS, description: 'VMA to OMA round trip, ms' }),
    ),
  },
  { additionalProperties: false },
);
export type ProgressPush = Static<typeof ProgressPush>;

export const DiskProgress = Type.Object({
  disk_id: Type.String(),
  label: Nullable(Type.String()),
  bytes_transferred: Type.Number(),
  total_bytes: Type.Number(),
  percent: Type.Number(),
  throughput_mbps: Type.Number(),
  status: StringEnum(DISK_SYNC_STATUSES),
});

/** The VMA's progress shape (`GET /api/v1/progress/{job_id}`). */
export const JobProgress = Type.Object({
  job_id: Type.String(),
  status: Type.String(),
  sync_type: Nullable(Type.String()),
  phase: Nullable(Type.String()),
  percentage: Type.Number(),
  current_operation: Nullable(Type.String()),
  bytes_transferred: Type.Number(),
  total_bytes: Type.Number(),
  throughput: Type.Object({
    current_mbps: Type.Number(),
    average_mbps: Type.Number(),
    peak_mbps: Type.Number(),
    last_update: Nullable(Type.String()),
  }),
  timing: Type.Object({
    start_time: Nullable(Type.String()),
    last_update: Nullable(Type.String()),
    elapsed_ms: Type.Number(),
    phase_start: Nullable(Type.String()),
    phase_elapsed_ms: Type.Number(),
    eta_seconds: Nullable(Type.Number()),
  }),
  errors: Type.Array(Type.String()),
  last_error: Nullable(Type.String()),
  disk_progresses: Type.Array(DiskProgress),
});
export type JobProgress = Static<typeof JobProgress>;

export const ProgressPushResult = Type.Object({
  job_id: Type.String(),
  applied: Type.Boolean({ description: 'false when the push was late or a duplicate and changed nothing' }),
  reason: Type.Optional(
    Type.String({ description: 'Why a push was not applied: late, duplicate, job_finished' }),
  ),
  status: Type.String(),
  progress_percent: Type.Number(),
});
