/**
 * The migration data source in Chromium, loaded from its built dist/module.js like Grafana loads
 * it, talking to the real server through a proxy that applies the plugin's plugin.json routes.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { WireQueryResponse, WireQueryResult } from '@oma-insights/contracts/frames';
import type { Browser, Page } from 'playwright-core';

import { launchChromium, screenshotPath } from './lib/browser';
import { REPO_ROOT, findBuiltPlugins, startHost, type RunningHost } from './lib/host-server';
import { freePort, startOmaServer, type OmaServer } from './lib/oma-server';
import type { DataSourceConfig } from './lib/route-proxy';

const PLUGIN_ID = 'oma-migration-datasource';

let server: OmaServer;
let host: RunningHost;
let browser: Browser;
let incompatible: http.Server;

/** Asks the server directly (not through the browser) what a query returns, for comparison. */
async function serverQuery(query: Record<string, unknown>): Promise<WireQueryResult> {
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 24 * 3600 * 1000);
  const res = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.tokens.read}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      range: { from: from.toISOString(), to: to.toISOString() },
      queries: [{ refId: 'A', ...query }],
    }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as WireQueryResponse;
  return body.results.A;
}

function ds(
  uid: string,
  jsonData: Record<string, unknown>,
  secureJsonData: Record<string, string>,
): DataSourceConfig {
  return { uid, name: `OMA (${uid})`, type: PLUGIN_ID, jsonData, secureJsonData };
}

/** Browser-side errors per page, reported when a wait fails. */
const browserErrors = new WeakMap<Page, string[]>();

async function openHost(user: string, uid: string, query: Record<string, unknown>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  const pageErrors: string[] = [];
  browserErrors.set(page, pageErrors);
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().includes('/api/datasources/proxy/')) {
      pageErrors.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      pageErrors.push(`console.error: ${msg.text()}`);
    }
  });
  await page.goto(`${host.url}/?user=${user}`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  const mounted = await page.evaluate(([u, q]) => window.omaHost.mountDataSource(u as string, q as never), [
    uid,
    { refId: 'A', ...query },
  ] as const);
  expect(mounted.pluginId).toBe(PLUGIN_ID);
  expect(mounted.moduleKeys).toContain('plugin');
  await page.getByRole('button', { name: 'Save & test' }).waitFor();
  expect(pageErrors).toEqual([]);
  return page;
}

async function runQueryAndWait(page: Page) {
  await page.getByTestId('run-query').click();
  try {
    await page.waitForSelector('[data-testid="host-results"][data-state="done"]', {
      state: 'attached',
      timeout: 30_000,
    });
  } catch (err) {
    throw new Error(`${String(err)}\nbrowser errors:\n${(browserErrors.get(page) ?? []).join('\n')}`);
  }
  return page.evaluate(() => window.omaHost.lastResponse!);
}

beforeAll(async () => {
  server = await startOmaServer();
  // A server that answers health with another major version.
  incompatible = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        status: 'ok',
        version: '1.0.0',
        mode: 'standalone',
        dialect: 'sqlite',
        uptime_s: 1,
        checks: {},
        counts: {},
      }),
    );
  });
  await new Promise<void>((r) => incompatible.listen(0, '127.0.0.1', r));
  const incompatibleUrl = `http://127.0.0.1:${(incompatible.address() as AddressInfo).port}`;
  const closedPort = await freePort();

  const tokens = { readToken: server.tokens.read, writeToken: server.tokens.write };
  host = await startHost({
    datasources: [
      ds('oma', { serverUrl: server.url }, tokens),
      ds('oma-bad-token', { serverUrl: server.url }, { readToken: 'not-a-valid-token' }),
      ds('oma-ingest-only', { serverUrl: server.url }, { readToken: server.tokens.ingest }),
      ds('oma-down', { serverUrl: `http://127.0.0.1:${closedPort}` }, tokens),
      ds('oma-incompatible', { serverUrl: incompatibleUrl }, tokens),
    ],
    users: [
      { login: 'viewer', orgRole: 'Viewer' },
      { login: 'editor', orgRole: 'Editor' },
    ],
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await new Promise((r) => (incompatible ? incompatible.close(r) : r(undefined)));
  await server?.stop();
});

