/**
 * The app plugin (oma-migration-app) in Chromium, loaded from its built dist/module.js the way
 * Grafana loads it, against the host's stand-in for Grafana's HTTP API and the real OMA server
 * (started with its seeded demo world and live simulator):
 *
 * - the configuration page creates and updates the suite's data source, keeps the tokens in
 *   secureJsonData only, enables the app and shows the server's health; bad input is refused;
 * - its dashboards section imports the bundled dashboard;
 * - the Overview shows what the server has: VM status counts, running jobs, recent failures.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WireQueryResponse } from '@oma-insights/contracts/frames';
import type { Browser, Page } from 'playwright-core';

import { launchChromium, screenshotPath } from './lib/browser';
import { REPO_ROOT, startHost, type LoggedRequest, type RunningHost } from './lib/host-server';
import { startOmaServer, type OmaServer } from './lib/oma-server';

const APP_ID = 'oma-migration-app';
const DS_TYPE = 'oma-migration-datasource';
const DS_UID = 'oma-migration';
const DASHBOARD_PATH = 'dashboards/migration-operations.json';
const USERS = [
  { login: 'admin', orgRole: 'Admin' as const },
  { login: 'editor', orgRole: 'Editor' as const },
  { login: 'viewer', orgRole: 'Viewer' as const },
];

let server: OmaServer;
let browser: Browser;
const hosts: RunningHost[] = [];

/** A fresh "Grafana" (closed after all tests, pass or fail). */
async function newHost(options: Parameters<typeof startHost>[0]): Promise<RunningHost> {
  const host = await startHost(options);
  hosts.push(host);
  return host;
}

beforeAll(async () => {
  server = await startOmaServer();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(hosts.map((h) => h.close()));
  await server?.stop();
});

/** A page of the host with what the browser did and received, for assertions. */
interface HostPage {
  page: Page;
  /** Uncaught errors, console errors and failed requests (other than expected API refusals). */
  errors: string[];
  /** The body of every response the browser received, as text. */
  received(): Promise<string[]>;
}

