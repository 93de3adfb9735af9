/**
 * The small "Grafana" the browser tests talk to (a test fixture, not a product feature):
 *
 *   GET  /?user=<login>                      host page; logs the user in (session cookie) and
 *                                            puts them in window.grafanaBootData
 *   GET  /host/...                           SystemJS and the host bundle (tests/e2e/dist)
 *   GET  /public/plugins/<id>/...            a built plugin's dist/ (as Grafana serves it)
 *   GET  /public/build/img/icons/..., /public/fonts/inter/...  @grafana/ui's icons and the Inter font
 *   GET  /api/datasources/uid/<uid>          data source settings WITHOUT secrets (secureJsonFields only)
 *   GET  /api/plugins/<id>/settings          plugin meta from dist/plugin.json
 *   *    /api/datasources/proxy/uid/<uid>/*  the data proxy, applying the plugin's routes (route-proxy.ts)
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { proxyDataSourceRequest, type DataSourceConfig, type OrgRole, type PluginRoute } from './route-proxy';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const HOST_BUILD_DIR = path.join(REPO_ROOT, 'tests', 'e2e', 'dist');
const SYSTEMJS_DIR = path.join(path.dirname(require.resolve('systemjs/package.json')), 'dist');
const GRAFANA_UI_PUBLIC = path.join(
  path.dirname(require.resolve('@grafana/ui/package.json')),
  'dist',
  'public',
);
const INTER_FILES = path.join(path.dirname(require.resolve('@fontsource/inter/package.json')), 'files');
/** Grafana serves Inter from public/fonts/inter; the same faces come from @fontsource/inter here. */
const INTER_FACES: Record<string, string> = {
  'Inter-Regular.woff2': 'inter-latin-400-normal.woff2',
  'Inter-Italic.woff2': 'inter-latin-400-italic.woff2',
  'Inter-Medium.woff2': 'inter-latin-500-normal.woff2',
  'Inter-MediumItalic.woff2': 'inter-latin-500-italic.woff2',
};
const SESSION_COOKIE = 'grafana_session';

export interface HostUser {
  login: string;
  orgRole: OrgRole;
}

export interface HostOptions {
  datasources: DataSourceConfig[];
  users: HostUser[];
}

export interface BuiltPlugin {
  id: string;
  type: string;
  dir: string;
  distDir: string;
  pluginJson: Record<string, unknown> & { id: string; type: string; routes?: PluginRoute[] };
}

/** Every plugin under plugins/ that has been built (dist/plugin.json present). */
export function findBuiltPlugins(): BuiltPlugin[] {
  const pluginsDir = path.join(REPO_ROOT, 'plugins');
  return fs
    .readdirSync(pluginsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => path.join(pluginsDir, d.name))
    .filter((dir) => fs.existsSync(path.join(dir, 'dist', 'plugin.json')))
    .map((dir) => {
      const pluginJson = JSON.parse(fs.readFileSync(path.join(dir, 'dist', 'plugin.json'), 'utf8'));
      return { id: pluginJson.id, type: pluginJson.type, dir, distDir: path.join(dir, 'dist'), pluginJson };
    });
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

function sendFile(res: http.ServerResponse, root: string, relative: string) {
  const file = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
  });
  fs.createReadStream(file).pipe(res);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(text);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    }
  }
  return out;
}

function bootData(user: HostUser) {
  return {
    user: {
      id: 1,
      login: user.login,
      name: user.login,
      email: `${user.login}@example.test`,
      orgId: 1,
      orgName: 'Main Org.',
      orgRole: user.orgRole,
      isSignedIn: true,
      isGrafanaAdmin: false,
      timezone: 'utc',
      weekStart: 'monday',
      theme: 'dark',
      language: 'en-US',
      locale: 'en-US',
      permissions: {},
    },
    settings: {
      appUrl: 'http://localhost/',
      appSubUrl: '',
      buildInfo: { version: '13.1.1', commit: 'e2e-host', env: 'test', edition: 'Open Source' },
      datasources: {},
      panels: {},
      featureToggles: {},
      bootData: {},
      theme2: {},
      defaultDatasource: '',
      minRefreshInterval: '5s',
    },
    navTree: [],
    assets: {},
  };
}

