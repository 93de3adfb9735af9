/**
 * The OMA Bulk mapping panel (oma-bulkmapping-panel) in Chromium, rendered by the host the way a
 * Grafana dashboard renders a panel: the bundled Network Mapping dashboard's queries through the
 * data source and the route proxy to the real server with its demo world; changes go through the
 * data source's write route. What the panel shows and changes is checked with the server's API.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { DataFrameDTO, FieldType } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import type { WireQueryResponse } from '@oma-insights/contracts/frames';
import type {
  BulkMappingRequest,
  BulkMappingResult,
  RecommendationList,
} from '@oma-insights/contracts/network-mapping';
import type { Page } from 'playwright-core';

import { screenshotPath } from './lib/browser';
import { REPO_ROOT } from './lib/host-server';
import { mountPanel, panelRecord, renderPanel } from './lib/panel';
import { APP_ID, DS_TYPE, DS_UID, panelSuite } from './lib/panel-suite';

const suite = panelSuite();

const PANEL_ID = 'oma-bulkmapping-panel';
const BULK_PATH = '/api/v1/networks/bulk-mapping';

/** The panel as the bundled Network Mapping dashboard has it (its queries and options). */
const DASHBOARD_PANEL = (() => {
  const file = path.join(REPO_ROOT, 'plugins/oma-app/src/dashboards/network-mapping.json');
  const dashboard = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    panels: Array<{ type: string; targets: DataQuery[]; options: Record<string, unknown> }>;
  };
  const panel = dashboard.panels.find((p) => p.type === PANEL_ID);
  if (!panel) throw new Error(`${file} has no ${PANEL_ID} panel`);
  return panel;
})();
/** The dashboard's variables as a fresh dashboard has them: every vCenter and datacenter, live failover. */
const DASHBOARD_VARIABLES = { vcenter: '__all', datacenter: '__all', failover_type: 'live' };

interface NicRow {
  vm: string;
  sourceNetwork: string;
  liveId: string | null;
}

/** Every (VM, NIC network) with its live mapping, as the server's query API answers. */
async function networkVms(): Promise<NicRow[]> {
  const to = new Date();
  const body = await suite.serverJson<WireQueryResponse>('/api/v1/query', {
    method: 'POST',
    body: JSON.stringify({
      range: { from: new Date(to.getTime() - 3600_000).toISOString(), to: to.toISOString() },
      queries: [{ refId: 'V', queryType: 'networkVms', limit: 50_000 }],
    }),
  });
  const fields = body.results.V.frames[0].fields;
  const col = (name: string) => fields.find((f) => f.name === name)!.values as Array<string | null>;
  return col('vm_name').map((vm, i) => ({
    vm: vm as string,
    sourceNetwork: col('source_network')[i] as string,
    liveId: col('live_network_id')[i],
  }));
}

const liveRecommendations = () =>
  suite.serverJson<RecommendationList>('/api/v1/networks/recommendations?failover_type=live');

interface MappingRow {
  vm_id: string;
  source_network_name: string;
  destination_network_id: string;
  is_test_network: boolean;
}
interface AuditRow {
  action: string;
  vm_id: string;
  source_network_name: string;
  is_test_network: boolean;
  before: string | null;
  after: string | null;
  actor: string;
  request_id: string | null;
}