async function openHostPage(host: RunningHost, user: string, width = 1280): Promise<HostPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  const bodies: Array<Promise<string>> = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  page.on('console', (msg) => {
    // Failed loads are reported below, with their URL (API refusals are expected in some tests).
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      errors.push(`console.error: ${msg.text()}`);
    }
  });
  page.on('response', (res) => {
    bodies.push(
      res.body().then(
        (b) => b.toString('utf8'),
        () => '',
      ),
    );
    if (res.status() >= 400 && !new URL(res.url()).pathname.startsWith('/api/')) {
      errors.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  await page.goto(`${host.url}/?user=${user}`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  return { page, errors, received: () => Promise.all(bodies) };
}

async function mountApp(hp: HostPage, page: 'overview' | 'config', theme: 'light' | 'dark' = 'light') {
  const mounted = await hp.page.evaluate((o) => window.omaHost.mountApp(o), { page, theme });
  expect(mounted.pluginId).toBe(APP_ID);
  return mounted;
}

/** Requests that change something in Grafana (not reads, not the data proxy). */
const writes = (log: LoggedRequest[]) =>
  log.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/datasources/proxy/'));

async function serverJson<T>(
  pathAndQuery: string,
  init?: RequestInit,
  token = server.tokens.read,
): Promise<T> {
  const res = await fetch(`${server.url}${pathAndQuery}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('the configuration page', () => {
  let host: RunningHost;

  beforeAll(async () => {
    // A Grafana where the app is installed but nothing is configured yet.
    host = await newHost({ users: USERS });
  });

  test('an Admin creates the data source: tokens only in secureJsonData, app enabled, server healthy', async () => {
    const health = await serverJson<{ version: string }>('/api/v1/debug/health');
    const hp = await openHostPage(host, 'admin');
    const { page } = hp;
    await mountApp(hp, 'config', 'light');
    const create = page.getByRole('button', { name: 'Create data source and test' });
    await create.waitFor();

    await page.locator('#oma-server-url').fill(server.url);
    await page.locator('#oma-read-token').fill(server.tokens.read);
    await page.locator('#oma-write-token').fill(server.tokens.write);
    await create.click();

    const outcome = page.getByTestId('oma-config-outcome');
    await outcome.waitFor();
    await expect(outcome.textContent()).resolves.toMatch(/^Connected.*accepts the read token/);
    const healthFacts = page.getByTestId('oma-server-health');
    await healthFacts.getByText('compatible', { exact: true }).waitFor();
    await expect(healthFacts.textContent()).resolves.toContain(health.version);

    // Exactly one create, of our type and uid, with the tokens under secureJsonData.
    const creates = host.requestLog.filter((r) => r.method === 'POST' && r.path === '/api/datasources');
    expect(creates).toHaveLength(1);
    expect(creates[0].status).toBe(200);
    const created = creates[0].body as Record<string, unknown>;
    expect(created).toEqual(
      expect.objectContaining({
        type: DS_TYPE,
        uid: DS_UID,
        access: 'proxy',
        jsonData: expect.objectContaining({ serverUrl: server.url }),
        secureJsonData: { readToken: server.tokens.read, writeToken: server.tokens.write },
      }),
    );
    // ... and nowhere else: not in the rest of that body, nor in any other request body.
    const tokens = [server.tokens.read, server.tokens.write];
    const otherBodies = host.requestLog.map((r) =>
      JSON.stringify(r === creates[0] ? { ...created, secureJsonData: undefined } : (r.body ?? null)),
    );
    for (const token of tokens) {
      expect(otherBodies.filter((b) => b.includes(token))).toEqual([]);
    }

    // The app was enabled and told which data source to read.
    const settings = host.requestLog.filter(
      (r) => r.method === 'POST' && r.path === `/api/plugins/${APP_ID}/settings`,
    );
    expect(settings).toHaveLength(1);
    expect(settings[0]).toEqual(
      expect.objectContaining({
        status: 200,
        body: expect.objectContaining({ enabled: true, jsonData: { datasourceUid: DS_UID } }),
      }),
    );
    expect(host.state.pluginSettings.get(APP_ID)?.enabled).toBe(true);
    // The health check went through the data proxy's read route to the real server.
    expect(host.upstreamLog.map((r) => new URL(r.url).pathname)).toContain('/api/v1/debug/health');

    // The browser shows and received no token.
    const html = await page.content();
    const inputValues = await page.$$eval('input', (inputs) =>
      inputs.map((i) => (i as HTMLInputElement).value),
    );
    const received = await hp.received();
    for (const token of tokens) {
      expect(html).not.toContain(token);
      expect(inputValues).not.toContain(token);
      expect(received.filter((body) => body.includes(token))).toHaveLength(0);
    }
    expect(hp.errors).toEqual([]);
    await page.screenshot({ path: screenshotPath('app-config-light.png'), fullPage: true });
    await page.close();
  });

  test('reloaded: tokens show as configured; a new server URL is saved with a PUT that keeps the tokens', async () => {
    const hp = await openHostPage(host, 'admin');
    const { page } = hp;
    await mountApp(hp, 'config', 'dark');
    const save = page.getByRole('button', { name: 'Save and test' });
    await save.waitFor();
    await expect(page.locator('#oma-server-url').inputValue()).resolves.toBe(server.url);
    for (const id of ['#oma-read-token', '#oma-write-token']) {
      await expect(page.locator(id).inputValue()).resolves.toBe('configured');
      await expect(page.locator(id).isDisabled()).resolves.toBe(true);
    }

    const before = host.requestLog.length;
    const newUrl = server.url.replace('127.0.0.1', 'localhost');
    await page.locator('#oma-server-url').fill(newUrl);
    await save.click();
    const outcome = page.getByTestId('oma-config-outcome');
    await outcome.getByText('Connected', { exact: true }).waitFor();

    const saved = writes(host.requestLog.slice(before));
    expect(saved.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `PUT /api/datasources/uid/${DS_UID} 200`,
      `POST /api/plugins/${APP_ID}/settings 200`,
    ]);
    const put = saved[0].body as Record<string, unknown>;
    expect(put).not.toHaveProperty('secureJsonData');
    expect(put).toEqual(
      expect.objectContaining({ uid: DS_UID, type: DS_TYPE, version: 1, jsonData: { serverUrl: newUrl } }),
    );
    const stored = host.state.datasources.get(DS_UID)!;
    expect(stored.secureJsonData).toEqual({ readToken: server.tokens.read, writeToken: server.tokens.write });
    expect(stored.version).toBe(2);
    await page.getByTestId('oma-server-health').getByText('compatible', { exact: true }).waitFor();
    expect(hp.errors).toEqual([]);
    await page.screenshot({ path: screenshotPath('app-config-dark.png'), fullPage: true });
    await page.close();
  });

  test('an invalid URL is refused on the page, and no request is made', async () => {
    const hp = await openHostPage(host, 'admin');
    const { page } = hp;
    await mountApp(hp, 'config');
    const save = page.getByRole('button', { name: 'Save and test' });
    await save.waitFor();
    const before = host.requestLog.length;
    await page.locator('#oma-server-url').fill('oma insights:8080');
    await save.click();
    const outcome = page.getByTestId('oma-config-outcome');
    await outcome.waitFor();
    await expect(outcome.textContent()).resolves.toMatch(
      /^Not saved.*The server URL "oma insights:8080" is not a URL; write it like http:\/\/oma-insights:8080$/,
    );
    expect(host.requestLog.slice(before)).toEqual([]);
    await page.close();
  });

  test('a wrong read token is saved but the test says precisely why it fails; the right one fixes it', async () => {
    const hp = await openHostPage(host, 'admin');
    const { page } = hp;
    await mountApp(hp, 'config');
    const save = page.getByRole('button', { name: 'Save and test' });
    await save.waitFor();
    // The read token's Reset comes first (the write token's second).
    await page.getByRole('button', { name: 'Reset' }).first().click();
    await page.locator('#oma-read-token').fill('not-the-read-token');
    await save.click();
    const outcome = page.getByTestId('oma-config-outcome');
    await outcome.waitFor();
    await expect(outcome.textContent()).resolves.toMatch(
      /^Not connected.*rejected the read token \(HTTP 401\)/,
    );
    const put = host.requestLog.filter((r) => r.method === 'PUT').at(-1)!;
    expect(put.body).toEqual(
      expect.objectContaining({ secureJsonData: { readToken: 'not-the-read-token' } }),
    );
    // The write token was left alone.
    expect(host.state.datasources.get(DS_UID)!.secureJsonData.writeToken).toBe(server.tokens.write);

    await page.getByRole('button', { name: 'Reset' }).first().click();
    await page.locator('#oma-read-token').fill(server.tokens.read);
    await save.click();
    await outcome.getByText('Connected', { exact: true }).waitFor();
    expect(host.state.datasources.get(DS_UID)!.secureJsonData).toEqual({
      readToken: server.tokens.read,
      writeToken: server.tokens.write,
    });
    await page.close();
  });

  test('Viewers and Editors get 403 from the write endpoints, as in Grafana', async () => {
    const hp = await openHostPage(host, 'viewer');
    const stored = structuredClone(host.state.datasources.get(DS_UID));
    const call = (method: string, url: string, body: unknown) =>
      hp.page.evaluate(
        async ([m, u, b]) => {
          const res = await fetch(u as string, {
            method: m as string,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(b),
          });
          return { status: res.status, message: ((await res.json()) as { message: string }).message };
        },
        [method, url, body] as const,
      );
    const ds = { uid: 'viewer-ds', name: 'Viewer DS', type: DS_TYPE, access: 'proxy', jsonData: {} };
    const denied = (action: string) => ({
      status: 403,
      message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`,
    });
    await expect(call('POST', '/api/datasources', ds)).resolves.toEqual(denied('datasources:create'));
    await expect(call('PUT', `/api/datasources/uid/${DS_UID}`, { ...ds, uid: DS_UID })).resolves.toEqual(
      denied('datasources:write'),
    );
    await expect(call('POST', `/api/plugins/${APP_ID}/settings`, { enabled: false })).resolves.toEqual(
      denied('plugins:write'),
    );
    await expect(
      call('POST', '/api/dashboards/import', { pluginId: APP_ID, path: DASHBOARD_PATH, overwrite: true }),
    ).resolves.toEqual(denied('dashboards:create'));
    await hp.page.close();

    // An Editor may not change data sources or plugin settings either (dashboards:create is
    // an Editor's permission in Grafana, so importing is not refused to them).
    const ep = await openHostPage(host, 'editor');
    const asEditor = (method: string, url: string, body: unknown) =>
      ep.page.evaluate(
        async ([m, u, b]) =>
          (await fetch(u as string, { method: m as string, body: JSON.stringify(b) })).status,
        [method, url, body] as const,
      );
    await expect(asEditor('POST', '/api/datasources', ds)).resolves.toBe(403);
    await expect(asEditor('PUT', `/api/datasources/uid/${DS_UID}`, { ...ds, uid: DS_UID })).resolves.toBe(
      403,
    );
    await expect(asEditor('POST', `/api/plugins/${APP_ID}/settings`, { enabled: false })).resolves.toBe(403);
    await ep.page.close();

    expect(host.state.datasources.get(DS_UID)).toEqual(stored);
    expect(host.state.datasources.has('viewer-ds')).toBe(false);
    expect(host.state.pluginSettings.get(APP_ID)?.enabled).toBe(true);
  });

  test('the dashboards section lists Migration Operations and "Import all dashboards" imports every bundled dashboard', async () => {
    const dashboard = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'plugins', 'oma-app', 'src', DASHBOARD_PATH), 'utf8'),
    ) as { title: string };
    const hp = await openHostPage(host, 'admin');
    const { page } = hp;
    await mountApp(hp, 'config');
    const table = page.getByTestId('oma-dashboards');
    await table.waitFor();
    const row = table.getByRole('row', { name: new RegExp(dashboard.title) });
    await expect(row.textContent()).resolves.toContain('not imported');
    const before = host.requestLog.length;

    await page.getByRole('button', { name: 'Import all dashboards' }).click();
    await row.getByText('imported (revision 1)').waitFor();
    const imports = writes(host.requestLog.slice(before));
    // Every dashboard the app includes, Migration Operations among them, once each.
    const bundled = (
      JSON.parse(
        fs.readFileSync(path.join(REPO_ROOT, 'plugins', 'oma-app', 'src', 'plugin.json'), 'utf8'),
      ) as {
        includes: Array<{ type: string; path?: string }>;
      }
    ).includes
      .filter((i) => i.type === 'dashboard')
      .map((i) => i.path);
    expect(bundled).toContain(DASHBOARD_PATH);
    expect(imports).toEqual(
      bundled.map((p) =>
        expect.objectContaining({
          method: 'POST',
          path: '/api/dashboards/import',
          status: 200,
          body: expect.objectContaining({ pluginId: APP_ID, path: p }),
        }),
      ),
    );
    await expect(page.getByRole('button', { name: 'Import all dashboards' }).count()).resolves.toBe(0);
    expect(hp.errors).toEqual([]);
    await page.close();
  });
});

