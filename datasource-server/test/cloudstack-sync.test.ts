// The CloudStack network sync against a local server that behaves like CloudStack (signature
// check, listZones, paged listNetworks, error JSON), on every target: the connection comes from
// CLOUDSTACK_* on standalone targets and from the active ossea_configs row on attach targets.
import { Writable } from 'node:stream';
import cron from 'node-cron';
import type { CloudStackNetwork, Health } from '@oma-insights/contracts';
import { buildApp, LOG_REDACT, type App } from '../src/app';
import { parseApiTokens } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { InMemoryEventBus } from '../src/events/bus';
import {
  CALLER_ACCOUNT,
  cloudStackNetworks,
  FakeCloudStack,
  type FakeNetwork,
  type FakeZone,
} from './fake-cloudstack';
import {
  API_TOKENS,
  bearer,
  DB_TIMEZONE,
  isAttachTarget,
  openTarget,
  TARGETS,
  type TargetName,
  type TestStore,
} from './helper';

const API_KEY = 'fake-api-key-AbC123_-xyz';
const SECRET_KEY = 'fake-secret-key/with+odd=chars';
const PAGE_SIZE = 10;
const ZONES: FakeZone[] = [
  { id: 'zone-1', name: 'Zone One' },
  { id: 'zone-2', name: 'Zone Two' },
];

/** 25 ordinary networks plus three odd ones: 28 in all, three pages of 10. */
function cloudInventory(): FakeNetwork[] {
  return [
    ...cloudStackNetworks(ZONES, 25),
    { id: 'edge-no-name', account: CALLER_ACCOUNT, zoneid: 'zone-1', type: 'Shared' },
    { id: 'edge-long-name', name: 'L'.repeat(300), account: CALLER_ACCOUNT, zoneid: 'zone-1' },
    { id: 'edge-no-zonename', name: 'edge zone from listZones', account: CALLER_ACCOUNT, zoneid: 'zone-2' },
  ];
}

/** What the inventory must hold for an ordinary network (written from CloudStack's field names). */
function expectedNetwork(n: FakeNetwork): CloudStackNetwork {
  const tags = (n.tags as { key: string; value: string }[]).map(({ key, value }) => ({ key, value }));
  return {
    id: n.id as string,
    name: n.name as string,
    display_text: n.displaytext as string,
    state: n.state as string,
    zone_id: n.zoneid as string,
    zone_name: n.zonename as string,
    network_type: n.type as string,
    traffic_type: 'Guest',
    gateway: n.gateway as string,
    netmask: '255.255.255.0',
    cidr: n.cidr as string,
    vlan: n.vlan as string,
    broadcast_uri: n.broadcasturi as string,
    is_default: n.isdefault as boolean,
    is_shared: n.type === 'Shared',
    can_use_for_deploy: n.canusefordeploy as boolean,
    is_system: false,
    ...(tags.length ? { tags } : {}),
  };
}

interface SyncApp {
  app: App;
  opened: TestStore;
  /** Everything the app logged, as written (JSON lines). */
  log: () => string;
  dispose(): Promise<void>;
}

async function startApp(opened: TestStore, env: Record<string, string>): Promise<SyncApp> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = loadConfig({
    DB_URL: opened.url,
    DB_TIMEZONE,
    API_TOKENS,
    DEMO: '0',
    CLOUDSTACK_PAGE_SIZE: String(PAGE_SIZE),
    CLOUDSTACK_TIMEOUT_SECONDS: '1',
    // The other clock-driven work has its own tests; here health reflects the sync alone.
    ROLLUP: '0',
    HEALTH_SAMPLE_INTERVAL_SECONDS: '0',
    PERFORMANCE_BACKFILL_MINUTES: '0',
    CHANGE_FEED_INTERVAL_MS: '0',
    DETECTORS: '0',
    ...env,
  });
  const app = await buildApp({
    config,
    store: opened.store,
    mode: opened.mode,
    bus: new InMemoryEventBus(),
    tokens: parseApiTokens(API_TOKENS),
    logger: { level: 'trace', stream, redact: LOG_REDACT },
  });
  await app.ready();
  return {
    app,
    opened,
    log: () => lines.join(''),
    dispose: async () => {
      await app.close();
      await opened.dispose();
    },
  };
}

