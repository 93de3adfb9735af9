// The schema of each query type `POST /api/v1/query` answers. The lists of types, job filters and
// variable kinds live in the shared contracts (the plugin uses the same ones); a schema and a
// handler must exist for each.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  JOB_FILTERS,
  MAX_QUERIES_PER_REQUEST,
  MAX_QUERY_ROWS,
  QUERY_TYPES,
  StringEnum,
  VARIABLE_KINDS,
  type QueryType,
} from '@oma-insights/contracts';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../db/time';
import { TIME_PARAMETER_RULE } from '../http/time-params';

const refId = Type.String({ minLength: 1, maxLength: 64 });
const text = Type.String({ maxLength: 1000 });
const limit = Type.Integer({ minimum: 1, maximum: MAX_QUERY_ROWS });
const strict = { additionalProperties: false } as const;

export const QUERY_SCHEMAS = {
  vmContexts: Type.Object(
    {
      refId,
      queryType: Type.Literal('vmContexts'),
      status: Type.Optional(text),
      vcenter: Type.Optional(text),
      search: Type.Optional(text),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  jobs: Type.Object(
    {
      refId,
      queryType: Type.Literal('jobs'),
      status: Type.Optional(StringEnum(JOB_FILTERS)),
      vm: Type.Optional(text),
      limit: Type.Optional(limit),
    },
    strict,
  ),
  variable: Type.Object(
    {
      refId,
      queryType: Type.Literal('variable'),
      variable: StringEnum(VARIABLE_KINDS),
      vcenter: Type.Optional(text),
    },
    strict,
  ),
  failedJobAnnotations: Type.Object(
    {
      refId,
      queryType: Type.Literal('failedJobAnnotations'),
      vm: Type.Optional(text),
      limit: Type.Optional(limit),
    },
    strict,
  ),
} satisfies Record<QueryType, TSchema>;

export type QueryOf<K extends QueryType> = Static<(typeof QUERY_SCHEMAS)[K]>;

const instant = Type.Union([
  Type.String({ maxLength: 64 }),
  Type.Number({ minimum: MIN_INSTANT_MS, maximum: MAX_INSTANT_MS }),
]);

/** The envelope is checked by the route; each query separately, so one bad query fails alone. */
export const QueryRequest = Type.Object(
  {
    range: Type.Object(
      {
        from: instant,
        to: instant,
        // Grafana's own relative form ("now-6h"); informational, `from`/`to` are what count.
        raw: Type.Optional(Type.Object({ from: instant, to: instant }, strict)),
      },
      { ...strict, description: `from/to: ${TIME_PARAMETER_RULE}` },
    ),
    intervalMs: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_INSTANT_MS })),
    maxDataPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    queries: Type.Array(
      Type.Object(
        { refId, queryType: Type.Optional(Type.String({ maxLength: 64 })) },
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

/** Comma-separated values (multi-value template variables) as a list. */
export function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
