/**
 * Streaming queries in the browser: the app's Overview page shows the active migrations through
 * the data source's `liveProgress` stream (the same query the Live Operations dashboard uses).
 * The real server (DEMO=1: its simulator drives migrations) with LIVE_ALLOWED_ORIGINS set to the
 * host's origin, the data source configured with the server's address as its live URL, Chromium.
 *
 * - pushes (POST /progress/{job_id} with the ingest token) reach the page without a reload;
 * - a killed socket (Playwright's WebSocket route closes it) is resumed with since/epoch: the
 *   server replays exactly the messages that were missed, the page ends on the pushed state;
 * - with WebSockets refused, `auto` polls `/query liveProgress` and keeps updating, and returns
 *   to the socket once it can be opened.
 */
import Database from 'better-sqlite3';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';

import { launchChromium, screenshotPath } from './lib/browser';
import { mountPanel, panelRecord } from './lib/panel';
import { startHost, type RunningHost } from './lib/host-server';
import { freePort, startOmaServer, type OmaServer } from './lib/oma-server';

const APP_ID = 'oma-migration-app';
const DS_TYPE = 'oma-migration-datasource';
const DS_UID = 'oma-migration';
const WS_PATH = /\/api\/v1\/ws\/progress/;
const TOTAL = 10_000_000_000;

interface LiveMessage {
  type: string;
  seq: number;
  epoch: string;
  data: { job_id?: string; jobs?: Array<{ job_id: string }> };
}

let server: OmaServer;
let browser: Browser;
let host: RunningHost;
/**
 * Our jobs, one per VM the simulator is not migrating: driven only by this test's pushes. The
 * first two are on the Overview; the third is a dashboard panel's, filtered to it.
 */
const jobs: Array<{ id: string; vm: string }> = [];

beforeAll(async () => {
  const hostPort = await freePort();
  // What an admin configures: the server allows Grafana's origin; the data source's live URL is
  // the server's address as the browser reaches it.
  server = await startOmaServer(90_000, { LIVE_ALLOWED_ORIGINS: `http://127.0.0.1:${hostPort}` });
  browser = await launchChromium();
  host = await startHost({
    port: hostPort,
    users: [{ login: 'viewer', orgRole: 'Viewer' }],
    datasources: [
      {
        uid: DS_UID,
        name: 'OMA Migration Insights',
        type: DS_TYPE,
        jsonData: { serverUrl: server.url, liveUrl: server.url, pollIntervalSeconds: 1 },
        secureJsonData: { readToken: server.tokens.read, writeToken: server.tokens.write },
      },
      {
        // A live URL where nothing listens: what an admin's typo looks like from the browser.
        uid: 'oma-wrong-live-url',
        name: 'OMA (wrong live URL)',
        type: DS_TYPE,
        jsonData: { serverUrl: server.url, liveUrl: `http://127.0.0.1:${await freePort()}` },
        secureJsonData: { readToken: server.tokens.read },
      },
    ],
    pluginSettings: { [APP_ID]: { enabled: true, pinned: true, jsonData: { datasourceUid: DS_UID } } },
  });

  // Jobs of our own, written as the OMA writes them (the server reads the same database).
  const db = new Database(server.dbFile);
  db.pragma('busy_timeout = 5000');
  const now = new Date().toISOString().slice(0, 23).replace('T', ' ');
  const vms = db
    .prepare(
      `SELECT context_id, vmware_vm_id, vm_name, vm_path, vcenter_host, datacenter FROM vm_replication_contexts
       WHERE context_id NOT IN (SELECT vm_context_id FROM replication_jobs
                                WHERE status NOT IN ('completed','failed','cancelled') AND vm_context_id IS NOT NULL)
       ORDER BY vm_name DESC LIMIT 3`,
    )
    .all() as Array<Record<string, string>>;
  const insert = db.prepare(
    `INSERT INTO replication_jobs (id, vm_context_id, source_vm_id, source_vm_name, source_vm_path, v_center_host,
       datacenter, replication_type, status, progress_percent, current_operation, bytes_transferred, total_bytes,
       transfer_speed_bps, vma_sync_type, vma_throughput_mbps, setup_progress_percent, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'incremental', 'replicating', 0, 'Transfer', 0, ?, 0, 'incremental', 0, 0, ?, ?)`,
  );
  // Not for the simulator: it only starts jobs on VMs whose scheduler is enabled.
  const unschedule = db.prepare(
    'UPDATE vm_replication_contexts SET scheduler_enabled = 0 WHERE context_id = ?',
  );
  for (const [i, vm] of vms.entries()) {
    const id = `e2e-live-${i}`;
    unschedule.run(vm.context_id);
    insert.run(
      id,
      vm.context_id,
      vm.vmware_vm_id,
      vm.vm_name,
      vm.vm_path,
      vm.vcenter_host,
      vm.datacenter,
      TOTAL,
      now,
      now,
    );
    jobs.push({ id, vm: vm.vm_name });
  }
  db.close();
  expect(jobs).toHaveLength(3);
  for (const job of jobs) await push(job.id, 1);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await server?.stop();
});

