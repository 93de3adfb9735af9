/**
 * A stand-in for Grafana's data source proxy (`/api/datasources/proxy/uid/<uid>/<path>`) that
 * applies a plugin's plugin.json `routes` the way Grafana does (pkg/api/pluginproxy/ds_proxy.go):
 *
 * - routes are tried in plugin.json order; a route with a `method` only matches that method;
 *   a route matches when the cleaned proxy path STARTS WITH its cleaned `path` (a plain string
 *   prefix, so `api` would also match `api-write/...`);
 * - the first matching route whose `reqRole` the user lacks ends the request with
 *   403 `{"message":"plugin proxy route access denied"}`; the upstream is never called;
 * - the target is the route `url` (Go template over `.JsonData` / `.SecureJsonData`) joined with
 *   the proxy path minus the route path, plus the incoming query string;
 * - route `headers` are rendered with the same template data and set on the request; cookies,
 *   Origin and Referer are removed, User-Agent is Grafana's;
 * - an upstream 401 is turned into 400 with the plain-text body "Authentication to data source failed";
 * - an unreachable upstream gives 502, a timed-out one 504 (both with an empty body);
 * - Set-Cookie is dropped from the answer.
 *
 * It is a test fixture: enough of Grafana to exercise our real plugin.json, nothing more.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

export type OrgRole = 'Viewer' | 'Editor' | 'Admin';

export interface PluginRoute {
  path: string;
  method?: string;
  url?: string;
  reqRole?: string;
  headers?: Array<{ name: string; content: string }>;
}

export interface DataSourceConfig {
  uid: string;
  name: string;
  type: string;
  /** Grafana's own data source URL field; used when no route matches. */
  url?: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export const ROUTE_DENIED_MESSAGE = 'plugin proxy route access denied';
export const AUTH_FAILED_MESSAGE = 'Authentication to data source failed';
export const GRAFANA_USER_AGENT = 'Grafana/13.1.1';

const ROLE_RANK: Record<OrgRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };

/** Grafana's `org.RoleType.Includes`: Admin includes Editor includes Viewer. */
export function roleIncludes(userRole: OrgRole, required: string): boolean {
  const need = ROLE_RANK[required as OrgRole];
  if (need === undefined) {
    // An invalid reqRole is ignored by Grafana (route.ReqRole.IsValid() is false).
    return true;
  }
  return ROLE_RANK[userRole] >= need;
}

/** Grafana's util.CleanRelativePath: Go's path.Clean of "/"+p (no trailing slash), without the leading slash. */
export function cleanRelativePath(p: string): string {
  return path.posix.normalize(`/${p}`).replace(/\/+$/, '').replace(/^\/+/, '');
}

/** Grafana's util.JoinURLFragments. */
export function joinUrlFragments(a: string, b: string): string {
  if (b.length === 0) {
    return a;
  }
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) {
    return a + b.slice(1);
  }
  if (!aSlash && !bSlash) {
    return `${a}/${b}`;
  }
  return a + b;
}

const TEMPLATE_ACTION = /\{\{(.*?)\}\}/g;
const FIELD_REFERENCE = /^\s*\.(JsonData|SecureJsonData)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/**
 * Renders the subset of Go templates that plugin routes use: `{{ .JsonData.x }}` and
 * `{{ .SecureJsonData.x }}`. A missing key renders as Go does for a map: `<no value>`.
 * Anything else is refused so a route we cannot reproduce faithfully fails loudly.
 */
export function renderTemplate(
  text: string,
  ds: Pick<DataSourceConfig, 'jsonData' | 'secureJsonData'>,
): string {
  return text.replace(TEMPLATE_ACTION, (_all, inner: string) => {
    const m = FIELD_REFERENCE.exec(inner);
    if (!m) {
      throw new Error(`route template action not supported by the test proxy: {{${inner}}}`);
    }
    const source = m[1] === 'JsonData' ? ds.jsonData : ds.secureJsonData;
    const value = source[m[2]];
    return value === undefined || value === null ? '<no value>' : String(value);
  });
}

export type RouteDecision =
  { kind: 'route'; route: PluginRoute } | { kind: 'denied'; route: PluginRoute } | { kind: 'none' };

