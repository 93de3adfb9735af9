// What a failed dry run or apply means for the operator and what to do next. The data source's
// write() rejects with its precise message plus `kind` and `status` (datasource/errors.ts).
import type { FlowError } from './flow';

export interface ErrorAdvice {
  title: string;
  /** What to do next. */
  next: string;
  /** Retrying the same request may succeed (and cannot apply twice: it reuses the key). */
  retry: boolean;
}

/** The error a write() rejection carries, read defensively (any thrown value may arrive). */
export function toFlowError(err: unknown, during: FlowError['during']): FlowError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    status?: unknown;
    kind?: unknown;
  };
  return {
    during,
    message: typeof e.message === 'string' && e.message !== '' ? e.message : String(err),
    status: typeof e.status === 'number' ? e.status : undefined,
    kind: typeof e.kind === 'string' ? e.kind : undefined,
  };
}

export function adviseOn(error: FlowError): ErrorAdvice {
  const what = error.during === 'apply' ? 'Apply' : 'Dry run';
  // The server applies a bulk request in one transaction: a refused request changed nothing.
  const nothingChanged = error.during === 'apply' ? 'Nothing was changed. ' : '';
  switch (error.kind) {
    case 'forbiddenRole':
      return {
        title: `${what} refused: Editor role needed`,
        next: 'Ask a Grafana administrator for the Editor role in this organisation.',
        retry: false,
      };
    case 'unauthorized':
    case 'forbiddenScope':
      return {
        title: `${what} refused: the write token`,
        next: 'A Grafana administrator sets a write token with the "write" scope in the OMA Migration Insights data source settings.',
        retry: false,
      };
    case 'notFound':
      return {
        title: `${what} not available`,
        next: 'The server does not offer bulk mapping: upgrade the OMA Migration Insights server.',
        retry: false,
      };
    case 'unreachable':
      return {
        title: `${what}: the server did not answer`,
        next:
          error.during === 'apply'
            ? 'The change may or may not have been applied. Retry: the retry carries the same Idempotency-Key, so the server applies it at most once and answers with the result.'
            : 'Check that the server is running, then retry.',
        retry: true,
      };
  }
  const status = error.status ?? 0;
  if (status === 409) {
    return {
      title: `${what} conflicted with another change`,
      next: `${nothingChanged}Another change touched these mappings at the same time: run the dry run again to see the current state.`,
      retry: false,
    };
  }
  if (status === 422 || status === 400) {
    return {
      title: `${what} refused by the server`,
      next: `${nothingChanged}Correct what the message names (a name pattern that could run away, an unknown destination network, conflicting rules), then run the dry run again.`,
      retry: false,
    };
  }
  if (status === 429) {
    return {
      title: `${what}: too many requests`,
      next: `${nothingChanged}Wait a moment and retry.`,
      retry: true,
    };
  }
  if (status >= 500) {
    return {
      title: `${what} failed on the server`,
      next:
        error.during === 'apply'
          ? 'The server applies all or nothing. Retry: the retry carries the same Idempotency-Key, so it cannot apply twice. If it keeps failing, the server log has the cause.'
          : 'Retry; if it keeps failing, the server log has the cause.',
      retry: true,
    };
  }
  return { title: `${what} failed`, next: 'Retry, or reload the dashboard.', retry: true };
}