/** The VMA's progress push: `percent` of TOTAL transferred. */
async function push(jobId: string, percent: number, status: 'Streaming' | 'Succeeded' = 'Streaming') {
  const res = await fetch(`${server.url}/api/v1/progress/${jobId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.tokens.ingest}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      stage: status === 'Succeeded' ? 'PersistChangeIDs' : 'Transfer',
      status,
      bytes_transferred: Math.round((TOTAL * percent) / 100),
      total_bytes: TOTAL,
      throughput_bps: 50_000_000,
    }),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ job_id: jobId, applied: true });
}

interface OverviewPage {
  page: Page;
  errors: string[];
}

async function openOverview(): Promise<OverviewPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      errors.push(`console.error: ${msg.text()}`);
    }
  });
  await page.goto(`${host.url}/?user=viewer`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  // Marks this document: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { loadedOnce: number }).loadedOnce = 1));
  await page.evaluate(() => window.omaHost.mountApp({ page: 'overview', theme: 'light' }));
  return { page, errors };
}

/** The Overview's jobs (the third is a dashboard panel's). */
const overviewVms = () => jobs.slice(0, 2).map((j) => j.vm);

/** The progress each of our VMs shows in "Migrating now" ("12.0 %"), a VM listed twice listed twice. */
async function shownProgress(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate((vms) => {
    const out: Record<string, string[]> = Object.fromEntries(vms.map((vm) => [vm, []]));
    for (const tr of document.querySelectorAll('section[aria-label="Migrating now"] tbody tr')) {
      const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
      if (cells[0] in out) out[cells[0]].push(cells[3]);
    }
    return out;
  }, overviewVms());
}

async function waitForProgress(page: Page, expected: Record<string, string[]>) {
  await page.waitForFunction(
    ({ vms, want }) => {
      const got: Record<string, string[]> = Object.fromEntries(vms.map((vm: string) => [vm, []]));
      for (const tr of document.querySelectorAll('section[aria-label="Migrating now"] tbody tr')) {
        const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
        if (cells[0] in got) got[cells[0]].push(cells[3]);
      }
      return JSON.stringify(got) === JSON.stringify(want);
    },
    { vms: overviewVms(), want: expected },
    { timeout: 30_000 },
  );
  expect(await shownProgress(page)).toEqual(expected);
}

const transport = (page: Page) => page.getAttribute('[data-testid="oma-overview"]', 'data-live');
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { loadedOnce?: number }).loadedOnce);

test('pushes reach the Overview over the WebSocket without a reload', async () => {
  const { page, errors } = await openOverview();
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const [a, b] = jobs;
  await push(a.id, 12);
  await waitForProgress(page, { [a.vm]: ['12.0 %'], [b.vm]: ['1.0 %'] });
  await page.waitForSelector('[data-testid="oma-overview"][data-live="websocket"]');

  await push(a.id, 47.5);
  await push(b.id, 30);
  await waitForProgress(page, { [a.vm]: ['47.5 %'], [b.vm]: ['30.0 %'] });
  expect(await stillSameDocument(page)).toBe(1);
  expect(await transport(page)).toBe('websocket');
  await page.screenshot({ path: screenshotPath('live-overview-websocket.png'), fullPage: true });
  expect(errors).toEqual([]);
  await page.close();
});

test('a killed socket resumes with since/epoch: the missed messages exactly once, in order', async () => {
  const connections: Array<{ url: URL; received: LiveMessage[]; route: WebSocketRoute; cut: boolean }> = [];
  let releaseSecond: () => void = () => undefined;
  const secondMayConnect = new Promise<void>((resolve) => (releaseSecond = resolve));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Between the page and the server: records what the server sends, lets the test cut the line,
  // and holds the second connection until the test has pushed while the page was away.
  await page.routeWebSocket(WS_PATH, async (route) => {
    const connection = { url: new URL(route.url()), received: [] as LiveMessage[], route, cut: false };
    connections.push(connection);
    if (connections.length === 2) await secondMayConnect;
    const upstream = route.connectToServer();
    upstream.onMessage((message) => {
      // Once cut, nothing more reaches the page (the server may still be sending).
      if (connection.cut) return;
      connection.received.push(JSON.parse(String(message)) as LiveMessage);
      route.send(message);
    });
  });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  await page.goto(`${host.url}/?user=viewer`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  await page.evaluate(() => window.omaHost.mountApp({ page: 'overview', theme: 'light' }));

  const [a, b] = jobs;
  await push(a.id, 50);
  await push(b.id, 35);
  await waitForProgress(page, { [a.vm]: ['50.0 %'], [b.vm]: ['35.0 %'] });
  const first = connections[0];
  expect(first.received[0].type).toBe('snapshot');
  expect(first.url.searchParams.has('since')).toBe(false);

  // Cut the line; while the page is away, move one job on and finish the other.
  first.cut = true;
  await first.route.close({ code: 4000, reason: 'killed by the test' });
  await push(a.id, 61);
  await push(a.id, 73.25);
  await push(b.id, 100, 'Succeeded');
  // The page reconnects on its own (backoff); its URL says where it stopped.
  const deadline = Date.now() + 30_000;
  while (connections.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(connections).toHaveLength(2);
  const second = connections[1];
  const lastBeforeCut = first.received[first.received.length - 1];
  expect(Object.fromEntries(second.url.searchParams)).toEqual({
    ticket: expect.any(String),
    since: String(lastBeforeCut.seq),
    epoch: lastBeforeCut.epoch,
  });
  expect(second.url.searchParams.get('ticket')).not.toBe(first.url.searchParams.get('ticket'));
  releaseSecond();

  await waitForProgress(page, { [a.vm]: ['73.3 %'], [b.vm]: [] });
  // A replay, not a new snapshot: every seq after the cut once, in order (the simulator's jobs
  // publish on the same channel, so there are more than ours).
  const replayed = second.received.filter((m) => m.epoch === lastBeforeCut.epoch);
  expect(replayed.some((m) => m.type === 'snapshot' || m.type === 'resync')).toBe(false);
  const seqs = replayed.map((m) => m.seq);
  expect(seqs[0]).toBe(lastBeforeCut.seq + 1);
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  // Ours among them: both updates of a, and b's end.
  expect(replayed.filter((m) => m.data.job_id === a.id).map((m) => m.type)).toEqual([
    'progress_update',
    'progress_update',
  ]);
  expect(replayed.filter((m) => m.data.job_id === b.id).map((m) => m.type)).toContain('job_complete');
  expect(errors).toEqual([]);
  await page.close();
});

test('with WebSockets refused, auto polls and keeps updating, then returns to the socket', async () => {
  let refuse = true;
  let refused = 0;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.routeWebSocket(WS_PATH, (route) => {
    if (refuse) {
      refused += 1;
      void route.close({ code: 1013, reason: 'blocked by the test' });
      return;
    }
    route.connectToServer();
  });
  const queries: string[] = [];
  page.on('request', (req) => {
    const body = req.postData() ?? '';
    if (req.url().endsWith('/read/query') && body.includes('liveProgress')) queries.push(body);
  });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  await page.goto(`${host.url}/?user=viewer`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  await page.evaluate(() => ((window as unknown as { loadedOnce: number }).loadedOnce = 1));
  await page.evaluate(() => window.omaHost.mountApp({ page: 'overview', theme: 'light' }));

  const [a] = jobs;
  await page.waitForSelector('[data-testid="oma-overview"][data-live="polling"]', { timeout: 30_000 });
  expect(refused).toBeGreaterThan(0);
  await push(a.id, 80);
  await waitForProgress(page, { [a.vm]: ['80.0 %'], [jobs[1].vm]: [] });
  await push(a.id, 86.5);
  await waitForProgress(page, { [a.vm]: ['86.5 %'], [jobs[1].vm]: [] });
  expect(await stillSameDocument(page)).toBe(1);
  // Polling is the data source's own /query through the proxy's read route.
  expect(queries.length).toBeGreaterThanOrEqual(2);
  expect(JSON.parse(queries[0]).queries).toEqual([{ refId: 'running', queryType: 'liveProgress' }]);
  await page.screenshot({ path: screenshotPath('live-overview-polling.png'), fullPage: true });

  // The socket can be opened again: the page goes back to it and stops polling.
  refuse = false;
  await page.waitForSelector('[data-testid="oma-overview"][data-live="websocket"]', { timeout: 60_000 });
  await push(a.id, 91);
  await waitForProgress(page, { [a.vm]: ['91.0 %'], [jobs[1].vm]: [] });
  const polled = queries.length;
  await push(a.id, 95);
  await waitForProgress(page, { [a.vm]: ['95.0 %'], [jobs[1].vm]: [] });
  expect(queries.length).toBe(polled);
  expect(errors).toEqual([]);
  await page.close();
});

test('a dashboard panel with a streaming query updates as pushes arrive, without running its query again', async () => {
  const job = jobs[2];
  const page = await browser.newPage({ viewport: { width: 900, height: 500 } });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  await page.goto(`${host.url}/?user=viewer`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  // Any panel plugin shows the panel data path; ours says which query it expects.
  await mountPanel(page, {
    pluginId: 'oma-bulkmapping-panel',
    datasource: { type: DS_TYPE, uid: DS_UID },
    targets: [{ refId: 'A', queryType: 'liveProgress', view: 'jobs', job: job.id } as never],
    width: 880,
    height: 480,
  });
  const waitForRows = (rows: number) =>
    page.waitForFunction(
      (n) => window.omaHost.panel?.state === 'Streaming' && window.omaHost.panel?.frames[0]?.length === n,
      rows,
      { timeout: 30_000 },
    );
  await waitForRows(1);
  const before = await panelRecord(page);
  // The channel is asked for this job only.
  expect(new URL(sockets[0]).searchParams.get('job')).toBe(job.id);

  await push(job.id, 40);
  await page.waitForFunction((n) => (window.omaHost.panel?.renderCounter ?? 0) > n, before.renderCounter, {
    timeout: 30_000,
  });
  await push(job.id, 100, 'Succeeded');
  await waitForRows(0);
  const after = await panelRecord(page);
  expect(after.runs).toBe(1);
  expect(after.frames.map((f) => f.name)).toEqual(['live_progress']);
  expect(sockets).toHaveLength(1);
  expect(errors).toEqual([]);
  await page.close();
});

test('Save & test opens a live channel from the browser, and says what to check when it cannot', async () => {
  const page = await browser.newPage();
  await page.goto(`${host.url}/?user=viewer`);
  await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
    timeout: 30_000,
  });
  const test = (uid: string) =>
    page.evaluate(async (dsUid) => {
      await window.omaHost.mountDataSource(dsUid, { refId: 'A' });
      return window.omaHost.ds!.testDatasource();
    }, uid);
  const good = await test(DS_UID);
  expect(good.status).toBe('success');
  expect(good.message).toContain(`Live updates over WebSocket at ${server.url} work.`);
  const wrong = await test('oma-wrong-live-url');
  expect(wrong.status).toBe('warning');
  expect(wrong.message).toContain('accepts the read token');
  expect(wrong.message).toMatch(/could not be opened from this browser \(the socket closed with code 1006\)/);
  expect(wrong.message).toContain(`LIVE_ALLOWED_ORIGINS includes ${host.url}`);
  await page.close();
});