/** Jobs as the server's query API answers them (the same query the Overview's data source runs). */
async function serverJobs(status: 'running' | 'failed'): Promise<Array<{ jobId: string; vm: string }>> {
  const to = new Date();
  const from = new Date(to.getTime() - 24 * 3600_000);
  const body = await serverJson<WireQueryResponse>('/api/v1/query', {
    method: 'POST',
    body: JSON.stringify({
      range: { from: from.toISOString(), to: to.toISOString() },
      queries: [{ refId: 'A', queryType: 'jobs', status, limit: status === 'running' ? 200 : 50 }],
    }),
  });
  const fields = body.results.A.frames?.[0]?.fields ?? [];
  const ids = fields.find((f) => f.name === 'job_id')?.values ?? [];
  const vms = fields.find((f) => f.name === 'vm_name')?.values ?? [];
  return ids.map((id, i) => ({ jobId: String(id), vm: String(vms[i]) }));
}

/** Every VM context, paged by cursor through the REST API. */
async function serverVmCount(): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const query: string = `/api/v1/vm-contexts?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await serverJson<{ count: number; next_cursor: string | null }>(query);
    count += page.count;
    cursor = page.next_cursor;
  } while (cursor);
  return count;
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the Overview shows. */
async function readOverview(page: Page) {
  return page.evaluate(() => {
    const value = (el: Element | null) => Number(el?.lastElementChild?.textContent?.replace('+', '') ?? NaN);
    const firstCells = (label: string) =>
      [...document.querySelectorAll(`section[aria-label="${label}"] tbody tr`)].map(
        (tr) => tr.querySelector('td')?.textContent ?? '',
      );
    return {
      vms: value(document.querySelector('[data-testid="tile-VMs"]')),
      running: value(document.querySelector('[data-testid="tile-Migrating now"]')),
      failed: value(document.querySelector('[data-testid="tile-Failed (24 h)"]')),
      statuses: Object.fromEntries(
        [...document.querySelectorAll('[data-testid^="status-"]')].map((el) => [
          (el as HTMLElement).dataset.testid!.slice('status-'.length),
          value(el),
        ]),
      ),
      runningVms: firstCells('Migrating now'),
      failedRows: [...document.querySelectorAll('section[aria-label="Failed recently"] tbody tr')].map(
        (tr) => tr.textContent ?? '',
      ),
    };
  });
}

describe('the Overview page', () => {
  test('with no data source it shows the "Connect Grafana…" empty state; a disabled app is not shown', async () => {
    // The app enabled (say, from the plugin catalogue) but never configured.
    const host = await newHost({ users: USERS, pluginSettings: { [APP_ID]: { enabled: true } } });
    const admin = await openHostPage(host, 'admin');
    await mountApp(admin, 'overview');
    const empty = admin.page.getByText('Connect Grafana to your OMA Migration Insights server');
    await empty.waitFor();
    await admin.page.getByRole('link', { name: 'Open the configuration' }).waitFor();
    // No link to a dashboard that cannot have been imported yet.
    await expect(
      admin.page.getByRole('link', { name: 'Migration Operations dashboard' }).count(),
    ).resolves.toBe(0);
    await expect(admin.page.getByTestId('oma-overview').textContent()).resolves.toContain(
      `(Datasource ${DS_UID} was not found)`,
    );
    expect(admin.errors).toEqual([]);
    await admin.page.screenshot({ path: screenshotPath('app-overview-unconfigured.png'), fullPage: true });
    await admin.page.close();

    const viewer = await openHostPage(host, 'viewer');
    await mountApp(viewer, 'overview');
    await viewer.page
      .getByText('Ask a Grafana administrator to configure the OMA Migration Insights app.')
      .waitFor();
    await expect(viewer.page.getByRole('link', { name: 'Open the configuration' }).count()).resolves.toBe(0);
    await viewer.page.close();

    // Grafana shows no page of an app that is not enabled in the org.
    const disabled = await newHost({ users: USERS });
    const hp = await openHostPage(disabled, 'admin');
    await expect(mountApp(hp, 'overview')).resolves.toEqual({ pluginId: APP_ID, enabled: false });
    await hp.page.getByText('Application Not Enabled').waitFor();
    await expect(hp.page.getByTestId('oma-overview').count()).resolves.toBe(0);
    await hp.page.close();
  });

  describe('with the demo data', () => {
    let host: RunningHost;
    let forced: { jobId: string; vm: string };
    // Not one of the simulator's own messages, so the row can be told apart.
    const FORCED_MESSAGE = 'NBD export stalled: no data from the VMA for 120 s';

    beforeAll(async () => {
      host = await newHost({
        users: USERS,
        datasources: [
          {
            uid: DS_UID,
            name: 'OMA Migration Insights',
            type: DS_TYPE,
            jsonData: { serverUrl: server.url },
            secureJsonData: { readToken: server.tokens.read, writeToken: server.tokens.write },
          },
        ],
        pluginSettings: { [APP_ID]: { enabled: true, pinned: true, jsonData: { datasourceUid: DS_UID } } },
      });
      // The demo simulator keeps jobs running; wait until there are some, then make one of them
      // fail through the ingest endpoint, as a VMA would report it. The simulator pushes progress
      // for the same job every second, so a push can arrive "late" (fewer bytes): try again.
      let outcome: { applied: boolean; reason?: string } = { applied: false };
      for (let attempt = 0; attempt < 10 && !outcome.applied; attempt++) {
        const running = await waitFor(
          'running jobs',
          () => serverJobs('running'),
          (jobs) => jobs.length >= 2,
        );
        forced = running[0];
        const progress = await serverJson<{ bytes_transferred: number; total_bytes: number }>(
          `/api/v1/progress/${forced.jobId}`,
        );
        outcome = await serverJson<{ applied: boolean; reason?: string }>(
          `/api/v1/progress/${forced.jobId}`,
          {
            method: 'POST',
            body: JSON.stringify({
              stage: 'Transfer',
              status: 'Failed',
              bytes_transferred: progress.bytes_transferred,
              total_bytes: progress.total_bytes,
              error_message: FORCED_MESSAGE,
              error_classification: 'connection',
            }),
          },
          server.tokens.ingest,
        );
      }
      expect(outcome).toEqual(expect.objectContaining({ applied: true }));
    }, 60_000);

    test.each(['light', 'dark'] as const)(
      '%s: status tiles add up to the server’s VMs; running and failed jobs are the server’s',
      async (theme) => {
        const vmCount = await serverVmCount();
        const runningBefore = await serverJobs('running');
        const failedBefore = await serverJobs('failed');
        expect(runningBefore.length).toBeGreaterThan(0);
        expect(failedBefore.map((j) => j.jobId)).toContain(forced.jobId);

        const hp = await openHostPage(host, 'viewer');
        const { page } = hp;
        await mountApp(hp, 'overview', theme);
        await page.waitForSelector('[data-testid="oma-overview"][data-state="done"]', { timeout: 30_000 });
        const shown = await readOverview(page);
        const runningAfter = await serverJobs('running');
        const failedAfter = await serverJobs('failed');

        // The tiles: every VM once, in exactly one status.
        expect(vmCount).toBe(Number(process.env.DEMO_VMS ?? 40)); // the demo world's size (oma-server.ts)
        expect(shown.vms).toBe(vmCount);
        expect(Object.values(shown.statuses).reduce((a, b) => a + b, 0)).toBe(vmCount);

        // Jobs change while the simulator runs (each lasts at least 30 s), so the page's list is
        // checked against the server's lists just before and just after it was read: a job
        // running (or failed) at both times must be shown; anything shown was so at one of them.
        const vms = (jobs: Array<{ vm: string }>) => jobs.map((j) => j.vm);
        const both = vms(runningBefore).filter((vm) => vms(runningAfter).includes(vm));
        const either = [...new Set([...vms(runningBefore), ...vms(runningAfter)])];
        expect(shown.running).toBe(shown.runningVms.length);
        expect(shown.runningVms).toEqual(expect.arrayContaining(both));
        expect(either).toEqual(expect.arrayContaining(shown.runningVms));

        expect(shown.failed).toBeGreaterThanOrEqual(Math.min(failedBefore.length, failedAfter.length));
        expect(shown.failed).toBeLessThanOrEqual(
          new Set([...failedBefore, ...failedAfter].map((j) => j.jobId)).size,
        );
        expect(shown.failedRows.length).toBe(Math.min(shown.failed, 10)); // the table's page size
        expect(shown.failedRows.find((row) => row.includes(FORCED_MESSAGE))).toContain(forced.vm);

        expect(hp.errors).toEqual([]);
        await page.screenshot({ path: screenshotPath(`app-overview-${theme}.png`), fullPage: true });
        await page.close();
      },
    );
  });
});
