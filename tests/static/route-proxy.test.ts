/**
 * The e2e route proxy must behave like Grafana's data proxy, or the browser tests prove nothing:
 * route order and prefix matching, reqRole before the upstream, templates, 401 -> 400, cookies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import {
  AUTH_FAILED_MESSAGE,
  ROUTE_DENIED_MESSAGE,
  cleanRelativePath,
  joinUrlFragments,
  matchRoute,
  proxyDataSourceRequest,
  renderTemplate,
  roleIncludes,
  routeTarget,
  type DataSourceConfig,
  type OrgRole,
  type PluginRoute,
} from '../e2e/lib/route-proxy';
import { APP_SRC, readJson } from './repo';

const pluginRoutes = readJson<{ routes: PluginRoute[] }>(
  path.join(APP_SRC, 'datasource', 'plugin.json'),
).routes;

describe('route matching (Grafana validateRequest)', () => {
  test('roles include the ones below them', () => {
    expect(roleIncludes('Admin', 'Editor')).toBe(true);
    expect(roleIncludes('Editor', 'Editor')).toBe(true);
    expect(roleIncludes('Viewer', 'Editor')).toBe(false);
    expect(roleIncludes('Viewer', 'Viewer')).toBe(true);
  });

  test.each<[string, string, OrgRole, string]>([
    ['read/query', 'POST', 'Viewer', 'route:read'],
    ['read/debug/health', 'GET', 'Viewer', 'route:read'],
    ['write/network-mappings', 'POST', 'Viewer', 'denied:write'],
    ['write/network-mappings', 'POST', 'Editor', 'route:write'],
    ['write/network-mappings', 'DELETE', 'Admin', 'route:write'],
    ['other/x', 'GET', 'Admin', 'none'],
    ['./write/../write/x', 'POST', 'Viewer', 'denied:write'],
  ])('our plugin.json: %s %s as %s -> %s', (proxyPath, method, role, expected) => {
    const d = matchRoute(pluginRoutes, proxyPath, method, role);
    expect(d.kind === 'none' ? 'none' : `${d.kind}:${d.route.path}`).toBe(expected);
  });

  test('prefix matching in order: "api" before "api-write" would swallow writes (why our paths are read/write)', () => {
    const hazard: PluginRoute[] = [
      { path: 'api', url: 'http://x' },
      { path: 'api-write', url: 'http://x', reqRole: 'Editor' },
    ];
    const d = matchRoute(hazard, 'api-write/network-mappings', 'POST', 'Viewer');
    expect(d).toEqual({ kind: 'route', route: hazard[0] });
  });

  test('a route with a method only matches that method', () => {
    const routes: PluginRoute[] = [
      { path: 'x', method: 'POST', url: 'http://a', reqRole: 'Editor' },
      { path: 'x', url: 'http://b' },
    ];
    expect(matchRoute(routes, 'x/1', 'GET', 'Viewer')).toEqual({ kind: 'route', route: routes[1] });
    expect(matchRoute(routes, 'x/1', 'POST', 'Viewer')).toEqual({ kind: 'denied', route: routes[0] });
  });

  test('path helpers behave like Grafana util', () => {
    expect(cleanRelativePath('/a//b/../c/')).toBe('a/c');
    expect(joinUrlFragments('/api/v1', '/query')).toBe('/api/v1/query');
    expect(joinUrlFragments('/api/v1/', '/query')).toBe('/api/v1/query');
    expect(joinUrlFragments('/api/v1', 'query')).toBe('/api/v1/query');
    expect(joinUrlFragments('/api/v1', '')).toBe('/api/v1');
  });
});

describe('templates', () => {
  const ds = { jsonData: { serverUrl: 'http://oma:8080' }, secureJsonData: { readToken: 's3cret' } };

  test('render jsonData and secureJsonData fields, <no value> when missing (Go map semantics)', () => {
    expect(renderTemplate('{{ .JsonData.serverUrl }}/api/v1', ds)).toBe('http://oma:8080/api/v1');
    expect(renderTemplate('Bearer {{ .SecureJsonData.readToken }}', ds)).toBe('Bearer s3cret');
    expect(renderTemplate('Bearer {{ .SecureJsonData.writeToken }}', ds)).toBe('Bearer <no value>');
  });

  test('refuse template syntax the fixture does not implement', () => {
    expect(() => renderTemplate('{{ if .JsonData.x }}y{{ end }}', ds)).toThrow(/not supported/);
  });

  test('the target joins the route url and the rest of the path', () => {
    const full: DataSourceConfig = { uid: 'u', name: 'n', type: 't', ...ds };
    expect(routeTarget(pluginRoutes[0], 'read/debug/health', full).toString()).toBe(
      'http://oma:8080/api/v1/debug/health',
    );
  });
});

describe('proxying', () => {
  let upstream: http.Server;
  let proxy: http.Server;
  let proxyUrl: string;
  const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders }> = [];
  let role: OrgRole = 'Viewer';
  let upstreamStatus = 200;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      res.writeHead(upstreamStatus, { 'content-type': 'application/json', 'set-cookie': 'a=b' });
      res.end(JSON.stringify({ error: { code: 'x', message: 'from upstream' } }));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const ds: DataSourceConfig = {
      uid: 'u',
      name: 'n',
      type: 'oma-migration-datasource',
      jsonData: { serverUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` },
      secureJsonData: { readToken: 'read-secret', writeToken: 'write-secret' },
    };
    proxy = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://p');
      proxyDataSourceRequest({
        req,
        res,
        ds,
        routes: pluginRoutes,
        proxyPath: url.pathname.slice(1),
        search: url.search,
        role,
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => proxy.close(r));
    await new Promise((r) => upstream.close(r));
  });

  beforeEach(() => {
    seen.length = 0;
    role = 'Viewer';
    upstreamStatus = 200;
  });

  test('adds the route token, strips cookies and Set-Cookie, keeps the query string', async () => {
    const res = await fetch(`${proxyUrl}/read/vm-contexts?limit=5`, {
      headers: { cookie: 'grafana_session=abc', authorization: 'Bearer from-browser' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe('/api/v1/vm-contexts?limit=5');
    expect(seen[0].headers.authorization).toBe('Bearer read-secret');
    expect(seen[0].headers.cookie).toBeUndefined();
    expect(seen[0].headers['user-agent']).toMatch(/^Grafana\//);
  });

  test('refuses a Viewer on the write route without calling the upstream', async () => {
    const res = await fetch(`${proxyUrl}/write/network-mappings`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: ROUTE_DENIED_MESSAGE });
    expect(seen).toHaveLength(0);
  });

  test('lets an Editor write with the write token and passes the body on', async () => {
    role = 'Editor';
    const res = await fetch(`${proxyUrl}/write/network-mappings`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(seen[0]).toEqual(expect.objectContaining({ method: 'POST', url: '/api/v1/network-mappings' }));
    expect(seen[0].headers.authorization).toBe('Bearer write-secret');
  });

  test('turns an upstream 401 into 400 "Authentication to data source failed"', async () => {
    upstreamStatus = 401;
    const res = await fetch(`${proxyUrl}/read/query`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(AUTH_FAILED_MESSAGE);
  });

  test('passes a 403 from the upstream through with its body', async () => {
    upstreamStatus = 403;
    const res = await fetch(`${proxyUrl}/read/query`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'x', message: 'from upstream' } });
  });

  test('answers 502 when the upstream is unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = http.createServer((req, res) => {
      proxyDataSourceRequest({
        req,
        res,
        ds: {
          uid: 'd',
          name: 'd',
          type: 't',
          jsonData: { serverUrl: `http://127.0.0.1:${port}` },
          secureJsonData: {},
        },
        routes: pluginRoutes,
        proxyPath: 'read/debug/health',
        search: '',
        role: 'Viewer',
      });
    });
    await new Promise<void>((r) => down.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(down.address() as AddressInfo).port}/`);
    expect(res.status).toBe(502);
    await new Promise((r) => down.close(r));
  });
});