/** Every row of network_mappings: (VM, source network, test flag) -> destination network id. */
async function allMappings(): Promise<Map<string, string>> {
  const rows: MappingRow[] = [];
  let cursor: string | null = null;
  do {
    const page: { mappings: MappingRow[]; next_cursor: string | null } = await suite.serverJson(
      `/api/v1/network-mappings?limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    rows.push(...page.mappings);
    cursor = page.next_cursor;
  } while (cursor);
  return new Map(
    rows.map((m) => [key(m.vm_id, m.source_network_name, m.is_test_network), m.destination_network_id]),
  );
}

const audit = (query = '') =>
  suite.serverJson<{ entries: AuditRow[]; count: number }>(
    `/api/v1/network-mappings/audit?limit=5000${query}`,
  );

/** Mounts the panel as the dashboard has it, and waits for its VM list. */
async function openPanel(user: string, width = 1280, height = 800, theme: 'light' | 'dark' = 'dark') {
  const hp = await suite.openHostPage(user);
  await hp.page.evaluate((vars) => window.omaHost.setVariables(vars), DASHBOARD_VARIABLES);
  const mounted = await mountPanel(hp.page, {
    pluginId: PANEL_ID,
    targets: DASHBOARD_PANEL.targets,
    datasource: { type: DS_TYPE, uid: DS_UID },
    options: DASHBOARD_PANEL.options,
    width,
    height,
    title: 'Bulk mapping',
    theme,
  });
  expect(mounted).toEqual({ pluginId: PANEL_ID, type: 'panel' });
  await vmList(hp.page).getByRole('row').nth(1).waitFor();
  return hp;
}

const panel = (page: Page) => page.getByTestId('oma-bulkmapping-panel');
const vmList = (page: Page) => page.getByRole('table', { name: 'Selected VMs' });
const rulesTable = (page: Page) => page.getByRole('table', { name: 'Mapping rules' });
const dryRunButton = (page: Page) => panel(page).getByRole('button', { name: 'Dry run' });
const applyButton = (page: Page) => panel(page).getByRole('button', { name: 'Apply', exact: true });

/** The body rows of the VM list now in the DOM: their aria-rowindex and VM name. */
async function renderedVmRows(page: Page): Promise<Array<{ index: number; vm: string }>> {
  return vmList(page)
    .locator('[role="rowgroup"] [role="row"]')
    .evaluateAll((rows) =>
      rows.map((r) => ({
        index: Number(r.getAttribute('aria-rowindex')),
        vm: r.querySelector('[role="cell"]')?.textContent ?? '',
      })),
    );
}

/** Bulk mapping requests the data source's proxy sent on to the server, since `from`. */
const bulkWrites = (from = 0) => suite.host.upstreamLog.slice(from).filter((r) => r.url.endsWith(BULK_PATH));
/** Their bodies as the browser sent them to the proxy, since `from`. */
const bulkBodies = (from = 0) =>
  suite.host.requestLog
    .slice(from)
    .filter((r) => r.path.endsWith('/networks/bulk-mapping'))
    .map((r) => r.body as BulkMappingRequest);

/** Picks a value in one of the panel's comboboxes by typing part of it. */
async function choose(page: Page, label: string, value: string) {
  const input = panel(page).getByRole('combobox', { name: label });
  await input.click();
  await input.fill(value);
  await page.getByRole('option', { name: value, exact: true }).click();
  await expect(input.inputValue()).resolves.toBe(value);
}

/** Sends the next bulk mapping request and gives the server's answer. */
async function answerTo(page: Page, action: () => Promise<void>): Promise<BulkMappingResult> {
  const response = page.waitForResponse((r) => r.url().endsWith('/networks/bulk-mapping'));
  await action();
  const res = await response;
  expect(res.status()).toBe(200);
  return (await res.json()) as BulkMappingResult;
}

const key = (vm: string, source: string, test: boolean) => `${vm} | ${source} | ${test}`;

describe('the bulk mapping panel', () => {
  test.each([
    [1280, 800, 'dark'],
    [1920, 1080, 'light'],
  ] as const)(
    'renders the demo world at %i×%i (%s theme): the VMs, and rules pre-filled from recommendations',
    async (width, height, theme) => {
      const [nics, recs] = await Promise.all([networkVms(), liveRecommendations()]);
      const vms = [...new Set(nics.map((n) => n.vm))];
      const { page, errors } = await openPanel('editor', width, height, theme);

      await expect(page.getByTestId('selection-count').textContent()).resolves.toBe(
        `${vms.length} of ${vms.length} VMs selected · ${nics.length} NICs`,
      );
      // A window of the VM list: the first VMs by name, their NICs and live destinations.
      const rows = await renderedVmRows(page);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]).toEqual({ index: 2, vm: [...vms].sort(naturalOrder)[0] });

      // One rule per source network, its destination the top recommendation, with score and reasons.
      const rules = rulesTable(page).locator('tbody tr');
      const sources = [...new Set(nics.map((n) => n.sourceNetwork))];
      await expect(rules.count()).resolves.toBe(sources.length);
      const recommended = recs.data.filter((r) => sources.includes(r.source_network));
      expect(recommended.length).toBeGreaterThan(0);
      for (const rec of recommended) {
        const top = rec.candidates[0];
        const row = rulesTable(page).getByTestId(`rule-${rec.source_network}`);
        await expect(
          row.getByRole('combobox', { name: `Destination for ${rec.source_network}` }).inputValue(),
        ).resolves.toBe(top.network_name);
        await expect(row.locator('td').nth(4).textContent()).resolves.toBe(
          `${Math.round(top.score * 100)} %`,
        );
        await expect(row.locator('td').nth(5).textContent()).resolves.toBe(top.reasons.join('; '));
      }
      await page.screenshot({ path: screenshotPath(`bulk-mapping-${width}x${height}.png`) });

      // Rendered like a dashboard panel: one run of its queries, all three answered.
      const record = await panelRecord(page);
      expect(record).toEqual(expect.objectContaining({ runs: 1, state: 'Done', errors: [] }));
      expect(record.frames.map((f) => f.refId).sort()).toEqual(['dst', 'recs', 'vms']);
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  test('an Editor filters, sees the dry run change nothing, then applies exactly that', async () => {
    const [nics, recs] = await Promise.all([networkVms(), liveRecommendations()]);
    // The source network with the most VMs without a live mapping, and its top recommendation.
    const unmappedOn = (source: string) => nics.filter((n) => n.sourceNetwork === source && !n.liveId);
    const rec = [...recs.data]
      .filter((r) => r.candidates.length > 0)
      .sort((a, b) => unmappedOn(b.source_network).length - unmappedOn(a.source_network).length)[0];
    const source = rec.source_network;
    const top = rec.candidates[0];
    const onSource = nics.filter((n) => n.sourceNetwork === source);
    expect(unmappedOn(source).length).toBeGreaterThanOrEqual(3);
    // A word in some but not all of their names, for the name filter (most VMs first).
    const words = onSource.flatMap((n) => [...new Set(n.vm.toLowerCase().split('-'))]);
    const word = [...new Set(words)]
      .map((w) => ({ w, n: words.filter((x) => x === w).length }))
      .filter(({ n }) => n > 1 && n < onSource.length)
      .sort((a, b) => b.n - a.n)[0]?.w;
    expect(word).toBeDefined();
    const selected = onSource.filter((n) => n.vm.toLowerCase().includes(word!));
    const changing = selected.filter((n) => n.liveId !== top.network_id);
    expect(changing.length).toBeGreaterThan(0);

    const { page, errors } = await openPanel('editor');
    const mappingsBefore = await allMappings();
    const auditBefore = await audit();
    const logFrom = suite.host.requestLog.length;
    const upstreamFrom = suite.host.upstreamLog.length;

    await choose(page, 'Source network', source);
    await panel(page).getByRole('radio', { name: 'Contains' }).click();
    await panel(page).getByRole('textbox', { name: 'VM name pattern' }).fill(word!);
    await expect(page.getByTestId('selection-count').textContent()).resolves.toBe(
      `${selected.length} of ${new Set(nics.map((n) => n.vm)).size} VMs selected · ${
        nics.filter((n) => selected.some((s) => s.vm === n.vm)).length
      } NICs`,
    );
    const listed = await renderedVmRows(page);
    expect(listed.map((r) => r.vm)).toEqual(selected.map((n) => n.vm).sort(naturalOrder));
    // Only the filtered network's rule, pre-filled with its top recommendation.
    await expect(rulesTable(page).locator('tbody tr').count()).resolves.toBe(1);
    await expect(
      panel(page)
        .getByRole('combobox', { name: `Destination for ${source}` })
        .inputValue(),
    ).resolves.toBe(top.network_name);
    await expect(applyButton(page).isDisabled()).resolves.toBe(true);

    // Dry run: the diff and the validation summary; the database is unchanged.
    const dryRun = await answerTo(page, () => dryRunButton(page).click());
    expect(dryRun).toEqual(expect.objectContaining({ dry_run: true, applied: false }));
    expect(dryRun.summary).toEqual({
      vms_matched: selected.length,
      created: changing.filter((n) => !n.liveId).length,
      updated: changing.filter((n) => n.liveId).length,
      unchanged: selected.length - changing.length,
    });
    expect(dryRun.changes.map((c) => [c.vm_name, c.source_network, c.after.network_id]).sort()).toEqual(
      changing.map((n) => [n.vm, source, top.network_id]).sort(),
    );
    const diff = panel(page).getByRole('region', { name: 'Dry run result' });
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    await diff
      .getByText(
        `Dry run: ${plural(changing.length, 'NIC')} on ${plural(changing.length, 'VM')} would change`,
      )
      .waitFor();
    await expect(diff.getByTestId('diff-counts').textContent()).resolves.toBe(
      `${selected.length} VMs matched · ${dryRun.summary.created} created · ${dryRun.summary.updated} updated · ${dryRun.summary.unchanged} unchanged`,
    );
    const group = diff.getByTestId(`diff-${source}`);
    await expect(group.textContent()).resolves.toContain(
      `→ ${top.network_name}: ${plural(changing.length, 'NIC')}`,
    );
    for (const n of changing.slice(0, 5)) await expect(group.textContent()).resolves.toContain(n.vm);
    const validation = diff.getByRole('region', { name: 'Validation' });
    const v = dryRun.validation;
    await validation
      .getByText(
        `${v.summary.vms} VMs: ${v.summary.valid} valid, ${v.summary.invalid} invalid, ${v.summary.warnings} with warnings`,
      )
      .waitFor();
    await validation
      .getByText(v.valid ? 'ready for failover' : 'not ready for failover', { exact: true })
      .waitFor();
    for (const code of new Set(v.results.flatMap((r) => r.issues.map((i) => i.code)))) {
      await validation.getByTestId(`issue-${code}`).waitFor();
    }
    await diff.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('bulk-mapping-dry-run.png') });
    expect(await allMappings()).toEqual(mappingsBefore);
    await expect(audit().then((a) => a.count)).resolves.toBe(auditBefore.count);

    // Apply, after a confirmation that says what changes.
    await applyButton(page).click();
    const dialog = page.getByRole('dialog');
    const sentence = `${plural(changing.length, 'NIC')} on ${plural(changing.length, 'VM')}`;
    await dialog.getByText(`Map ${sentence} for live failover`, { exact: false }).waitFor();
    await page.screenshot({ path: screenshotPath('bulk-mapping-confirm.png') });
    const applied = await answerTo(page, () =>
      dialog.getByRole('button', { name: `Apply to ${sentence}` }).click(),
    );
    expect(applied).toEqual(
      expect.objectContaining({ dry_run: false, applied: true, summary: dryRun.summary }),
    );
    await panel(page)
      .getByRole('region', { name: 'Applied result' })
      .getByText(`Applied: ${sentence} changed`)
      .waitFor();

    // The database changed exactly as the dry run said, and nothing else.
    const expected = new Map(mappingsBefore);
    for (const c of dryRun.changes)
      expected.set(key(c.vm_name, c.source_network, c.is_test_network), c.after.network_id);
    expect(await allMappings()).toEqual(expected);
    const auditAfter = await audit();
    expect(auditAfter.count).toBe(auditBefore.count + dryRun.changes.length);
    const entries = auditAfter.entries.slice(0, dryRun.changes.length);
    expect(
      entries
        .map((e) => [e.vm_id, e.source_network_name, e.is_test_network, e.action, e.before, e.after])
        .sort(),
    ).toEqual(
      dryRun.changes
        .map((c) => [
          c.vm_name,
          c.source_network,
          c.is_test_network,
          c.before ? 'updated' : 'created',
          c.before?.network_id ?? null,
          c.after.network_id,
        ])
        .sort(),
    );
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set(['writer']));
    const requestIds = new Set(entries.map((e) => e.request_id));
    expect(requestIds.size).toBe(1);
    expect([...requestIds][0]).toEqual(expect.any(String));

    // Two requests through the write route: the dry run, then the apply with an Idempotency-Key.
    expect(bulkWrites(upstreamFrom)).toEqual([
      expect.objectContaining({
        user: 'editor',
        method: 'POST',
        authorization: `Bearer ${suite.server.tokens.write}`,
        idempotencyKey: undefined,
      }),
      expect.objectContaining({
        user: 'editor',
        method: 'POST',
        authorization: `Bearer ${suite.server.tokens.write}`,
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      }),
    ]);
    const [dryBody, applyBody] = bulkBodies(logFrom);
    expect(dryBody).toEqual({
      selector: {
        vm_names: [...new Set(selected.map((n) => n.vm))].sort(naturalOrder),
        source_network: source,
        name_pattern: { match: 'contains', value: word },
      },
      rules: [{ source_network: source, destination_network_id: top.network_id, is_test_network: false }],
      failover_type: 'live',
      dry_run: true,
    });
    expect(applyBody).toEqual({ ...dryBody, dry_run: false });

    // The panel ran its queries again: the rule's NICs now have the new destination.
    await rulesTable(page)
      .getByTestId(`rule-${source}`)
      .getByText(`${top.network_name} (${selected.length})`, { exact: true })
      .waitFor();
    const record = await panelRecord(page);
    expect(record).toEqual(expect.objectContaining({ refreshEvents: 1, runs: 2 }));
    await page.screenshot({ path: screenshotPath('bulk-mapping-applied.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an invalid regex in the name filter is shown and disables the dry run', async () => {
    const { page, errors } = await openPanel('editor');
    const from = suite.host.requestLog.length;
    await panel(page).getByRole('radio', { name: 'Regex' }).click();
    const name = panel(page).getByRole('textbox', { name: 'VM name pattern' });
    await page.screenshot({ path: screenshotPath('bulk-mapping-regex.png') });
    await name.fill('prod-(');
    // Said once, though Chromium's own message starts with it too.
    await panel(page)
      .getByText(/^Invalid regular expression: \/prod-\(\/: /)
      .waitFor();
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(dryRunButton(page).isDisabled()).resolves.toBe(true);
    await expect(applyButton(page).isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('action-hint').textContent()).resolves.toMatch(
      /^Fix the name pattern first\. Invalid regular expression/,
    );
    await expect(page.getByTestId('selection-count').textContent()).resolves.toMatch(
      /^0 of \d+ VMs selected · 0 NICs$/,
    );
    await page.screenshot({ path: screenshotPath('bulk-mapping-invalid-regex.png') });

    // Fixed, it selects again and the dry run is back.
    await name.fill('prod-\\d+$');
    await expect(dryRunButton(page).isEnabled()).resolves.toBe(true);
    expect(bulkBodies(from)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a Viewer sees it read-only with the reason, and nothing reaches the write route', async () => {
    const { page, errors } = await openPanel('viewer');
    const from = suite.host.requestLog.length;
    const upstreamFrom = suite.host.upstreamLog.length;
    const reason = 'Read-only: changing network mappings needs the Editor role (you are Viewer).';
    // Said once, as the notice's title.
    const notice = panel(page).getByRole('status', { name: reason });
    await expect(notice.textContent()).resolves.toBe(reason);
    await expect(page.getByTestId('action-hint').textContent()).resolves.toBe(reason);
    await expect(dryRunButton(page).isDisabled()).resolves.toBe(true);
    await expect(applyButton(page).isDisabled()).resolves.toBe(true);
    for (const combobox of await rulesTable(page).getByRole('combobox').all()) {
      await expect(combobox.isDisabled()).resolves.toBe(true);
    }
    await expect(panel(page).getByRole('radio', { name: 'Top recommendations' }).isDisabled()).resolves.toBe(
      true,
    );
    // Reading is allowed: the list and the rules are there, and the filters work.
    await expect(rulesTable(page).locator('tbody tr').count()).resolves.toBeGreaterThan(0);
    await panel(page).getByRole('textbox', { name: 'VM name pattern' }).fill('prod');
    await expect(page.getByTestId('selection-count').textContent()).resolves.toMatch(
      /^[1-9]\d* of \d+ VMs selected/,
    );
    await page.screenshot({ path: screenshotPath('bulk-mapping-viewer.png') });
    expect(bulkBodies(from)).toEqual([]);
    expect(
      suite.host.upstreamLog
        .slice(upstreamFrom)
        .filter((r) => r.method !== 'GET' && !r.url.endsWith('/api/v1/query')),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** A `networkVms` frame as the server lays it out: `count` VMs with two NICs each. */
function largeVmFrame(count: number): { frame: DataFrameDTO; names: string[] } {
  const names = Array.from({ length: count }, (_, i) => `vm-${String(i + 1).padStart(5, '0')}`);
  const rows = names.flatMap((vm, i) => [
    { vm, source: `dvPG-prod-web-${i % 20}`, live: i % 3 === 0 ? `net-${i % 20}` : null },
    { vm, source: `dvPG-prod-db-${i % 7}`, live: null },
  ]);
  const col = (name: string, values: Array<string | null>) => ({
    name,
    type: 'string' as FieldType,
    values,
  });
  return {
    names,
    frame: {
      name: 'network_vms',
      refId: 'vms',
      fields: [
        col(
          'vm_name',
          rows.map((r) => r.vm),
        ),
        col(
          'vcenter',
          rows.map(() => 'vcenter-01.example.com'),
        ),
        col(
          'datacenter',
          rows.map(() => 'DC-1'),
        ),
        col(
          'status',
          rows.map(() => 'replicating'),
        ),
        col(
          'source_network',
          rows.map((r) => r.source),
        ),
        col(
          'live_network_id',
          rows.map((r) => r.live),
        ),
        col(
          'live_network_name',
          rows.map((r) => (r.live ? `guest-${r.live}` : null)),
        ),
        col(
          'live_validation',
          rows.map((r) => (r.live ? 'valid' : null)),
        ),
        col(
          'test_network_id',
          rows.map(() => null),
        ),
        col(
          'test_network_name',
          rows.map(() => null),
        ),
        col(
          'test_validation',
          rows.map(() => null),
        ),
      ],
    },
  };
}

describe('the bulk mapping panel at 10,000 VMs', () => {
  test('keeps only a window of rows in the DOM, and scrolling to the end shows the last VM', async () => {
    const { frame, names } = largeVmFrame(10_000);
    const { page, errors } = await suite.openHostPage('editor');
    await renderPanel(page, {
      pluginId: PANEL_ID,
      title: 'Bulk mapping',
      frames: [frame],
      width: 1280,
      height: 800,
    });
    await vmList(page).getByRole('row').nth(1).waitFor();
    await expect(page.getByTestId('selection-count').textContent()).resolves.toBe(
      '10000 of 10000 VMs selected · 20000 NICs',
    );
    await expect(vmList(page).getAttribute('aria-rowcount')).resolves.toBe('10001');
    const first = await renderedVmRows(page);
    expect(first[0]).toEqual({ index: 2, vm: names[0] });
    // A window: the visible rows and a few beyond, not 10,000.
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(50);
    await page.screenshot({ path: screenshotPath('bulk-mapping-10000-vms.png') });

    const scroller = page.getByTestId('vm-list-scroller');
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    const lastRow = vmList(page).locator(`[role="row"][aria-rowindex="${names.length + 1}"]`);
    await lastRow.getByText(names[names.length - 1], { exact: true }).waitFor();
    const [row, area] = await Promise.all([lastRow.boundingBox(), scroller.boundingBox()]);
    expect(row!.y).toBeGreaterThanOrEqual(area!.y);
    expect(row!.y + row!.height).toBeLessThanOrEqual(area!.y + area!.height + 1);
    const end = await renderedVmRows(page);
    expect(end.length).toBeLessThan(50);
    expect(end.map((r) => r.index)).not.toContain(2);
    await page.screenshot({ path: screenshotPath('bulk-mapping-10000-vms-end.png') });

    // The filters work on all of them.
    await panel(page).getByRole('textbox', { name: 'VM name pattern' }).fill('vm-0999');
    await expect(page.getByTestId('selection-count').textContent()).resolves.toBe(
      '10 of 10000 VMs selected · 20 NICs',
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the Network mapping app page', () => {
  test('at 1280×800 the bulk mapping panel gets a screen of its own, with Dry run and Apply in sight', async () => {
    const { page, errors } = await suite.openHostPage('editor');
    await page.setViewportSize({ width: 1280, height: 800 });
    const mounted = await page.evaluate(() =>
      window.omaHost.mountApp({ page: 'network-mapping', theme: 'dark' }),
    );
    expect(mounted).toEqual({ pluginId: APP_ID, enabled: true });
    await vmList(page).getByRole('row').nth(1).waitFor();
    await page.screenshot({ path: screenshotPath('app-network-mapping-1280x800.png'), fullPage: true });

    // Scrolled to the panel, it fits the screen, and its actions are on screen without scrolling
    // through its rules: not clipped by the panel, not covered by anything.
    await panel(page).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const box = (await panel(page).boundingBox())!;
    type Box = typeof box;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
    await expect(panel(page).evaluate((el) => el.scrollTop)).resolves.toBe(0);
    await expect(rulesTable(page).locator('tbody tr').count()).resolves.toBeGreaterThan(10);
    const onTop = async (button: ReturnType<typeof applyButton>, name: string) => {
      const [b, box] = (await Promise.all([button.boundingBox(), panel(page).boundingBox()])) as Box[];
      expect(b.y).toBeGreaterThanOrEqual(box.y);
      expect(b.y + b.height).toBeLessThanOrEqual(box.y + box.height);
      const hit = await page.evaluate(
        ({ x, y }) => document.elementFromPoint(x, y)?.closest('button')?.textContent ?? null,
        { x: b.x + b.width / 2, y: b.y + b.height / 2 },
      );
      expect(hit).toBe(name);
    };
    await onTop(dryRunButton(page), 'Dry run');
    await onTop(applyButton(page), 'Apply');
    await page.screenshot({ path: screenshotPath('app-network-mapping-1280x800-bulk.png') });

    // A dry run's result, below the rules, is brought into view.
    await answerTo(page, () => dryRunButton(page).click());
    const result = panel(page).getByRole('region', { name: 'Dry run result' });
    await result.getByRole('region', { name: 'Validation' }).waitFor();
    const shown = (await result.boundingBox())!;
    expect(shown.y).toBeGreaterThanOrEqual(0);
    expect(shown.y).toBeLessThan(800);
    await onTop(applyButton(page), 'Apply');
    await expect(applyButton(page).isEnabled()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('app-network-mapping-1280x800-dry-run.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
function naturalOrder(a: string, b: string) {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
