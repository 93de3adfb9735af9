/**
 * The OMA Network topology panel (oma-networktopology-panel) in Chromium, rendered by the host the
 * way a Grafana dashboard renders a panel: its queries through the data source and the route
 * proxy to the real server with its demo world; and the app's Network mapping page, which renders
 * it with PanelRenderer. What the panel shows is compared with what the server's REST API says.
 */
import type { DataFrameDTO, FieldType } from '@grafana/data';
import type { WireQueryResponse } from '@oma-insights/contracts/frames';
import type { RecommendationList, Topology } from '@oma-insights/contracts/network-mapping';
import type { Page } from 'playwright-core';

import { screenshotPath } from './lib/browser';
import { mountPanel, panelRecord, renderPanel } from './lib/panel';
import { APP_ID, DS_REF, panelSuite } from './lib/panel-suite';

const suite = panelSuite();

const PANEL_ID = 'oma-networktopology-panel';
/** The panel's default: recommendations below this score are not drawn. */
const MIN_SCORE = 0.2;

const topology = (failoverType: 'live' | 'test') =>
  suite.serverJson<Topology>(`/api/v1/networks/topology?failover_type=${failoverType}`);

/** The recommended edges the panel should draw: top candidate of each unmapped source, if scored enough. */
async function expectedRecommendations(failoverType: 'live' | 'test') {
  const [topo, recs] = await Promise.all([
    topology(failoverType),
    suite.serverJson<RecommendationList>(
      `/api/v1/networks/recommendations?failover_type=${failoverType}&unmapped_only=true`,
    ),
  ]);
  const unmapped = new Set(
    topo.nodes.filter((n) => n.kind === 'source' && n.state === 'unmapped').map((n) => n.name),
  );
  return recs.data
    .filter((r) => unmapped.has(r.source_network) && r.candidates[0] && r.candidates[0].score >= MIN_SCORE)
    .map((r) => ({
      sourceNetwork: r.source_network,
      vmCount: r.vm_count,
      id: `rec:src:${r.source_network}->dst:${r.candidates[0].network_id}`,
      networkId: r.candidates[0].network_id,
      networkName: r.candidates[0].network_name,
    }));
}

/** One row per (VM, NIC network) with its live and test mapping, as the server's query API answers. */
async function networkVms(sourceNetwork: string) {
  const to = new Date();
  const body = await suite.serverJson<WireQueryResponse>('/api/v1/query', {
    method: 'POST',
    body: JSON.stringify({
      range: { from: new Date(to.getTime() - 3600_000).toISOString(), to: to.toISOString() },
      queries: [{ refId: 'V', queryType: 'networkVms', sourceNetwork }],
    }),
  });
  const fields = body.results.V.frames[0].fields;
  const col = (name: string) => fields.find((f) => f.name === name)!.values as Array<string | null>;
  return col('vm_name').map((vm, i) => ({ vm: vm as string, live: col('live_network_id')[i] }));
}

const TARGETS = [
  { refId: 'A', queryType: 'networkTopology', failoverType: 'live', datasource: DS_REF },
  {
    refId: 'B',
    queryType: 'networkRecommendations',
    failoverType: 'live',
    unmappedOnly: true,
    datasource: DS_REF,
  },
  { refId: 'C', queryType: 'networkVms', datasource: DS_REF },
];

async function openPanel(user: string, width = 1280, height = 800, theme: 'light' | 'dark' = 'dark') {
  const hp = await suite.openHostPage(user);
  const mounted = await mountPanel(hp.page, {
    pluginId: PANEL_ID,
    targets: TARGETS,
    datasource: DS_REF,
    width,
    height,
    title: 'Network topology',
    theme,
  });
  expect(mounted).toEqual({ pluginId: PANEL_ID, type: 'panel' });
  await hp.page.getByTestId('oma-topology-graph').locator('.react-flow__node').first().waitFor();
  return hp;
}

/** The toolbar's counts, e.g. "42 VMware · 85 CloudStack networks (60 unused not shown) · 22 unmapped …". */
const countsText = (page: Page) => page.getByTestId('oma-topology-counts').textContent();

/** Every edge drawn: fit the whole graph into view first (only what is on screen is rendered). */
async function drawnEdges(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'Fit View' }).click();
  await page.waitForTimeout(300);
  return page.$$eval('[data-testid^="oma-edge-"]', (els) =>
    els.map((e) => (e as HTMLElement).dataset.testid!.slice('oma-edge-'.length)).sort(),
  );
}