/** Grafana's validateRequest route loop. */
export function matchRoute(
  routes: PluginRoute[],
  proxyPath: string,
  method: string,
  role: OrgRole,
): RouteDecision {
  const requested = cleanRelativePath(proxyPath);
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method.toUpperCase() !== method.toUpperCase()) {
      continue;
    }
    if (!requested.startsWith(cleanRelativePath(route.path))) {
      continue;
    }
    if (route.reqRole && !roleIncludes(role, route.reqRole)) {
      return { kind: 'denied', route };
    }
    return { kind: 'route', route };
  }
  return { kind: 'none' };
}

/** Where a matched route sends the request (without the query string). */
export function routeTarget(route: PluginRoute, proxyPath: string, ds: DataSourceConfig): URL {
  const routeUrl = new URL(renderTemplate(route.url ?? '', ds));
  const rest = proxyPath.startsWith(route.path) ? proxyPath.slice(route.path.length) : proxyPath;
  routeUrl.pathname = joinUrlFragments(routeUrl.pathname, rest);
  return routeUrl;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'cookie',
  'origin',
  'referer',
]);

export interface ProxyRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  ds: DataSourceConfig;
  routes: PluginRoute[];
  proxyPath: string;
  search: string;
  role: OrgRole;
  /** The request body when the caller has already read it (otherwise `req` is piped upstream). */
  body?: Buffer;
  timeoutMs?: number;
  /** Called with every request that is sent upstream (tests assert what reached the server). */
  onForward?: (forwarded: { method: string; url: string; headers: http.OutgoingHttpHeaders }) => void;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Proxies one request as Grafana's data proxy would. */
export function proxyDataSourceRequest(request: ProxyRequest) {
  const { req, res, ds, routes, proxyPath, search, role, body, timeoutMs = 30_000, onForward } = request;
  const decision = matchRoute(routes, proxyPath, req.method ?? 'GET', role);
  if (decision.kind === 'denied') {
    sendJson(res, 403, { message: ROUTE_DENIED_MESSAGE });
    return;
  }

  let target: URL;
  try {
    if (decision.kind === 'route') {
      target = routeTarget(decision.route, proxyPath, ds);
    } else if (ds.url) {
      target = new URL(ds.url);
      target.pathname = joinUrlFragments(target.pathname, proxyPath);
    } else {
      res.writeHead(502).end();
      return;
    }
  } catch {
    res.writeHead(502).end();
    return;
  }
  target.search = search;

  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name.toLowerCase()) && value !== undefined) {
      headers[name] = value;
    }
  }
  headers['user-agent'] = GRAFANA_USER_AGENT;
  if (body) {
    headers['content-length'] = String(body.length);
  }
  const remote = req.socket.remoteAddress;
  if (remote) {
    headers['x-forwarded-for'] = req.headers['x-forwarded-for']
      ? `${req.headers['x-forwarded-for']}, ${remote}`
      : remote;
  }
  if (decision.kind === 'route') {
    for (const h of decision.route.headers ?? []) {
      headers[h.name.toLowerCase()] = renderTemplate(h.content, ds);
    }
  }

  onForward?.({ method: req.method ?? 'GET', url: target.toString(), headers });
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(target, { method: req.method, headers }, (up) => {
    if (up.statusCode === 401) {
      up.resume();
      res.writeHead(400, { 'content-length': Buffer.byteLength(AUTH_FAILED_MESSAGE) });
      res.end(AUTH_FAILED_MESSAGE);
      return;
    }
    const outHeaders: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(up.headers)) {
      const lower = name.toLowerCase();
      if (
        lower !== 'set-cookie' &&
        lower !== 'connection' &&
        lower !== 'transfer-encoding' &&
        value !== undefined
      ) {
        outHeaders[name] = value;
      }
    }
    res.writeHead(up.statusCode ?? 502, outHeaders);
    up.pipe(res);
  });
  upstream.setTimeout(timeoutMs, () =>
    upstream.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
  );
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    if (!res.headersSent) {
      res.writeHead(err.code === 'ETIMEDOUT' ? 504 : 502).end();
    } else {
      res.destroy();
    }
  });
  if (body) {
    upstream.end(body);
  } else {
    req.pipe(upstream);
  }
}