test('the data source is found nested in the built app and served from its own folder', async () => {
  const appDist = path.join(REPO_ROOT, 'plugins', 'oma-app', 'dist');
  const found = findBuiltPlugins().map(({ id, type, dir, parentId }) => ({ id, type, dir, parentId }));
  expect(found).toEqual(
    expect.arrayContaining([
      { id: 'oma-migration-app', type: 'app', dir: appDist, parentId: undefined },
      {
        id: PLUGIN_ID,
        type: 'datasource',
        dir: path.join(appDist, 'datasource'),
        parentId: 'oma-migration-app',
      },
    ]),
  );
  // Grafana's asset paths: each plugin's module.js below /public/plugins/<its own id>/.
  for (const [id, file] of [
    [PLUGIN_ID, path.join(appDist, 'datasource', 'module.js')],
    ['oma-migration-app', path.join(appDist, 'module.js')],
  ]) {
    const res = await fetch(`${host.url}/public/plugins/${id}/module.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(fs.readFileSync(file, 'utf8'));
  }
});

describe('health check (Save & test) through the route proxy', () => {
  test('succeeds with the read-only token, and the browser never sees a token', async () => {
    const page = await openHost('viewer', 'oma', { queryType: 'vmContexts' });
    const seenAuthHeaders: string[] = [];
    page.on('request', (req) => {
      const auth = req.headers()['authorization'];
      if (auth) {
        seenAuthHeaders.push(auth);
      }
    });
    await page.getByRole('button', { name: 'Save & test' }).click();
    const alert = page.getByTestId('health-result');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(
      /server 0\.\d+\.\d+.* is reachable and accepts the read token/,
    );
    expect(await page.evaluate(() => window.omaHost.lastHealth?.status)).toMatch(/^(success|warning)$/);

    // The requests went through the read route, and the proxy added the read token.
    const forwarded = host.upstreamLog.filter((r) => r.user === 'viewer');
    expect(forwarded.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(
      expect.arrayContaining(['GET /api/v1/debug/health', 'POST /api/v1/query']),
    );
    expect(forwarded.every((r) => r.authorization === `Bearer ${server.tokens.read}`)).toBe(true);
    // Secrets stay on the server side.
    expect(seenAuthHeaders).toEqual([]);
    const html = await page.content();
    expect(html).not.toContain(server.tokens.read);
    expect(html).not.toContain(server.tokens.write);
    await page.screenshot({ path: screenshotPath('health-ok.png'), fullPage: true });
    await page.close();
  });

  test.each([
    ['oma-bad-token', /rejected the read token \(HTTP 401\)/, 'health-bad-token.png'],
    ['oma-ingest-only', /lacks the "read" scope \(HTTP 403/, 'health-missing-scope.png'],
    [
      'oma-down',
      /Cannot reach the OMA Migration Insights server at http:\/\/127\.0\.0\.1:\d+/,
      'health-unreachable.png',
    ],
    [
      'oma-incompatible',
      /Version mismatch: the server runs 1\.0\.0, this plugin needs a 0\.x server/,
      'health-version.png',
    ],
  ])('%s: says precisely what is wrong', async (uid, message, shot) => {
    const page = await openHost('editor', uid, { queryType: 'vmContexts' });
    await page.getByRole('button', { name: 'Save & test' }).click();
    const alert = page.getByTestId('health-result');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(message);
    expect(await page.evaluate(() => window.omaHost.lastHealth?.status)).toBe('error');
    await page.screenshot({ path: screenshotPath(shot), fullPage: true });
    await page.close();
  });
});

describe('table queries in the browser with the read-only token', () => {
  test('vmContexts returns the server’s VM contexts as a table', async () => {
    const expected = await serverQuery({ queryType: 'vmContexts', limit: 50 });
    const expectedFrame = expected.frames?.[0];
    expect(expected.error).toBeUndefined();
    expect(expectedFrame).toBeDefined();

    const page = await openHost('viewer', 'oma', { queryType: 'vmContexts', limit: 50 });
    const response = await runQueryAndWait(page);
    expect(response.errors).toEqual([]);
    expect(response.frames).toHaveLength(1);
    const frame = response.frames[0];
    const expectedLength = expectedFrame!.fields[0]?.values.length ?? 0;
    expect(frame.length).toBe(expectedLength);
    expect(expectedLength).toBeGreaterThan(0); // DEMO=1 seeds VMs
    expect(frame.fields.map((f) => f.name)).toEqual(expectedFrame!.fields.map((f) => f.name));
    const nameField = expectedFrame!.fields.find((f) => f.name === 'vm_name') ?? expectedFrame!.fields[0];
    await page.getByText(String(nameField.values[0]), { exact: true }).first().waitFor();
    await page.screenshot({ path: screenshotPath('vmcontexts-table.png'), fullPage: true });
    await page.close();
  });

  test('jobs: switching the query editor to jobs / all shows every job with progress', async () => {
    const query = { queryType: 'jobs', status: 'all', limit: 500 };
    const expected = await serverQuery(query);
    expect(expected.error).toBeUndefined();
    const expectedFrame = expected.frames?.[0];

    const page = await openHost('viewer', 'oma', { queryType: 'vmContexts' });
    // The query type is a select (the network query types joined the list).
    await page.getByLabel('Query type').click();
    await page.getByRole('option', { name: 'Replication jobs' }).click();
    await page.getByRole('radio', { name: 'All' }).check();
    const response = await runQueryAndWait(page);
    const after = await serverQuery(query);
    expect(response.errors).toEqual([]);
    const frame = response.frames[0];
    // The demo simulator starts jobs all the time, so the browser's count lies between the
    // server's counts just before and just after.
    expect(frame.length).toBeGreaterThanOrEqual(expectedFrame?.fields[0]?.values.length ?? 0);
    expect(frame.length).toBeLessThanOrEqual(after.frames?.[0]?.fields[0]?.values.length ?? 0);
    expect(frame.fields.map((f) => f.name)).toEqual(expectedFrame?.fields.map((f) => f.name));
    expect(frame.fields.map((f) => f.name).join(' ')).toMatch(/progress/);
    // What the browser sent went through the read route as a jobs query.
    const last = host.upstreamLog.filter((r) => r.user === 'viewer').at(-1)!;
    expect(new URL(last.url).pathname).toBe('/api/v1/query');
    expect(last.authorization).toBe(`Bearer ${server.tokens.read}`);
    await page.screenshot({ path: screenshotPath('jobs-table.png'), fullPage: true });
    await page.close();
  });

  test('an error from the server for a query is shown on that query', async () => {
    const page = await openHost('viewer', 'oma-bad-token', { queryType: 'jobs', status: 'running' });
    const response = await runQueryAndWait(page);
    expect(response.frames).toEqual([]);
    expect(response.errors[0].message).toMatch(/rejected the read token \(HTTP 401\)/);
    await page.getByTestId('query-error').waitFor();
    await page.close();
  });
});

describe('template variables and annotations in the browser', () => {
  test('metricFindQuery lists the same vCenters as the server', async () => {
    const expected = await serverQuery({ queryType: 'variable', variable: 'vcenters' });
    expect(expected.error).toBeUndefined();
    const textField = expected.frames?.[0]?.fields.find((f) => f.name === 'text');
    const page = await openHost('viewer', 'oma', { queryType: 'vmContexts' });
    const values = await page.evaluate(() =>
      (
        window.omaHost.ds as unknown as { metricFindQuery(q: string): Promise<Array<{ text: string }>> }
      ).metricFindQuery('vcenters'),
    );
    expect(values.map((v) => v.text)).toEqual([...new Set((textField?.values ?? []).map(String))]);
    expect(values.length).toBeGreaterThan(0); // DEMO=1 seeds at least one vCenter
    await page.close();
  });

  test('the failed-job annotation query answers annotation frames', async () => {
    const expected = await serverQuery({ queryType: 'failedJobAnnotations' });
    expect(expected.error).toBeUndefined();
    const page = await openHost('viewer', 'oma', { queryType: 'failedJobAnnotations' });
    const response = await runQueryAndWait(page);
    const after = await serverQuery({ queryType: 'failedJobAnnotations' });
    expect(response.errors).toEqual([]);
    const rows = (r: WireQueryResult) =>
      (r.frames ?? []).reduce((n, f) => n + (f.fields[0]?.values.length ?? 0), 0);
    // Simulated jobs keep failing now and then: between the server's counts before and after.
    const shown = response.frames.reduce((n, f) => n + f.length, 0);
    expect(shown).toBeGreaterThanOrEqual(rows(expected));
    expect(shown).toBeLessThanOrEqual(rows(after));
    for (const frame of response.frames) {
      expect(frame.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['time', 'title', 'text']));
      expect(frame.fields.find((f) => f.name === 'time')?.type).toBe('time');
    }
    await page.close();
  });
});

/** Every dashboard the app bundles (src/dashboards/*.json). */
const BUNDLED_DASHBOARDS = fs
  .readdirSync(path.join(REPO_ROOT, 'plugins', 'oma-app', 'src', 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .sort();

describe.each(BUNDLED_DASHBOARDS)('the bundled dashboard %s against the server', (file) => {
  interface DashboardPanel {
    id: number;
    type: string;
    title: string;
    targets?: Array<Record<string, unknown>>;
    fieldConfig?: { overrides?: Array<{ matcher: { id: string; options?: unknown } }> };
    options?: { reduceOptions?: { fields?: string } };
    transformations?: Array<{ id: string; options?: unknown }>;
  }
  const dashboard = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'plugins', 'oma-app', 'src', 'dashboards', file), 'utf8'),
  ) as {
    panels: DashboardPanel[];
    templating: {
      list: Array<{
        name: string;
        type: string;
        query?: unknown;
        allValue?: string;
        current?: { value?: string };
      }>;
    };
  };
  /** Variables as a fresh dashboard has them: "All" (its allValue) or the current value. */
  const variables = Object.fromEntries(
    dashboard.templating.list.map((v) => [
      v.name,
      v.current?.value === '$__all' ? (v.allValue ?? '') : (v.current?.value ?? ''),
    ]),
  );
  let page: Page;

  beforeAll(async () => {
    // A query variable with no saved value takes its first option, as Grafana does on load
    // (VM Detail opened without var-vm shows the first VM).
    for (const v of dashboard.templating.list) {
      if (v.type === 'query' && variables[v.name] === '' && typeof v.query === 'string') {
        const options = await serverQuery({ queryType: 'variable', variable: v.query.trim() });
        const first = options.frames?.[0]?.fields.find((f) => f.name === 'value')?.values[0];
        variables[v.name] = String(first ?? '');
      }
    }
    page = await openHost('viewer', 'oma', { queryType: 'vmContexts' });
    await page.evaluate((vars) => window.omaHost.setVariables(vars), variables);
  });
  afterAll(async () => {
    await page?.close();
  });

  test.each(dashboard.panels.map((p) => [p.title, p] as const))(
    'panel "%s": its queries and transformations give data its field matchers select',
    async (_title, panel) => {
      const run = await page.evaluate((p) => window.omaHost.runPanel(p as never), panel);
      expect(run.errors).toEqual([]);
      expect(run.frames.length).toBeGreaterThan(0);
      // Every override selects at least one field (a matcher that selects nothing styles nothing).
      for (const o of run.overrides) {
        expect({ matcher: o.matcher, selects: o.fields.length > 0 }).toEqual({
          matcher: o.matcher,
          selects: true,
        });
      }
      if (panel.options?.reduceOptions?.fields) {
        expect(run.reduceFields?.length).toBeGreaterThan(0);
      }
      if (
        panel.type === 'stat' &&
        JSON.stringify(panel.transformations ?? []).includes('"fieldName":"KPI"')
      ) {
        // A KPI stat keeps the one row of its KPI (filterByValue matches the kpi field's display name, KPI).
        expect(run.frames.map((f) => f.length)).toEqual([1]);
      }
      if (panel.type === 'bargauge' && panel.targets?.some((t) => t.queryType === 'vmContexts')) {
        // VMs counted by status: one row per status, a count field, DEMO=1 has VMs.
        const frame = run.frames[0];
        expect(frame.fields.map((f) => f.displayName)).toEqual(
          expect.arrayContaining([expect.stringMatching(/\(count\)$/)]),
        );
        expect(frame.length).toBeGreaterThan(0);
      }
    },
  );
});

describe('the write route', () => {
  const mapping = { vm_id: 'e2e-vm', source_network_name: 'VM Network', destination_network_id: 'e2e-net' };

  test('refuses a Viewer in the proxy, before anything reaches the server', async () => {
    const page = await openHost('viewer', 'oma', { queryType: 'vmContexts' });
    const before = host.upstreamLog.length;
    const outcome = await page.evaluate(
      (m) =>
        (window.omaHost.ds as unknown as { createNetworkMapping(m: unknown): Promise<unknown> })
          .createNetworkMapping(m)
          .then(
            () => ({ ok: true, kind: undefined, status: undefined, message: '' }),
            (e: { kind?: string; status?: number; message: string }) => ({
              ok: false,
              kind: e.kind,
              status: e.status,
              message: e.message,
            }),
          ),
      mapping,
    );
    expect(outcome).toEqual(expect.objectContaining({ ok: false, kind: 'forbiddenRole', status: 403 }));
    expect(outcome.message).toMatch(/needs the Editor role/);
    const denied = host.proxyLog.filter((r) => r.proxyPath === 'write/network-mappings').at(-1);
    expect(denied).toEqual(expect.objectContaining({ user: 'viewer', method: 'POST', status: 403 }));
    expect(
      host.upstreamLog.slice(before).filter((r) => r.method === 'POST' && r.url.includes('network-mappings')),
    ).toEqual([]);
    await page.close();
  });

  test('lets an Editor through with the write token', async () => {
    const page = await openHost('editor', 'oma', { queryType: 'vmContexts' });
    const outcome = await page.evaluate(
      (m) =>
        (window.omaHost.ds as unknown as { createNetworkMapping(m: unknown): Promise<unknown> })
          .createNetworkMapping(m)
          .then(
            () => ({ ok: true, kind: 'ok' }),
            (e: { kind?: string }) => ({ ok: false, kind: e.kind }),
          ),
      mapping,
    );
    // The server may refuse this mapping on its merits (e.g. unknown VM), but never for the token or role.
    expect(['ok', 'badRequest', 'notFound']).toContain(outcome.kind);
    const forwarded = host.upstreamLog.filter(
      (r) => r.user === 'editor' && r.url.endsWith('/api/v1/network-mappings'),
    );
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0].authorization).toBe(`Bearer ${server.tokens.write}`);
    await page.close();
  });
});
