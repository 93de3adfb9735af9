import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common';

export const ComponentCheck = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('down'), Type.Literal('disabled')]),
  latency_ms: Type.Optional(Type.Number()),
  message: Type.Optional(Type.String()),
});

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
