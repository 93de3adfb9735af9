/**
 * Pure mapping of failed data-proxy requests to precise, human messages.
 *
 * What a failure looks like after Grafana's data proxy (pkg/api/pluginproxy):
 * - the server is unreachable: the proxy answers 502 (504 on a timeout); 0 when Grafana itself is gone
 * - the server answers 401 (bad/missing token): the proxy REPLACES it with
 *   400 "Authentication to data source failed" (plain text)
 * - a route's `reqRole` is not met: the proxy answers 403 `{"message":"plugin proxy route access denied"}`
 *   without calling the server
 * - the server answers 403 (token lacks a scope): passed through with our error body
 */
import type { ServerErrorBody } from './types';

export type FailureKind =
  | 'unreachable'
  | 'unauthorized'
  | 'forbiddenRole'
  | 'forbiddenScope'
  | 'notFound'
  | 'badRequest'
  | 'server'
  | 'unknown';

export interface DescribedFailure {
  kind: FailureKind;
  status?: number;
  message: string;
}

/** What Grafana writes in place of the body of an upstream 401. */
export const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';
/** What Grafana says when a route's reqRole is not met. */
export const GRAFANA_ROUTE_DENIED = 'plugin proxy route access denied';

interface FetchErrorLike {
  status?: number;
  statusText?: string;
  data?: unknown;
  message?: string;
}

function asFetchError(err: unknown): FetchErrorLike {
  return typeof err === 'object' && err !== null ? (err as FetchErrorLike) : { message: String(err) };
}

/**
 * The text of an error body. Grafana's BackendSrv hands a non-JSON body over as a string, and some
 * versions wrap it as `{ error: statusText, response: text }` or `{ message: text }`: look at all.
 */
function bodyText(data: unknown): string {
  if (typeof data === 'string') {
    return data;
  }
  if (typeof data === 'object' && data !== null) {
    const d = data as { message?: unknown; error?: unknown; response?: unknown };
    return [d.message, d.response, d.error].filter((v): v is string => typeof v === 'string').join(' ');
  }
  return '';
}

function serverError(data: unknown): { code?: string; message?: string } | undefined {
  if (typeof data === 'object' && data !== null) {
    const e = (data as ServerErrorBody).error;
    if (typeof e === 'object' && e !== null) {
      return { code: e.code, message: e.message };
    }
  }
  return undefined;
}

export interface DescribeContext {
  /** Which route the request used: decides what a 401/403 says about which token. */
  route: 'read' | 'write';
  serverUrl?: string;
}

export function describeFailure(err: unknown, ctx: DescribeContext): DescribedFailure {
  const e = asFetchError(err);
  const status = typeof e.status === 'number' ? e.status : undefined;
  const text = bodyText(e.data);
  const srv = serverError(e.data);
  const token = ctx.route === 'write' ? 'write token' : 'read token';
  const where = ctx.serverUrl ? ` at ${ctx.serverUrl}` : '';

  if (status === undefined || status === 0 || status === 502 || (status === 503 && !srv) || status === 504) {
    const how = status === 504 ? 'timed out' : status ? `answered HTTP ${status}` : 'failed';
    return {
      kind: 'unreachable',
      status,
      message: `Cannot reach the OMA Migration Insights server${where}: the request through Grafana's data proxy ${how}. Check the server URL and that the server is running and reachable from Grafana.`,
    };
  }
  if (status === 401 || (status === 400 && text.includes(GRAFANA_AUTH_FAILED))) {
    return {
      kind: 'unauthorized',
      status: 401,
      message: `The server rejected the ${token} (HTTP 401). Re-enter the ${token} in the data source settings.`,
    };
  }
  if (status === 403 && text.toLowerCase().includes(GRAFANA_ROUTE_DENIED)) {
    return {
      kind: 'forbiddenRole',
      status,
      message:
        ctx.route === 'write'
          ? 'Grafana refused the request: changing data needs the Editor role (HTTP 403 from the data proxy).'
          : 'Grafana refused the request: your role may not use this data source route (HTTP 403 from the data proxy).',
    };
  }
  if (status === 403) {
    const scope = ctx.route === 'write' ? 'write' : 'read';
    return {
      kind: 'forbiddenScope',
      status,
      message: `The ${token} is valid but lacks the "${scope}" scope (HTTP 403${srv?.message ? `: ${srv.message}` : ''}). Use a token with the ${scope} scope.`,
    };
  }
  if (status === 404) {
    return {
      kind: 'notFound',
      status,
      message: `The server${where} answered 404${srv?.message ? `: ${srv.message}` : ''}. Is the URL that of an OMA Migration Insights server (without /api/v1)?`,
    };
  }
  if (status >= 400 && status < 500) {
    return {
      kind: 'badRequest',
      status,
      message: `The server refused the request (HTTP ${status}${srv?.code ? ` ${srv.code}` : ''}): ${srv?.message ?? (text || e.statusText || 'no details')}`,
    };
  }
  return {
    kind: 'server',
    status,
    message: `The server failed (HTTP ${status}${srv?.code ? ` ${srv.code}` : ''}): ${srv?.message ?? (text || e.statusText || 'no details')}`,
  };
}

/** Major version of a semver string, or undefined when it is not one. */
export function majorVersion(version: unknown): number | undefined {
  if (typeof version !== 'string') {
    return undefined;
  }
  const m = /^v?(\d+)\.\d+\.\d+/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}
