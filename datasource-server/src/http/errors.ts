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
/** A value the database cannot hold (too long, out of range, wrong for the column). */
const DB_DATA_ERRORS = new Set([
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'WARN_DATA_TRUNCATED',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_BAD_NULL_ERROR',
  'ER_CHECK_CONSTRAINT_VIOLATED',
  'SQLITE_CONSTRAINT_CHECK',
  'SQLITE_CONSTRAINT_NOTNULL',
  'SQLITE_TOOBIG',
]);

/**
 * The client-facing error for a database failure, or undefined for a real fault. Statements run
 * in transactions, so when one of these is thrown nothing of the request was written.
 */
export function fromDatabaseError(err: { code?: string; message?: string }): ApiError | undefined {
  const code = err.code ?? '';
  if (SQL_DUPLICATE.has(code))
    return new ApiError(409, 'conflict', 'A row with the same unique key already exists');
  if (DB_UNAVAILABLE.has(code)) {
    return new ApiError(503, 'database_unavailable', 'The database is not reachable; retry shortly');
  }
  if (DB_DATA_ERRORS.has(code)) {
    // MariaDB names the column ("... for column 'x' at row 1"); the name is schema, not data.
    const column = /column '([^']+)'/.exec(err.message ?? '')?.[1];
    return new ApiError(
      422,
      'value_does_not_fit',
      `A value does not fit its database column${column ? ` "${column}"` : ''}; nothing was written`,
    );
  }
  return undefined;
}

/** Every error leaves as `{error:{code,message,details}}`; only real faults are 500s. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & { details?: unknown[] }, request, reply) => {
    const send = (e: ApiError) =>
      reply.code(e.statusCode).send({ error: { code: e.code, message: e.message, details: e.details } });
    if (err instanceof ApiError) return send(err);
    if (err.validation) {
      const details = describeValidation(err.validationContext, err.validation as ValidationIssue[]);
      const summary = details.map((d) => `${d.path} ${d.message}`).join('; ');
      return send(
        new ApiError(
          400,
          'validation_failed',
          `Invalid ${err.validationContext ?? 'request'}: ${summary}`,
          details,
        ),
      );
    }
    const fromDb = fromDatabaseError(err);
    if (fromDb) {
      if (fromDb.statusCode >= 500) request.log.error({ code: err.code }, 'database unavailable');
      else request.log.info({ code: err.code, msg: err.message }, 'database refused the request');
      return send(fromDb);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: body too large, bad JSON, unsupported media type…
      return send(new ApiError(err.statusCode, (err.code || 'bad_request').toLowerCase(), err.message));
    }
    request.log.error({ err }, 'unhandled error');
    return send(new ApiError(500, 'internal_error', 'Internal server error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
