import { Type, type Static } from '@sinclair/typebox';
import { Nullable, NullableTimestamp, StringEnum } from './common';

/** A periodic sync (CloudStack's networks into the inventory): its last runs and the next one. */
export const SyncCheck = Type.Object({
  source: StringEnum(['environment', 'ossea_configs'] as const, {
    description:
      'Where the connection comes from: CLOUDSTACK_* variables, or the OMA active ossea_configs row',
  }),
  interval_minutes: Type.Integer(),
  running: Type.Boolean(),
  last_attempt_at: NullableTimestamp,
  last_success_at: NullableTimestamp,
  last_duration_ms: Nullable(Type.Number({ description: 'Of the last attempt' })),
  network_count: Nullable(Type.Integer({ description: 'Networks stored by the last successful sync' })),
  skipped: Nullable(
    Type.Integer({ description: 'Networks the last successful sync left out (no id or name, listed twice)' }),
  ),
  last_error: Nullable(Type.String({ description: 'Why the last attempt failed; null when it succeeded' })),
  next_run_at: NullableTimestamp,
});

/** The live event bus: in memory (one instance) or Redis Streams (REDIS_URL, several instances). */
export const BusCheck = Type.Object({
  mode: StringEnum(['in-memory', 'redis'] as const),
  connected: Type.Boolean(),
  dropped: Type.Integer({ description: 'Events refused while the bus was down (since start)' }),
  last_ids: Type.Optional(
    Type.Record(Type.String(), Type.String(), {
      description: 'Redis: the last stream entry this instance delivered, per channel (`<seq>-0`)',
    }),
  ),
  lag_ms: Type.Optional(
    Nullable(
      Type.Number({ description: 'Redis: publish-to-delivery time of the last event delivered here' }),
    ),
  ),
});

export const ComponentCheck = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('down'), Type.Literal('disabled')]),
  latency_ms: Type.Optional(Type.Number()),
  message: Type.Optional(Type.String()),
  sync: Type.Optional(SyncCheck),
  bus: Type.Optional(BusCheck),
});
export type ComponentCheck = Static<typeof ComponentCheck>;

export const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  reasons: Type.Array(Type.String()),
  version: Type.String(),
  api_version: Type.String(),
  node_version: Type.String(),
  dialect: Type.Union([Type.Literal('mysql'), Type.Literal('sqlite')]),
  mode: Type.Union([Type.Literal('standalone'), Type.Literal('attach')]),
  db_timezone: Type.String({ description: 'Zone of the database DATETIME values (DB_TIMEZONE)' }),
  db_version: Nullable(Type.String()),
  uptime_s: Type.Number(),
  started_at: Type.String(),
  checks: Type.Record(Type.String(), ComponentCheck),
  counts: Type.Object({
    vm_contexts: Nullable(Type.Integer()),
    replication_jobs: Nullable(Type.Integer()),
    running_jobs: Nullable(Type.Integer()),
    network_mappings: Nullable(Type.Integer()),
  }),
  demo: Type.Object({ simulator: Type.Boolean() }),
});
export type Health = Static<typeof Health>;

/** `GET /debug/live`: the process answers. */
export const Liveness = Type.Object({ status: Type.Literal('ok'), uptime_s: Type.Number() });
