import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Builds a string-literal union schema from one `as const` list. */
export function StringEnum<T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