async function insertOsseaConfigs(
  opened: TestStore,
  rows: { name: string; url: string; key: string; secret: string; active: boolean }[],
) {
  const now = opened.store.time.toDb(Date.now());
  for (const row of rows) {
    await opened.store.db
      .insertInto('ossea_configs')
      .values({
        name: row.name,
        api_url: row.url,
        api_key: row.key,
        secret_key: row.secret,
        domain: null,
        zone: 'zone-1',
        network_id: null,
        created_at: now,
        updated_at: now,
        is_active: row.active ? 1 : 0,
      })
      .execute();
  }
}

describe.each(TARGETS)('CloudStack network sync on %s', (target: TargetName) => {
  const attach = isAttachTarget(target);
  const cs = new FakeCloudStack(API_KEY, SECRET_KEY);
  let t: SyncApp;

  const inventory = async (): Promise<CloudStackNetwork[]> => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/networks/available',
      headers: bearer('reader'),
    });
    expect(res.statusCode).toBe(200);
    return res.json().data;
  };
  const health = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
    return { statusCode: res.statusCode, body: res.json() as Health, text: res.body };
  };
  const sync = async () => {
    await t.app.cloudstackSync.run();
    return health();
  };
  /** Makes the next sync use a wrong secret: CloudStack's key rotated, or the row edited. */
  const useWrongSecret = async (wrong: boolean) => {
    if (attach) {
      await t.opened.store.db
        .updateTable('ossea_configs')
        .set({ secret_key: wrong ? 'not-the-secret-key' : SECRET_KEY })
        .where('name', '=', 'production')
        .execute();
    } else {
      cs.secretKey = wrong ? 'rotated-secret-key' : SECRET_KEY;
    }
  };

  beforeAll(async () => {
    cs.zones = ZONES;
    cs.networks = cloudInventory();
    await cs.start();
    const opened = await openTarget(target);
    if (attach) {
      await insertOsseaConfigs(opened, [
        {
          name: 'retired',
          url: 'http://127.0.0.1:1/client/api',
          key: 'retired-key',
          secret: 'retired-secret',
          active: false,
        },
        { name: 'production', url: cs.url, key: API_KEY, secret: SECRET_KEY, active: true },
      ]);
    }
    t = await startApp(
      opened,
      attach
        ? {}
        : { CLOUDSTACK_URL: cs.url, CLOUDSTACK_API_KEY: API_KEY, CLOUDSTACK_SECRET_KEY: SECRET_KEY },
    );
    await t.app.cloudstackSync.whenIdle(); // the run started with the server
  });
  afterAll(async () => {
    await t?.dispose();
    await cs.stop();
  });
  afterEach(async () => {
    cs.misbehaviour = null;
    cs.maxPageSize = 500;
    await useWrongSecret(false);
    if (!cs.listening) await cs.start();
  });

  test('the first sync runs at start, signed and paged, and stores every network with its fields', async () => {
    expect(cs.requests.length).toBeGreaterThan(0);
    expect(cs.requests.every((r) => r.signatureValid)).toBe(true);
    expect(cs.requests.map((r) => r.command)).toEqual([
      'listZones',
      'listNetworks',
      'listNetworks',
      'listNetworks',
    ]);
    for (const [i, r] of cs.requests.slice(1).entries()) {
      expect(r.params).toEqual(
        expect.objectContaining({
          listall: 'true',
          page: String(i + 1),
          pagesize: String(PAGE_SIZE),
          response: 'json',
        }),
      );
      expect(r.params).not.toHaveProperty('zoneid');
    }

    const stored = await inventory();
    const byId = new Map(stored.map((n) => [n.id, n]));
    const ordinary = cs.networks.slice(0, 25);
    // Networks of other accounts too: listall=true.
    expect(ordinary.some((n) => n.account !== CALLER_ACCOUNT)).toBe(true);
    expect(stored).toHaveLength(ordinary.length + 2);
    for (const n of ordinary) expect(byId.get(n.id as string)).toEqual(expectedNetwork(n));
    expect(byId.get(ordinary[5].id as string)?.name).toBe('PROD-net-5 Zürich 东京');
    expect(byId.get('edge-long-name')?.name).toBe('L'.repeat(255));
    expect(byId.get('edge-no-zonename')).toEqual(
      expect.objectContaining({ zone_id: 'zone-2', zone_name: 'Zone Two' }),
    );
    expect(byId.has('edge-no-name')).toBe(false);
    expect(t.log()).toContain('1 networks skipped, 1 values too long for their column shortened or left out');
  });

  test('health shows the last sync, its source, count and the next scheduled run', async () => {
    const before = Date.now();
    const { statusCode, body } = await health();
    expect(statusCode).toBe(200);
    expect(body.status).toBe('ok');
    const check = body.checks.cloudstack_sync;
    expect(check.status).toBe('ok');
    expect(check.sync).toEqual({
      source: attach ? 'ossea_configs' : 'environment',
      interval_minutes: 5,
      running: false,
      last_attempt_at: expect.any(String),
      last_success_at: expect.any(String),
      last_duration_ms: expect.any(Number),
      network_count: 27,
      skipped: 1,
      last_error: null,
      next_run_at: expect.any(String),
    });
    const next = Date.parse(check.sync!.next_run_at!);
    expect(next).toBeGreaterThan(before);
    expect(next).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
  });

  test('a later sync replaces the inventory: dropped networks go, renamed and new ones show', async () => {
    const previous = cs.networks;
    cs.networks = [
      ...previous
        .slice(0, 10)
        .map((n, i) => (i === 2 ? { ...n, name: 'renamed-net', state: 'Implemented' } : n)),
      { ...previous[20], id: 'brand-new', name: 'brand new' },
    ];
    try {
      const { statusCode } = await sync();
      expect(statusCode).toBe(200);
      const stored = await inventory();
      expect(stored.map((n) => n.id).sort()).toEqual([...cs.networks.map((n) => n.id as string)].sort());
      expect(stored.find((n) => n.id === previous[2].id)).toEqual(
        expect.objectContaining({ name: 'renamed-net', state: 'Implemented' }),
      );
      expect(stored.find((n) => n.id === 'brand-new')?.name).toBe('brand new');
      expect((await health()).body.checks.cloudstack_sync.sync?.network_count).toBe(11);
    } finally {
      cs.networks = previous;
      await sync();
    }
    expect(await inventory()).toHaveLength(27);
  });

  describe('a failing sync is visible in health and leaves the inventory as it was', () => {
    let before: CloudStackNetwork[];
    beforeEach(async () => {
      before = await inventory();
      expect(before).toHaveLength(27);
    });
    const expectDown = async (reason: string | RegExp) => {
      const { statusCode, body } = await sync();
      expect(statusCode).toBe(503);
      expect(body.status).toBe('degraded');
      const check = body.checks.cloudstack_sync;
      expect(check.status).toBe('down');
      expect(check.sync?.last_error).toMatch(reason);
      expect(body.reasons).toContainEqual(expect.stringMatching(/^cloudstack_sync down: sync failed: /));
      expect(await inventory()).toEqual(before);
      return body;
    };

    test('a wrong secret: CloudStack answers 401 and says why', async () => {
      await useWrongSecret(true);
      await expectDown('listZones: 401 unable to verify user credentials and/or request signature');
      expect(cs.requests.at(-1)?.signatureValid).toBe(false);
      // Corrected, the next run succeeds and health is fine again.
      await useWrongSecret(false);
      const { statusCode, body } = await sync();
      expect(statusCode).toBe(200);
      expect(body.checks.cloudstack_sync.sync?.last_error).toBeNull();
    });

    test('CloudStack down: connection refused', async () => {
      await cs.stop();
      await expectDown('listZones: connection refused');
    });

    test('no answer: the request times out', async () => {
      cs.misbehaviour = { kind: 'hang', command: 'listNetworks', page: 2 };
      await expectDown('listNetworks: no answer within 1 s');
    });

    test('malformed JSON on the second page', async () => {
      cs.misbehaviour = { kind: 'malformed-json', command: 'listNetworks', page: 2 };
      await expectDown('listNetworks: malformed JSON in the answer (HTTP 200)');
    });

    test('an answer whose network list is not a list', async () => {
      cs.misbehaviour = { kind: 'not-a-list', command: 'listNetworks' };
      await expectDown('listNetworks: "network" in the answer is not a list');
    });

    test("a proxy's error page (quoting the signed URL) is reported without it", async () => {
      cs.misbehaviour = { kind: 'proxy-error-page' };
      const body = await expectDown(/^listZones: HTTP 502 without a CloudStack answer$/);
      expect(JSON.stringify(body)).not.toMatch(/apikey|signature=/i);
    });

    test('CloudStack refuses a page size above its default.page.size (431)', async () => {
      cs.maxPageSize = 5;
      await expectDown("listNetworks: 431 Page size can't exceed max allowed page size value: 5");
    });
  });

  test('runs never overlap: concurrent triggers, the cron task included, join the running one', async () => {
    const zonesBefore = cs.requests.filter((r) => r.command === 'listZones').length;
    const task = [...cron.getTasks().values()].find((k) => k.name === 'cloudstack-network-sync');
    expect(task).toBeDefined();
    const first = t.app.cloudstackSync.run();
    await Promise.all([first, t.app.cloudstackSync.run(), task!.execute(), t.app.cloudstackSync.run()]);
    expect(cs.requests.filter((r) => r.command === 'listZones').length).toBe(zonesBefore + 1);
    // Once idle, the cron task starts a new run of its own.
    await task!.execute();
    await t.app.cloudstackSync.whenIdle();
    expect(cs.requests.filter((r) => r.command === 'listZones').length).toBe(zonesBefore + 2);
  });

  test('keys and signatures are never logged or returned, whether a sync fails or succeeds', async () => {
    await useWrongSecret(true);
    expect((await sync()).statusCode).toBe(503);
    cs.misbehaviour = { kind: 'proxy-error-page' };
    expect((await sync()).statusCode).toBe(503);
    cs.misbehaviour = null;
    await useWrongSecret(false);
    const { statusCode, text: healthText } = await sync();
    expect(statusCode).toBe(200);

    const log = t.log();
    // The capture works: both outcomes are in it.
    expect(log).toContain('cloudstack network sync failed');
    expect(log).toContain('cloudstack networks synced');
    const signatures = cs.requests.map((r) => r.params.signature).filter(Boolean);
    expect(signatures.length).toBeGreaterThan(5);
    const inventoryText = JSON.stringify(await inventory());
    for (const text of [log, healthText, inventoryText]) {
      for (const secret of [
        API_KEY,
        SECRET_KEY,
        encodeURIComponent(SECRET_KEY),
        'not-the-secret-key',
        'rotated-secret-key',
      ]) {
        expect(text).not.toContain(secret);
      }
      for (const signature of signatures) {
        expect(text).not.toContain(signature);
        expect(text).not.toContain(encodeURIComponent(signature));
      }
    }
    // Health is public: no host or port of CloudStack either.
    expect(healthText).not.toContain(new URL(cs.url).host);
  });

  if (attach) {
    test('attach mode: only the active ossea_configs row is used, edits apply at the next run', async () => {
      expect(cs.requests.every((r) => r.params.apikey === API_KEY)).toBe(true);
      const db = t.opened.store.db;
      // Another row becomes the active one: the next run signs with its key, and CloudStack refuses it.
      await db.updateTable('ossea_configs').set({ is_active: 0 }).where('name', '=', 'production').execute();
      await db
        .updateTable('ossea_configs')
        .set({ is_active: 1, api_url: cs.url })
        .where('name', '=', 'retired')
        .execute();
      try {
        const down = await sync();
        expect(cs.requests.at(-1)?.params.apikey).toBe('retired-key');
        expect(down.body.checks.cloudstack_sync.sync?.last_error).toContain('401');

        // No active row: nothing is requested, health says what it waits for, the inventory stays.
        await db.updateTable('ossea_configs').set({ is_active: 0 }).execute();
        const requests = cs.requests.length;
        const idle = await sync();
        expect(cs.requests.length).toBe(requests);
        expect(idle.statusCode).toBe(200);
        expect(idle.body.checks.cloudstack_sync).toEqual(
          expect.objectContaining({
            status: 'disabled',
            message: 'waiting for an active ossea_configs row (is_active = 1)',
          }),
        );
        expect(await inventory()).toHaveLength(27);

        // A row with an unusable URL is reported by name, never with its keys.
        await db
          .updateTable('ossea_configs')
          .set({ is_active: 1, api_url: 'ftp://cloudstack/client/api' })
          .where('name', '=', 'production')
          .execute();
        const broken = await sync();
        expect(broken.body.checks.cloudstack_sync.sync?.last_error).toBe(
          'ossea_configs "production": api_url must be an http:// or https:// URL',
        );
      } finally {
        await db
          .updateTable('ossea_configs')
          .set({ is_active: 0, api_url: 'http://127.0.0.1:1/client/api' })
          .where('name', '=', 'retired')
          .execute();
        await db
          .updateTable('ossea_configs')
          .set({ is_active: 1, api_url: cs.url })
          .where('name', '=', 'production')
          .execute();
      }
      expect((await sync()).statusCode).toBe(200);
    });
  }
});