function hostPage(user: HostUser): string {
  // Boot data must exist before @grafana/runtime loads (it reads it when its config module loads).
  const boot = JSON.stringify(bootData(user)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OMA plugin host</title>
<script>window.grafanaBootData = ${boot};</script>
</head>
<body>
<div id="root"></div>
<script src="/host/systemjs/system.js"></script>
<script src="/host/systemjs/extras/amd.js"></script>
<script src="/host/host.js"></script>
</body>
</html>`;
}

export interface RunningHost {
  url: string;
  /** Requests that reached the data proxy, for assertions (method, path, status). */
  proxyLog: Array<{ user: string; method: string; proxyPath: string; status: number }>;
  /** Requests the data proxy sent on to the server, with the Authorization header it added. */
  upstreamLog: Array<{ user: string; method: string; url: string; authorization?: string }>;
  close(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const plugins = findBuiltPlugins();
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const proxyLog: RunningHost['proxyLog'] = [];
  const upstreamLog: RunningHost['upstreamLog'] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const parts = url.pathname.split('/').filter(Boolean);
    const login =
      (url.pathname === '/' ? url.searchParams.get('user') : null) ??
      parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const user = options.users.find((u) => u.login === login);

    if (url.pathname === '/') {
      if (!user) {
        res.writeHead(401, { 'content-type': 'text/plain' }).end('unknown user; open /?user=<login>');
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'set-cookie': `${SESSION_COOKIE}=${encodeURIComponent(user.login)}; Path=/; HttpOnly; SameSite=Lax`,
      });
      res.end(hostPage(user));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (parts[0] === 'host' && parts[1] === 'systemjs') {
      sendFile(res, SYSTEMJS_DIR, parts.slice(2).join('/'));
      return;
    }
    if (parts[0] === 'host') {
      sendFile(res, HOST_BUILD_DIR, parts.slice(1).join('/'));
      return;
    }
    if (parts[0] === 'public' && parts[1] === 'build' && parts[2] === 'img') {
      // @grafana/ui's icons (Grafana serves them from public/build/img/icons).
      sendFile(res, path.join(GRAFANA_UI_PUBLIC, 'img'), parts.slice(3).join('/'));
      return;
    }
    if (parts[0] === 'public' && parts[1] === 'fonts' && parts[2] === 'inter' && parts[3]) {
      sendFile(res, INTER_FILES, INTER_FACES[parts[3]] ?? parts[3]);
      return;
    }
    if (parts[0] === 'public' && parts[1] === 'plugins' && parts[2]) {
      const plugin = byId.get(parts[2]);
      if (!plugin) {
        res.writeHead(404).end();
        return;
      }
      sendFile(res, plugin.distDir, parts.slice(3).join('/'));
      return;
    }
    if (parts[0] !== 'api') {
      res.writeHead(404).end();
      return;
    }
    if (!user) {
      sendJson(res, 401, { message: 'Unauthorized' });
      return;
    }
    if (parts[1] === 'plugins' && parts[3] === 'settings') {
      const plugin = byId.get(parts[2]);
      if (!plugin) {
        sendJson(res, 404, { message: 'Plugin not found' });
        return;
      }
      sendJson(res, 200, {
        ...plugin.pluginJson,
        enabled: true,
        module: `public/plugins/${plugin.id}/module.js`,
        baseUrl: `public/plugins/${plugin.id}`,
        jsonData: {},
      });
      return;
    }
    if (parts[1] === 'datasources' && parts[2] === 'uid' && parts[3]) {
      const ds = options.datasources.find((d) => d.uid === parts[3]);
      if (!ds) {
        sendJson(res, 404, { message: 'Data source not found' });
        return;
      }
      const { secureJsonData, ...rest } = ds;
      sendJson(res, 200, {
        id: 1,
        orgId: 1,
        access: 'proxy',
        url: ds.url ?? '',
        ...rest,
        secureJsonFields: Object.fromEntries(Object.keys(secureJsonData).map((k) => [k, true])),
        readOnly: false,
      });
      return;
    }
    if (parts[1] === 'datasources' && parts[2] === 'proxy' && parts[3] === 'uid' && parts[4]) {
      const ds = options.datasources.find((d) => d.uid === parts[4]);
      const plugin = ds && byId.get(ds.type);
      if (!ds || !plugin) {
        sendJson(res, 404, { message: 'Data source not found' });
        return;
      }
      const prefix = `/api/datasources/proxy/uid/${parts[4]}/`;
      const proxyPath = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
      res.on('finish', () =>
        proxyLog.push({ user: user.login, method: req.method ?? 'GET', proxyPath, status: res.statusCode }),
      );
      proxyDataSourceRequest({
        req,
        res,
        ds,
        routes: plugin.pluginJson.routes ?? [],
        proxyPath,
        search: url.search,
        role: user.orgRole,
        onForward: ({ method, url: target, headers }) =>
          upstreamLog.push({
            user: user.login,
            method,
            url: target,
            authorization: headers.authorization as string | undefined,
          }),
      });
      return;
    }
    sendJson(res, 404, { message: 'Not found' });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    proxyLog,
    upstreamLog,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