async function findNetwork(page: Page, name: string) {
  const input = page.getByRole('textbox', { name: 'Find network' });
  await input.fill(name);
  await input.press('Enter');
}

const details = (page: Page) => page.getByTestId('oma-topology-details');

describe('the network topology panel', () => {
  test.each([
    [1280, 800, 'dark'],
    [1920, 1080, 'light'],
  ] as const)(
    'renders the demo world at %i×%i (%s theme) as the server has it',
    async (width, height, theme) => {
      const live = await topology('live');
      const sources = live.nodes.filter((n) => n.kind === 'source');
      const destinations = live.nodes.filter((n) => n.kind === 'destination');
      const used = new Set(live.edges.map((e) => e.target));
      const recs = await expectedRecommendations('live');
      for (const r of recs) used.add(`dst:${r.networkId}`);
      const count = (state: string) => sources.filter((s) => s.state === state).length;
      const invalid = live.edges.filter((e) => e.validation_status === 'invalid').length;

      const { page, errors } = await openPanel('editor', width, height, theme);
      const counts = await countsText(page);
      expect(counts).toContain(`${sources.length} VMware · ${destinations.length} CloudStack networks`);
      expect(counts).toContain(`(${destinations.length - used.size} unused not shown)`);
      expect(counts).toContain(`${count('unmapped')} unmapped`);
      expect(counts).toContain(`${count('partial')} partly mapped`);
      if (invalid > 0) expect(counts).toContain(`${invalid} invalid`);
      await page.getByRole('list', { name: 'Legend' }).getByText('Recommended').waitFor();
      await page.screenshot({ path: screenshotPath(`network-topology-${width}x${height}.png`) });

      // Every mapping and every recommendation is an edge, nothing else.
      expect(await drawnEdges(page)).toEqual(
        [...live.edges.map((e) => e.id), ...recs.map((r) => r.id)].sort(),
      );
      await page.screenshot({ path: screenshotPath(`network-topology-${width}x${height}-all.png`) });

      // Rendered like a dashboard panel: one run of its queries, the options' defaults applied.
      const record = await panelRecord(page);
      expect(record).toEqual(
        expect.objectContaining({ runs: 1, refreshEvents: 0, state: 'Done', errors: [] }),
      );
      expect(record.options).toEqual(
        expect.objectContaining({
          failoverType: 'live',
          direction: 'LR',
          minScore: MIN_SCORE,
          showUnmapped: true,
        }),
      );
      expect(record.frames.map((f) => f.name).sort()).toEqual([
        'edges',
        'network_vms',
        'nodes',
        'recommendations',
      ]);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  test('the live/test switch shows the test failover mappings, queried through the data source', async () => {
    const [live, test] = await Promise.all([topology('live'), topology('test')]);
    const testRecs = await expectedRecommendations('test');
    expect(test.edges.map((e) => e.id).sort()).not.toEqual(live.edges.map((e) => e.id).sort());
    const { page, errors } = await openPanel('editor');
    const before = suite.host.requestLog.length;

    await page.getByRole('radio', { name: 'Test' }).click();
    const unmappedTest = test.nodes.filter((n) => n.kind === 'source' && n.state === 'unmapped').length;
    await page.getByTestId('oma-topology-counts').getByText(`${unmappedTest} unmapped`).waitFor();
    await page.screenshot({ path: screenshotPath('network-topology-test-failover.png') });
    expect(await drawnEdges(page)).toEqual(
      [...test.edges.map((e) => e.id), ...testRecs.map((r) => r.id)].sort(),
    );
    // The panel ran its own queries again with the test failover type, through the proxy.
    const queries = suite.host.requestLog
      .slice(before)
      .filter((r) => r.path.endsWith('/read/query'))
      .flatMap((r) => (r.body as { queries: Array<{ queryType: string; failoverType?: string }> }).queries);
    expect(queries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ queryType: 'networkTopology', failoverType: 'test' }),
        expect.objectContaining({ queryType: 'networkRecommendations', failoverType: 'test' }),
      ]),
    );
    await page.getByRole('radio', { name: 'Live' }).click();
    expect(await drawnEdges(page)).toEqual(
      [...live.edges.map((e) => e.id), ...(await expectedRecommendations('live')).map((r) => r.id)].sort(),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('clicking a mapping lists the VMs behind it', async () => {
    const live = await topology('live');
    const edge = [...live.edges].sort((a, b) => b.vm_count - a.vm_count)[0];
    const sourceNetwork = edge.source.slice('src:'.length);
    const networkId = edge.target.slice('dst:'.length);
    const networkName = live.nodes.find((n) => n.id === edge.target)!.name;
    const expected = (await networkVms(sourceNetwork)).filter((r) => r.live === networkId).map((r) => r.vm);
    expect(expected).toHaveLength(edge.vm_count);

    const { page, errors } = await openPanel('viewer');
    await findNetwork(page, sourceNetwork);
    await page.getByTestId(`oma-edge-${edge.id}`).click();
    const pane = details(page);
    await pane.getByText(`${sourceNetwork} → ${networkName}`).waitFor();
    const listed = await pane
      .getByRole('listitem')
      .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.vm ?? ''));
    expect(listed.sort()).toEqual([...expected].sort());
    await page.screenshot({ path: screenshotPath('network-topology-edge-vms.png') });

    // A source network lists every VM with a NIC on it.
    const all = (await networkVms(sourceNetwork)).map((r) => r.vm);
    await page.getByTestId(`oma-network-src:${sourceNetwork}`).click();
    await pane.getByText('VMware network: the VMs with a NIC on it', { exact: false }).waitFor();
    await expect(pane.getByRole('listitem').count()).resolves.toBe(all.length);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a Viewer sees a recommendation read-only, with the reason, and cannot apply it', async () => {
    const [rec] = await expectedRecommendations('live');
    expect(rec).toBeDefined();
    const { page, errors } = await openPanel('viewer');
    const before = suite.host.requestLog.length;
    await findNetwork(page, rec.sourceNetwork);
    await page.getByTestId(`oma-edge-${rec.id}`).click();
    const pane = details(page);
    await pane.getByText('Recommended mapping', { exact: false }).waitFor();
    await pane
      .getByText('Read-only: changing network mappings needs the Editor role (you are Viewer).')
      .waitFor();
    await expect(pane.getByRole('button', { name: /^Apply/ }).count()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('network-topology-viewer-recommendation.png') });
    expect(suite.host.requestLog.slice(before).filter((r) => r.path.includes('/write/'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an Editor applies a recommended edge: every VM of the network is mapped, and the panel refreshes', async () => {
    const recs = await expectedRecommendations('live');
    // The one with the most VMs, so the change is visible.
    const rec = [...recs].sort((a, b) => b.vmCount - a.vmCount)[0];
    const vms = (await networkVms(rec.sourceNetwork)).map((r) => r.vm);
    expect(vms.length).toBeGreaterThan(0);

    const { page, errors } = await openPanel('editor');
    await findNetwork(page, rec.sourceNetwork);
    await page.getByTestId(`oma-edge-${rec.id}`).click();
    const pane = details(page);
    const apply = pane.getByRole('button', { name: `Apply: map ${rec.sourceNetwork} to ${rec.networkName}` });
    await apply.click();
    await pane.getByText('Applied', { exact: true }).waitFor();
    await expect(pane.textContent()).resolves.toMatch(/Mapped \d+ NICs? \(\d+ new, 0 changed, 0 unchanged\)/);

    // The database: each VM of the network now maps it to the recommended network for live failover.
    const mappings = await suite.serverJson<{
      mappings: Array<{ vm_id: string; destination_network_id: string; is_test_network: boolean }>;
    }>(
      `/api/v1/network-mappings?source_network_name=${encodeURIComponent(rec.sourceNetwork)}&is_test_network=false`,
    );
    expect(mappings.mappings.map((m) => [m.vm_id, m.destination_network_id]).sort()).toEqual(
      vms.map((vm) => [vm, rec.networkId]).sort(),
    );
    // Through the write route, with the write token and an Idempotency-Key, once.
    const writes = suite.host.upstreamLog.filter((r) => r.url.endsWith('/api/v1/networks/bulk-mapping'));
    expect(writes).toEqual([
      expect.objectContaining({
        user: 'editor',
        method: 'POST',
        authorization: `Bearer ${suite.server.tokens.write}`,
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{32,36}$/),
      }),
    ]);
    // Audited under the write token's name, one entry per VM.
    const audit = await suite.serverJson<{
      entries: Array<{ action: string; vm_id: string; after: string | null; actor: string }>;
    }>(`/api/v1/network-mappings/audit?source_network_name=${encodeURIComponent(rec.sourceNetwork)}`);
    expect(audit.entries.map((a) => [a.vm_id, a.action, a.after, a.actor]).sort()).toEqual(
      vms.map((vm) => [vm, 'created', rec.networkId, 'writer']).sort(),
    );

    // The panel published a RefreshEvent; its queries ran again and the edge is now a mapping.
    await page.getByTestId(`oma-edge-src:${rec.sourceNetwork}->dst:${rec.networkId}`).waitFor();
    await expect(page.getByTestId(`oma-edge-${rec.id}`).count()).resolves.toBe(0);
    const record = await panelRecord(page);
    expect(record.refreshEvents).toBe(1);
    expect(record.runs).toBe(2);
    await page.screenshot({ path: screenshotPath('network-topology-applied.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** Frames as the server lays them out, for 300 VMware and 300 CloudStack networks. */
function largeWorld(n: number) {
  const envs = ['prod', 'stage', 'uat', 'dev', 'dr'];
  const roles = ['web', 'app', 'db', 'sql', 'backup', 'dmz', 'mgmt', 'voice', 'k8s', 'vdi'];
  const source = (i: number) => `dvPG-${envs[i % 5]}-${roles[Math.floor(i / 5) % 10]}-vlan${1000 + i}`;
  const destination = (j: number) => `guest-${envs[j % 5]}-${roles[Math.floor(j / 5) % 10]}-${1000 + j}`;
  const nodes = [
    ...Array.from({ length: n }, (_, i) => ({
      id: `src:${source(i)}`,
      title: source(i),
      vms: 1 + (i % 7),
      unmapped: i % 5 === 4 ? 1 + (i % 7) : 0,
      kind: 'source',
      state: i % 5 === 4 ? 'unmapped' : 'mapped',
    })),
    ...Array.from({ length: n }, (_, j) => ({
      id: `dst:net-${j}`,
      title: destination(j),
      vms: 0,
      unmapped: 0,
      kind: 'destination',
      state: 'Implemented',
    })),
  ];
  const edges = Array.from({ length: n }, (_, i) => i)
    .filter((i) => i % 5 !== 4)
    .map((i) => ({
      source: `src:${source(i)}`,
      target: `dst:net-${i}`,
      vms: 1 + (i % 7),
      status: i % 23 === 0 ? 'invalid' : 'valid',
    }));
  const recs = Array.from({ length: n }, (_, i) => i).filter((i) => i % 5 === 4);
  const col = <T>(name: string, type: `${FieldType}`, values: T[]) => ({
    name,
    type: type as FieldType,
    values,
  });
  return {
    sources: nodes.filter((x) => x.kind === 'source').map((x) => x.title),
    invalid: edges.filter((x) => x.status === 'invalid').length,
    frames: <DataFrameDTO[]>[
      {
        name: 'nodes',
        refId: 'A',
        meta: { preferredVisualisationType: 'nodeGraph' },
        fields: [
          col(
            'id',
            'string',
            nodes.map((x) => x.id),
          ),
          col(
            'title',
            'string',
            nodes.map((x) => x.title),
          ),
          col(
            'mainstat',
            'number',
            nodes.map((x) => x.vms),
          ),
          col(
            'secondarystat',
            'number',
            nodes.map((x) => x.unmapped),
          ),
          col(
            'detail__kind',
            'string',
            nodes.map((x) => x.kind),
          ),
          col(
            'detail__state',
            'string',
            nodes.map((x) => x.state),
          ),
        ],
      },
      {
        name: 'edges',
        refId: 'A',
        meta: { preferredVisualisationType: 'nodeGraph' },
        fields: [
          col(
            'id',
            'string',
            edges.map((x) => `${x.source}->${x.target}`),
          ),
          col(
            'source',
            'string',
            edges.map((x) => x.source),
          ),
          col(
            'target',
            'string',
            edges.map((x) => x.target),
          ),
          col(
            'mainstat',
            'number',
            edges.map((x) => x.vms),
          ),
          col(
            'detail__validation_status',
            'string',
            edges.map((x) => x.status),
          ),
        ],
      },
      {
        name: 'recommendations',
        refId: 'B',
        fields: [
          col('source_network', 'string', recs.map(source)),
          col(
            'vm_count',
            'number',
            recs.map((i) => 1 + (i % 7)),
          ),
          col(
            'rank',
            'number',
            recs.map(() => 1),
          ),
          col(
            'network_id',
            'string',
            recs.map((i) => `net-${i}`),
          ),
          col('network_name', 'string', recs.map(destination)),
          col(
            'score',
            'number',
            recs.map(() => 0.9),
          ),
          col(
            'reasons',
            'string',
            recs.map(() => 'name words match'),
          ),
        ],
      },
    ],
  };
}

describe('the network topology panel at 300 × 300 networks', () => {
  test('starts readable at the top, finds a network far down, and shows everything when fitted', async () => {
    const world = largeWorld(300);
    const { page, errors } = await suite.openHostPage('viewer');
    await renderPanel(page, {
      pluginId: PANEL_ID,
      title: 'Network topology',
      frames: world.frames,
      width: 1920,
      height: 1080,
    });
    const graph = page.getByTestId('oma-topology-graph');
    await graph.locator('.react-flow__node').first().waitFor();
    await expect(countsText(page)).resolves.toContain(
      `300 VMware · 300 CloudStack networks · 60 unmapped · ${world.invalid} invalid`,
    );
    const zoom = () =>
      page.$eval('.react-flow__viewport', (el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
    // Readable: not shrunk to fit 600 networks into 1080 pixels.
    await expect(zoom()).resolves.toBeGreaterThanOrEqual(0.6);
    // Only what is on screen is drawn.
    const drawn = await graph.locator('.react-flow__node-network').count();
    expect(drawn).toBeGreaterThan(20);
    expect(drawn).toBeLessThan(200);
    await page.screenshot({ path: screenshotPath('network-topology-300x300.png') });

    const last = world.sources[world.sources.length - 1];
    await findNetwork(page, last);
    const node = page.getByTestId(`oma-network-src:${last}`);
    await node.waitFor();
    const [box, area] = await Promise.all([node.boundingBox(), graph.boundingBox()]);
    expect(box!.y).toBeGreaterThan(area!.y);
    expect(box!.y + box!.height).toBeLessThan(area!.y + area!.height);
    await details(page).getByText('VMware network: the VMs with a NIC on it', { exact: false }).waitFor();
    await page.screenshot({ path: screenshotPath('network-topology-300x300-found.png') });

    await page.getByRole('button', { name: 'Fit View' }).click();
    // Fit View moves the viewport over a few frames; the off-screen nodes are drawn once it lands.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid="oma-topology-graph"] .react-flow__node-network').length ===
        600,
      undefined,
      { timeout: 10_000 },
    );
    await expect(graph.locator('.react-flow__node-network').count()).resolves.toBe(600);
    await page.screenshot({ path: screenshotPath('network-topology-300x300-all.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the Network mapping app page', () => {
  test('shows the summary and the topology panel full-size', async () => {
    const live = await topology('live');
    const unmapped = live.nodes.filter((n) => n.kind === 'source' && n.state !== 'mapped').length;
    const invalid = live.edges.filter((e) => e.validation_status === 'invalid').length;
    const { page, errors } = await suite.openHostPage('editor');
    await page.setViewportSize({ width: 1920, height: 1080 });
    const mounted = await page.evaluate(() =>
      window.omaHost.mountApp({ page: 'network-mapping', theme: 'dark' }),
    );
    expect(mounted).toEqual({ pluginId: APP_ID, enabled: true });
    const summary = page.getByTestId('oma-mapping-summary');
    await summary.waitFor();
    // The figures come when the page's queries have answered.
    await summary.getByTestId('summary-unmapped').getByText(String(unmapped), { exact: true }).waitFor();
    await summary.getByTestId('summary-invalid').getByText(String(invalid), { exact: true }).waitFor();
    const panel = page.getByTestId('oma-topology-panel');
    await panel.locator('.react-flow__node').first().waitFor();
    const box = await panel.boundingBox();
    expect(box!.width).toBeGreaterThan(1600);
    expect(box!.height).toBeGreaterThan(600);
    await page.screenshot({ path: screenshotPath('app-network-mapping.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('both network panels with no data', () => {
  test.each([
    ['oma-networktopology-panel', 'Network topology', 'No network topology', 'dark'],
    ['oma-bulkmapping-panel', 'Bulk mapping', 'Add a "Network VMs" query', 'light'],
  ] as const)('%s says what is missing (%s, %s theme)', async (pluginId, title, message, theme) => {
    const { page, errors } = await suite.openHostPage('editor');
    await renderPanel(page, { pluginId, title, frames: [], width: 900, height: 400, theme });
    await page.getByText(message, { exact: false }).waitFor();
    await page.screenshot({ path: screenshotPath(`${pluginId}-no-data-${theme}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });
});
