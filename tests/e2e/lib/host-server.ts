/**
 * The small "Grafana" the browser tests talk to (a test fixture, not a product feature):
 *
 *   GET  /?user=<login>                      host page; logs the user in (session cookie) and
 *                                            puts them in window.grafanaBootData
 *   GET  /host/...                           SystemJS and the host bundle (tests/e2e/dist)
 *   GET  /public/plugins/<id>/...            the folder of that plugin's plugin.json in a built
 *                                            dist/, nested plugins included (as Grafana serves them)
 *   GET  /public/build/img/icons/..., /public/fonts/{inter,roboto}/...  @grafana/ui's icons and fonts
 *   *    /api/datasources/proxy/uid/<uid>/*  the data proxy, applying the plugin's routes (route-proxy.ts)
 *   *    /api/...                            Grafana's HTTP API for data sources, plugin settings
 *                                            and plugin dashboards (grafana-api.ts)
 *
 * Every /api request is recorded in `requestLog` (user, method, path, JSON body, status).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { GrafanaState, type BuiltPlugin, type HostUser, type PluginSettingRow } from './grafana-api';
import { proxyDataSourceRequest, type DataSourceConfig } from './route-proxy';

export type { BuiltPlugin, HostUser } from './grafana-api';

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
const ROBOTO_MONO_FILES = path.join(
  path.dirname(require.resolve('@fontsource/roboto-mono/package.json')),
  'files',
);
/** The one Roboto Mono file @grafana/ui's global styles name (for weights 400 and 500). */
const ROBOTO_MONO_FACE = 'L0xTDF4xlVMF-BfR8bXMIhJHg45mwgGEFl0_3vrtSM1J-gEPT5Ese6hmHSh0mQ.woff2';
/**
 * Grafana ships its own unicons/spinner.svg (public/img/icons), which @grafana/ui's published
 * assets lack; the host draws a plain one (an arc that @grafana/ui's Icon spins).
 */
const SPINNER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="currentColor" ' +
  'd="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';
const SESSION_COOKIE = 'grafana_session';

export interface HostOptions {
  /** Data sources that exist when the host starts (provisioned ones, say). */
  datasources?: DataSourceConfig[];
  users: HostUser[];
  /** Plugin settings stored when the host starts, by plugin id (an app already enabled, say). */
  pluginSettings?: Record<string, Partial<PluginSettingRow>>;
  /** Listen on this port (an origin known in advance, e.g. for the server's allowed origins); default any. */
  port?: number;
}

/**
 * Every plugin in a built plugins/<project>/dist, found the way Grafana's finder does
 * (pkg/plugins/manager/loader/finder/local.go): each plugin.json below dist/ (node_modules
 * skipped) is a plugin with its own id, served from its own folder; one whose folder is inside
 * another plugin's folder is that plugin's nested child.
 */
export function findBuiltPlugins(): BuiltPlugin[] {
  const pluginsDir = path.join(REPO_ROOT, 'plugins');
  const found: BuiltPlugin[] = [];
  const walk = (dir: string, parentId: string | undefined) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    let ownId = parentId;
    if (entries.some((e) => e.isFile() && e.name === 'plugin.json')) {
      const pluginJson = JSON.parse(fs.readFileSync(path.join(dir, 'plugin.json'), 'utf8'));
      found.push({ id: pluginJson.id, type: pluginJson.type, dir, parentId, pluginJson });
      ownId = pluginJson.id;
    }
    for (const e of entries) {
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) {
        walk(path.join(dir, e.name), ownId);
      }
    }
  };
  for (const project of fs.readdirSync(pluginsDir, { withFileTypes: true })) {
    const dist = path.join(pluginsDir, project.name, 'dist');
    if (project.isDirectory() && !project.name.startsWith('.') && fs.existsSync(dist)) {
      walk(dist, undefined);
    }
  }
  return found;
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

/** Grafana's boot data lists the panel plugins it has (config.panels), as the panel loader reads them. */
function panelsOf(plugins: BuiltPlugin[]) {
  return Object.fromEntries(
    plugins
      .filter((p) => p.type === 'panel')
      .map((p) => {
        const base = `public/plugins/${p.id}`;
        const logos = p.pluginJson.info?.logos ?? {};
        return [
          p.id,
          {
            id: p.id,
            name: p.pluginJson.name ?? p.id,
            type: 'panel',
            module: `${base}/module.js`,
            baseUrl: base,
            info: {
              ...p.pluginJson.info,
              logos: { small: `${base}/${logos.small ?? ''}`, large: `${base}/${logos.large ?? ''}` },
            },
            sort: 100,
            hideFromList: false,
            skipDataQuery: false,
          },
        ];
      }),
  );
}

