// `POST /api/v1/query`: Grafana's query protocol. Several queries per request; each is validated
// and answered on its own, so one bad or failing query never fails the others. Identical queries
// in flight at once share one answer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ErrorBody,
  MAX_QUERIES_PER_REQUEST,
  QUERY_TYPES,
  QueryRequest,
  type QueryType,
  type WireFrame,
  type WireQueryResult,
} from '@oma-insights/contracts';
import { scoped } from '../auth/plugin';
import { fromDatabaseError } from '../http/errors';
import { parseRange } from '../http/time-params';
import { compileJsonValidator } from '../http/validation';
import { HANDLERS, type QueryContext } from './handlers';
import { QUERY_SCHEMAS } from './query-types';

const validators = Object.fromEntries(
  QUERY_TYPES.map((type) => [type, compileJsonValidator(QUERY_SCHEMAS[type])]),
) as Record<QueryType, ReturnType<typeof compileJsonValidator>>;

const QueryResponse = Type.Object({
  results: Type.Record(
    Type.String(),
    Type.Object({
      frames: Type.Array(Type.Unknown()),
      error: Type.Optional(Type.String()),
      status: Type.Optional(Type.Integer()),
    }),
  ),
});

const fail = (status: number, error: string): WireQueryResult => ({ frames: [], error, status });

const grafanaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.store;

  async function answer(
    ctx: QueryContext | string,
    query: Record<string, unknown>,
  ): Promise<WireQueryResult> {
    if (typeof ctx === 'string') return fail(400, `Bad time range: ${ctx}`);
    const type = query.queryType as QueryType;
    if (!QUERY_TYPES.includes(type)) {
      return fail(
        400,
        `Unknown queryType ${JSON.stringify(query.queryType ?? null)}; use one of ${QUERY_TYPES.join(', ')}`,
      );
    }
    const validate = validators[type];
    if (!validate(query)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => {
        const extra =
          e.params && 'additionalProperty' in e.params ? ` "${String(e.params.additionalProperty)}"` : '';
        return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
      });
      return fail(400, `Invalid ${type} query: ${problems.join('; ')}`);
    }
    try {
      return {
        frames: await (HANDLERS[type] as (c: QueryContext, q: unknown) => Promise<WireFrame[]>)(ctx, query),
      };
    } catch (err) {
      const fromDb = fromDatabaseError(err as Error & { code?: string });
      if (fromDb) return fail(fromDb.statusCode, `The ${type} query failed: ${fromDb.message}`);
      app.log.error({ err, queryType: type }, 'query failed');
      return fail(500, `The ${type} query failed on the server; see the server log`);
    }
  }

  /**
   * Identical queries in flight at once are answered once: a dashboard's panels often repeat a
   * query (the same trends behind three charts), and Grafana sends each panel's request at the
   * same time. Only queries still running are shared; nothing is kept once answered.
   */
  const inFlight = new Map<string, Promise<WireQueryResult>>();
  async function answerShared(ctx: QueryContext | string, query: Record<string, unknown>) {
    if (typeof ctx === 'string') return answer(ctx, query);
    const { refId, ...asked } = query;
    const key = JSON.stringify([asked, ctx.range, ctx.intervalMs ?? null, ctx.maxDataPoints ?? null]);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = answer(ctx, query).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const result = await pending;
    return { ...result, frames: result.frames.map((frame) => ({ ...frame, refId: refId as string })) };
  }

  app.post(
    '/query',
    {
      schema: {
        tags: ['grafana'],
        summary: 'Grafana query protocol: several queries in, data frames per refId out',
        description: `Query types: ${QUERY_TYPES.join(', ')}. At most ${MAX_QUERIES_PER_REQUEST} queries are answered per request; each error is reported on its own refId.`,
        security: [{ bearer: [] }],
        body: QueryRequest,
        response: { 200: QueryResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request) => {
      const { range, queries } = request.body;
      const parsed = parseRange(range.from, range.to);
      const ctx: QueryContext | string =
        typeof parsed === 'string'
          ? parsed
          : {
              db,
              time: app.store.time,
              range: parsed,
              intervalMs: request.body.intervalMs,
              maxDataPoints: request.body.maxDataPoints,
            };
      const results: Record<string, WireQueryResult> = {};
      const seen = new Set<string>();
      await Promise.all(
        queries.map(async (query, index) => {
          if (seen.has(query.refId)) {
            results[`${query.refId}#${index}`] = fail(400, `Duplicate refId "${query.refId}"`);
            return;
          }
          seen.add(query.refId);
          results[query.refId] =
            index >= MAX_QUERIES_PER_REQUEST
              ? fail(400, `Too many queries in one request: at most ${MAX_QUERIES_PER_REQUEST} are answered`)
              : await answerShared(ctx, query);
        }),
      );
      return { results };
    },
  );
};

export default scoped('read', grafanaRoutes);
