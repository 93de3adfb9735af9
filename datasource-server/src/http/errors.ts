import type { FastifyError, FastifyInstance } from 'fastify';

/** An error a route or service throws on purpose: becomes the uniform error body. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError(404, 'not_found', `${what} "${id}" does not exist`);

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function describeValidation(context: string | undefined, issues: ValidationIssue[]) {
  return issues.map((issue) => {
    const extra = issue.params?.additionalProperty ? ` "${String(issue.params.additionalProperty)}"` : '';
    return {
      in: context ?? 'request',
      path: issue.instancePath || '/',
      message: `${issue.message ?? 'is invalid'}${extra}`,
    };
  });
}

const SQL_DUPLICATE = new Set(['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const DB_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'PROTOCOL_CONNECTION_LOST',
  'ETIMEDOUT',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);

/** Every error leaves as `{error:{code,message,details}}`; only real faults are 500s. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & { details?: unknown[] }, request, reply) => {
    if (err instanceof ApiError) {
      return reply
        .code(err.statusCode)
        .send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    if (err.validation) {
      const details = describeValidation(err.validationContext, err.validation as ValidationIssue[]);
      return reply.code(400).send({
        error: {
          code: 'validation_failed',
          message: `Invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
          details,
        },
      });
    }
    const code = err.code ?? '';
    if (SQL_DUPLICATE.has(code)) {
      return reply
        .code(409)
        .send({ error: { code: 'conflict', message: 'A row with the same unique key already exists' } });
    }
    if (DB_UNAVAILABLE.has(code)) {
      request.log.error({ code }, 'database unavailable');
      return reply.code(503).send({
        error: { code: 'database_unavailable', message: 'The database is not reachable; retry shortly' },
      });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: body too large, bad JSON, unsupported media type, rate limit…
      return reply.code(err.statusCode).send({
        error: { code: (err.code || 'bad_request').toLowerCase(), message: err.message },
      });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Internal server error' } });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
