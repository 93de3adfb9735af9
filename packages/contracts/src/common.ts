import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Builds a string-literal union schema from one `as const` list. */
export function StringEnum<T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Earliest time the API accepts: the Unix epoch (OMA history cannot be older). */
export const MIN_INSTANT_MS = 0;
/** Latest time the API accepts: any zone's wall clock for it still fits a DATETIME (year 9999). */
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 30);
export const TIME_PARAMETER_RULE =
  'ISO-8601 (read as UTC when it has no offset) or epoch milliseconds, between 1970-01-01 and 9999-12-30';

/** Timestamps are returned as ISO-8601 strings in UTC. */
export const Timestamp = Type.String({ description: 'ISO-8601 timestamp (UTC)' });
export const NullableTimestamp = Nullable(Timestamp);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Array(Type.Unknown())),
    }),
  },
  { $id: 'ErrorBody', description: 'Uniform error body' },
);
export type ErrorBody = Static<typeof ErrorBody>;