function bootData(user: HostUser, plugins: BuiltPlugin[]) {
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
      panels: panelsOf(plugins),
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

function hostPage(user: HostUser, plugins: BuiltPlugin[]): string {
  // Boot data must exist before @grafana/runtime loads (it reads it when its config module loads).
  const boot = JSON.stringify(bootData(user, plugins)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OMA plugin host</title>
<style>html, body { margin: 0; }</style>
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

export interface LoggedRequest {
  user: string;
  method: string;
  /** Path and query string, e.g. `/api/datasources/uid/oma-migration`. */
  path: string;
  /** The request body, parsed when it is JSON (undefined when there is none). */
  body: unknown;
  status: number;
}

export interface RunningHost {
  url: string;
  /** Every /api request, in order (method, path, body, status). */
  requestLog: LoggedRequest[];
  /** Requests that reached the data proxy, for assertions (method, path, status). */
  proxyLog: Array<{ user: string; method: string; proxyPath: string; status: number }>;
  /**
   * Requests the data proxy sent on to the server, with the Authorization header it added and
   * the Idempotency-Key the browser sent (Grafana's proxy passes such headers on).
   */
  upstreamLog: Array<{
    user: string;
    method: string;
    url: string;
    authorization?: string;
    idempotencyKey?: string;
  }>;
  /** What the Grafana stand-in has stored (data sources with their secrets, plugin settings). */
  state: GrafanaState;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const plugins = findBuiltPlugins();
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const state = new GrafanaState(byId, options.datasources, options.pluginSettings);
  const requestLog: LoggedRequest[] = [];
  const proxyLog: RunningHost['proxyLog'] = [];
  const upstreamLog: RunningHost['upstreamLog'] = [];

  async function api(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    parts: string[],
    user: HostUser | undefined,
  ) {
    const raw = await readBody(req);
    const body = parseBody(raw);
    res.on('finish', () =>
      requestLog.push({
        user: user?.login ?? '',
        method: req.method ?? 'GET',
        path: url.pathname + url.search,
        body,
        status: res.statusCode,
      }),
    );
    if (!user) {
      sendJson(res, 401, { message: 'Unauthorized' });
      return;
    }
    if (parts[1] === 'datasources' && parts[2] === 'proxy' && parts[3] === 'uid' && parts[4]) {
      const ds = state.datasources.get(parts[4]);
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
        body: raw,
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
            idempotencyKey: headers['idempotency-key'] as string | undefined,
          }),
      });
      return;
    }
    const answer = state.handle({ user, method: req.method ?? 'GET', parts: parts.slice(1), body });
    if (answer) {
      sendJson(res, answer.status, answer.body);
      return;
    }
    sendJson(res, 404, { message: 'Not found' });
  }

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
      res.end(hostPage(user, plugins));
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
    if (url.pathname === '/public/build/img/icons/unicons/spinner.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(SPINNER_SVG);
      return;
    }
    if (parts[0] === 'public' && parts[1] === 'build' && parts[2] === 'img') {
      // @grafana/ui's icons (Grafana serves them from public/build/img/icons).
      sendFile(res, path.join(GRAFANA_UI_PUBLIC, 'img'), parts.slice(3).join('/'));
      return;
    }
    if (
      parts[0] === 'public' &&
      parts[1] === 'fonts' &&
      parts[2] === 'roboto' &&
      parts[3] === ROBOTO_MONO_FACE
    ) {
      sendFile(res, ROBOTO_MONO_FILES, 'roboto-mono-latin-400-normal.woff2');
      return;
    }
    if (parts[0] === 'public' && parts[1] === 'fonts' && parts[2] === 'inter' && parts[3]) {
      sendFile(res, INTER_FILES, INTER_FACES[parts[3]] ?? parts[3]);
      return;
    }
    if (parts[0] === 'public' && parts[1] === 'plugins' && parts[2]) {
      // Grafana's assetpath.go: a plugin's base is /public/plugins/<its id>, nested or not.
      const plugin = byId.get(parts[2]);
      if (!plugin) {
        res.writeHead(404).end();
        return;
      }
      sendFile(res, plugin.dir, parts.slice(3).join('/'));
      return;
    }
    if (parts[0] !== 'api') {
      res.writeHead(404).end();
      return;
    }
    api(req, res, url, parts, user).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: String(err) });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requestLog,
    proxyLog,
    upstreamLog,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
