// The envelope of a `POST /api/v1/query` request. The server validates it with this schema; the
// data source plugin imports only the type (`import type`), so TypeBox stays out of its bundle.
import { Type, type Static } from '@sinclair/typebox';
import { MAX_INSTANT_MS, MIN_INSTANT_MS, TIME_PARAMETER_RULE } from './common';
import { MAX_QUERIES_PER_REQUEST, QUERY_TYPES } from './query-protocol';

export const QueryRefId = Type.String({ minLength: 1, maxLength: 64 });

const Instant = Type.Union([
  Type.String({ maxLength: 64 }),
  Type.Number({ minimum: MIN_INSTANT_MS, maximum: MAX_INSTANT_MS }),
]);
const strict = { additionalProperties: false } as const;

/** The envelope only; each query is checked on its own, so one bad query fails alone. */
export const QueryRequest = Type.Object(
  {
    range: Type.Object(
      {
        from: Instant,
        to: Instant,
        // Grafana's own relative form ("now-6h"); informational, `from`/`to` are what count.
        raw: Type.Optional(Type.Object({ from: Instant, to: Instant }, strict)),
      },
      { ...strict, description: `from/to: ${TIME_PARAMETER_RULE}` },
    ),
    intervalMs: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_INSTANT_MS })),
    maxDataPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    queries: Type.Array(
      Type.Object(
        { refId: QueryRefId, queryType: Type.Optional(Type.String({ maxLength: 64 })) },
        { additionalProperties: true },
      ),
      {
        minItems: 1,
        maxItems: 200,
        description: `Up to ${MAX_QUERIES_PER_REQUEST} are answered; further ones get an error each`,
      },
    ),
  },
  { ...strict, description: `queryType is one of ${QUERY_TYPES.join(', ')}` },
);
export type QueryRequest = Static<typeof QueryRequest>;