describe('CloudStack network sync: scheduling', () => {
  test('standalone without CLOUDSTACK_*: nothing is scheduled or requested, health says how to configure it', async () => {
    const cs = new FakeCloudStack(API_KEY, SECRET_KEY);
    await cs.start();
    const tasks = () =>
      [...cron.getTasks().values()].filter((k) => k.name === 'cloudstack-network-sync').length;
    const tasksBefore = tasks();
    const t = await startApp(await openTarget('sqlite'), {});
    try {
      expect(t.app.cloudstackSync.source).toBeNull();
      expect(tasks()).toBe(tasksBefore);
      await t.app.cloudstackSync.run();
      expect(cs.requests).toHaveLength(0);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json().checks.cloudstack_sync).toEqual({
        status: 'disabled',
        message:
          'not configured: set CLOUDSTACK_URL, CLOUDSTACK_API_KEY and CLOUDSTACK_SECRET_KEY, or attach to an OMA database',
      });
    } finally {
      await t.dispose();
      await cs.stop();
    }
  });

  test('CLOUDSTACK_SYNC=0 turns a configured sync off', async () => {
    const cs = new FakeCloudStack(API_KEY, SECRET_KEY);
    await cs.start();
    const t = await startApp(await openTarget('sqlite'), {
      CLOUDSTACK_URL: cs.url,
      CLOUDSTACK_API_KEY: API_KEY,
      CLOUDSTACK_SECRET_KEY: SECRET_KEY,
      CLOUDSTACK_SYNC: '0',
    });
    try {
      await t.app.cloudstackSync.run();
      expect(cs.requests).toHaveLength(0);
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
      expect(res.json().checks.cloudstack_sync).toEqual({
        status: 'disabled',
        message: 'turned off (CLOUDSTACK_SYNC=0)',
      });
    } finally {
      await t.dispose();
      await cs.stop();
    }
  });

  test('configured: scheduled while the server runs, unscheduled when it closes', async () => {
    const cs = new FakeCloudStack(API_KEY, SECRET_KEY);
    cs.zones = ZONES;
    cs.networks = cloudStackNetworks(ZONES, 3);
    await cs.start();
    const tasks = () =>
      [...cron.getTasks().values()].filter((k) => k.name === 'cloudstack-network-sync').length;
    const tasksBefore = tasks();
    const t = await startApp(await openTarget('sqlite'), {
      CLOUDSTACK_URL: cs.url,
      CLOUDSTACK_API_KEY: API_KEY,
      CLOUDSTACK_SECRET_KEY: SECRET_KEY,
      CLOUDSTACK_SYNC_INTERVAL_MINUTES: '15',
    });
    try {
      expect(tasks()).toBe(tasksBefore + 1);
      await t.app.cloudstackSync.whenIdle();
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
      expect(res.json().checks.cloudstack_sync.sync).toEqual(
        expect.objectContaining({ interval_minutes: 15, network_count: 3 }),
      );
    } finally {
      await t.dispose();
      await cs.stop();
    }
    expect(tasks()).toBe(tasksBefore);
  });

  test('closing the server aborts a sync in flight instead of waiting for CloudStack', async () => {
    const cs = new FakeCloudStack(API_KEY, SECRET_KEY);
    cs.zones = ZONES;
    cs.misbehaviour = { kind: 'hang' };
    await cs.start();
    const t = await startApp(await openTarget('sqlite'), {
      CLOUDSTACK_URL: cs.url,
      CLOUDSTACK_API_KEY: API_KEY,
      CLOUDSTACK_SECRET_KEY: SECRET_KEY,
      CLOUDSTACK_TIMEOUT_SECONDS: '600',
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/debug/health' });
      expect(res.json().checks.cloudstack_sync).toEqual(
        expect.objectContaining({ status: 'ok', message: 'first sync running' }),
      );
      expect(res.json().checks.cloudstack_sync.sync.running).toBe(true);
    } finally {
      await t.dispose(); // would wait ten minutes if close did not abort the request
      await cs.stop();
    }
    expect(t.log()).toContain('cloudstack network sync stopped: the server is closing');
    expect(t.log()).not.toContain('cloudstack network sync failed');
  });
});
