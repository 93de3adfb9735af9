/**
 * The OMA Migration trends panel (oma-migrationtrends-panel) in Chromium, rendered by the host the
 * way a Grafana dashboard renders a panel: its `migrationTrends` and `predictions` queries through
 * the data source and the route proxy to the real server with its demo world (14 days of jobs).
 * What the plot and its tooltip show is compared with what the server answers to the same request.
 */
import type { DataQuery } from '@grafana/schema';
import type { WireFrame, WireQueryResponse } from '@oma-insights/contracts/frames';
import type { Page } from 'playwright-core';

import { screenshotPath } from './lib/browser';
import { mountPanel, panelRecord } from './lib/panel';
import { DS_REF, panelSuite } from './lib/panel-suite';

const suite = panelSuite();

const PANEL_ID = 'oma-migrationtrends-panel';
const TRENDS = { refId: 'A', queryType: 'migrationTrends', datasource: DS_REF };
const PREDICTIONS = { refId: 'B', queryType: 'predictions', datasource: DS_REF };
const RANGE = { from: 'now-7d', to: 'now' };
/** DashboardCursorSync.Crosshair */
const SHARED_CROSSHAIR = 1;

async function openPanel(
  targets: DataQuery[],
  options: {
    theme?: 'light' | 'dark';
    width?: number;
    height?: number;
    copies?: number;
    cursorSync?: number;
    panelOptions?: Record<string, unknown>;
  } = {},
) {
  const { theme = 'dark', width = 1200, height = 560, copies, cursorSync, panelOptions } = options;
  const hp = await suite.openHostPage('viewer');
  const mounted = await mountPanel(hp.page, {
    pluginId: PANEL_ID,
    targets,
    datasource: DS_REF,
    width,
    height,
    title: 'Migration trends',
    timeRange: RANGE,
    // The panel's "Min interval": 3-hour buckets over the week.
    interval: '3h',
    theme,
    copies,
    cursorSync,
    options: panelOptions,
  });
  expect(mounted).toEqual({ pluginId: PANEL_ID, type: 'panel' });
  return hp;
}

/** The last /query the panel sent through the proxy, sent again to the server itself. */
async function serverAnswer(): Promise<Record<string, WireFrame[]>> {
  const sent = [...suite.host.requestLog].reverse().find((r) => r.path.endsWith('/read/query'));
  expect(sent).toBeDefined();
  const body = await suite.serverJson<WireQueryResponse>('/api/v1/query', {
    method: 'POST',
    body: JSON.stringify(sent!.body),
  });
  return Object.fromEntries(Object.entries(body.results).map(([refId, r]) => [refId, r.frames ?? []]));
}

const column = (frame: WireFrame, name: string) =>
  frame.fields.find((f) => f.name === name)!.values as Array<number | null>;

/** Labels of the legend's entries, in order. */
const legendLabels = (page: Page) =>
  page.$$eval('[data-testid="oma-trends-panel"] [data-testid^="data-testid VizLegend series "]', (els) =>
    els.map((e) => e.textContent?.trim() ?? ''),
  );

/** Pixels of the plot canvas close to a colour (the bars are drawn in the theme's green and red). */
function countPixels(page: Page, rgb: [number, number, number], nth = 0): Promise<number> {
  return page.evaluate(
    ({ rgb, nth }) => {
      const canvas = document.querySelectorAll<HTMLCanvasElement>('.uplot canvas')[nth];
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d =
          Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1]) + Math.abs(data[i + 2] - rgb[2]);
        if (d < 40 && data[i + 3] > 100) n++;
      }
      return n;
    },
    { rgb, nth },
  );
}

/** The count of a colour's pixels once the plot redrew as expected (or the last count after 50 tries). */
async function settledCount(page: Page, rgb: [number, number, number], done: (n: number) => boolean) {
  let n = await countPixels(page, rgb);
  for (let i = 0; i < 50 && !done(n); i++) {
    await page.waitForTimeout(100);
    n = await countPixels(page, rgb);
  }
  return n;
}

/** The colour the theme gave a series, from its legend icon (`rgb(r, g, b)`). */
async function legendColour(page: Page, name: string): Promise<[number, number, number]> {
  const css = await page
    .getByTestId(`data-testid VizLegend series ${name}`)
    .getByTestId('series-icon')
    .evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = css.match(/\d+/g)!.map(Number);
  return [r, g, b];
}

/** The tooltip's header time (UTC, as the panel's time zone) and its rows as label → value. */
async function readTooltip(page: Page): Promise<{ time: number; values: Record<string, string> }> {
  const text = await page.getByTestId('data-testid viz-tooltip-wrapper').innerText();
  const [header, ...rows] = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < rows.length; i += 2) values[rows[i]] = rows[i + 1];
  return { time: Date.parse(`${header.replace(' ', 'T')}Z`), values };
}

describe('the migration trends panel', () => {
  test.each(['dark', 'light'] as const)(
    'draws the demo world’s jobs as bars and lines with a forecast band (%s theme)',
    async (theme) => {
      const { page, errors } = await openPanel([TRENDS, PREDICTIONS], { theme });
      await page.locator('[data-testid="oma-trends-panel"] .uplot').waitFor();
      const record = await panelRecord(page);
      expect(record).toEqual(expect.objectContaining({ runs: 1, state: 'Done', errors: [] }));
      expect(record.frames.map((f) => f.name).sort()).toEqual(['migration_trends', 'predictions']);

      const answer = await serverAnswer();
      const trends = answer.A[0];
      const completed = column(trends, 'completed');
      const failed = column(trends, 'failed');
      expect(completed.reduce((a, b) => a! + b!, 0)).toBeGreaterThan(0);
      expect(failed.reduce((a, b) => a! + b!, 0)).toBeGreaterThan(0);

      await page.screenshot({ path: screenshotPath(`migration-trends-${theme}.png`) });
      // Native legend: one entry per drawn series; the band's bounds are not listed.
      expect(await legendLabels(page)).toEqual([
        'Completed',
        'Failed',
        'Success rate',
        'Duration p50',
        'Duration p95',
        'Forecast: VMs remaining',
      ]);
      // uPlot got one series per field: x, five lines/bars, the forecast line and its two bounds.
      const series = await page.evaluate(
        () => document.querySelectorAll('[data-testid="oma-trends-panel"] .uplot').length,
      );
      expect(series).toBe(1);
      // The bars are drawn in the theme's green and red.
      const [green, red] = await Promise.all(['Completed', 'Failed'].map((name) => legendColour(page, name)));
      expect(green).not.toEqual(red);
      expect(await countPixels(page, green)).toBeGreaterThan(50);
      expect(await countPixels(page, red)).toBeGreaterThan(20);

      // The forecast: open VMs exist in the demo world, so the x axis runs past now.
      const predictions = answer.B[0];
      const open = (predictions.meta?.custom as { timeToFinish: { vms: number } }).timeToFinish.vms;
      expect(open).toBeGreaterThan(0);
      await page.screenshot({ path: screenshotPath(`migration-trends-${theme}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  test('the tooltip shows the hovered bucket’s values as the server has them', async () => {
    const { page, errors } = await openPanel([TRENDS, PREDICTIONS]);
    const over = page.locator('[data-testid="oma-trends-panel"] .u-over');
    await over.waitFor();
    const box = (await over.boundingBox())!;
    const y = box.y + box.height / 2;
    const hover = async (x: number) => {
      await page.mouse.move(x, y, { steps: 2 });
      await page.getByTestId('data-testid viz-tooltip-wrapper').waitFor();
      return readTooltip(page);
    };
    const trends = (await serverAnswer()).A[0];
    const times = column(trends, 'time') as number[];
    const completed = column(trends, 'completed') as number[];
    const failed = column(trends, 'failed') as number[];
    const p50 = column(trends, 'duration_p50_s');
    // The busiest bucket, found on the plot from two hovered buckets' positions.
    const busiest = completed.reduce(
      (best, c, i) => (c + failed[i] > completed[best] + failed[best] ? i : best),
      0,
    );
    const [x1, x2] = [box.x + box.width * 0.2, box.x + box.width * 0.6];
    const [t1, t2] = [(await hover(x1)).time, (await hover(x2)).time];
    const pxPerMs = (x2 - x1) / (t2 - t1);
    let x = x1 + (times[busiest] - t1) * pxPerMs;
    let shown = await hover(x);
    for (let i = 0; i < 6 && shown.time !== times[busiest]; i++) {
      x += Math.sign(times[busiest] - shown.time) * Math.max(1, pxPerMs * (times[1] - times[0]) * 0.5);
      shown = await hover(x);
    }
    expect(new Date(shown.time).toISOString()).toBe(new Date(times[busiest]).toISOString());
    expect(shown.values.Completed).toBe(String(completed[busiest]));
    expect(shown.values.Failed).toBe(String(failed[busiest]));
    const rate =
      completed[busiest] / (completed[busiest] + failed[busiest] + column(trends, 'cancelled')[busiest]!);
    expect(parseFloat(shown.values['Success rate'])).toBeCloseTo(rate * 100, 0);
    expect(shown.values['Duration p50']).toBeDefined();
    expect(p50[busiest]).not.toBeNull();
    await page.screenshot({ path: screenshotPath('migration-trends-tooltip.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('its options: cancelled bars, 100% stacking, throughput, the forecast as VMs completed', async () => {
    const panelOptions = {
      showCancelled: true,
      stacking: 'percent',
      lineMetric: 'throughput',
      forecastMeasure: 'completed',
      targetStyle: 'area',
    };
    const { page, errors } = await openPanel([TRENDS, PREDICTIONS], { panelOptions });
    await page.locator('[data-testid="oma-trends-panel"] .uplot').waitFor();
    expect((await panelRecord(page)).options).toEqual(expect.objectContaining(panelOptions));
    expect(await legendLabels(page)).toEqual([
      'Completed',
      'Failed',
      'Cancelled',
      'Success rate',
      'Avg throughput',
      'Forecast: VMs completed',
    ]);
    // The bars show shares of 100%; the tooltip gives the counts behind them, as Grafana's does.
    const box = (await page.locator('[data-testid="oma-trends-panel"] .u-over').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 2 });
    await page.getByTestId('data-testid viz-tooltip-wrapper').waitFor();
    const shown = await readTooltip(page);
    expect(Object.keys(shown.values)).toEqual(expect.arrayContaining(['Completed', 'Failed', 'Cancelled']));
    expect(shown.values['Avg throughput'] ?? 'B/s').toMatch(/B\/s$/);
    await page.screenshot({ path: screenshotPath('migration-trends-options.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each([
    [420, 260],
    [1600, 300],
  ])('fits its container at %i×%i: the plot and legend within the panel', async (width, height) => {
    const { page, errors } = await openPanel([TRENDS, PREDICTIONS], { width, height });
    const panel = page.getByTestId('oma-trends-panel');
    await panel.locator('.uplot').waitFor();
    const outer = (await panel.boundingBox())!;
    const plot = (await panel.locator('.uplot').boundingBox())!;
    const legend = (await panel.getByTestId('data-testid viz-layout-legend').boundingBox())!;
    expect(plot.width).toBeLessThanOrEqual(outer.width);
    expect(plot.width).toBeGreaterThan(outer.width * 0.9);
    expect(plot.y + plot.height).toBeLessThanOrEqual(legend.y + 1);
    expect(legend.y + legend.height).toBeLessThanOrEqual(outer.y + outer.height + 1);
    await page.screenshot({ path: screenshotPath(`migration-trends-${width}x${height}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a click on a legend entry shows only that series, as in Grafana; a second click all again', async () => {
    const { page, errors } = await openPanel([TRENDS, PREDICTIONS]);
    await page.locator('[data-testid="oma-trends-panel"] .uplot').waitFor();
    const [green, red] = await Promise.all(['Completed', 'Failed'].map((name) => legendColour(page, name)));
    const before = await countPixels(page, green);
    expect(before).toBeGreaterThan(50);

    await page.getByTestId('data-testid VizLegend series Failed').getByRole('button').click();
    await page.waitForFunction(() => window.omaHost.panel!.fieldConfig.overrides.length === 1);
    const record = await panelRecord(page);
    expect(record.fieldConfig.overrides[0].properties).toEqual([
      { id: 'custom.hideFrom', value: { viz: true, legend: false, tooltip: true } },
    ]);
    // The completed bars are gone from the plot (the green left is the success-rate target line),
    // the failed ones stay; the legend still lists both.
    await expect(settledCount(page, green, (n) => n < before / 4)).resolves.toBeLessThan(before / 4);
    await page.screenshot({ path: screenshotPath('migration-trends-failed-only.png') });
    expect(await countPixels(page, red)).toBeGreaterThan(20);
    expect(await legendLabels(page)).toContain('Completed');

    await page.getByTestId('data-testid VizLegend series Failed').getByRole('button').click();
    await page.waitForFunction(() => window.omaHost.panel!.fieldConfig.overrides.length === 0);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="oma-trends-panel"] .uplot') !== null,
    );
    await expect(settledCount(page, green, (n) => n === before)).resolves.toBe(before);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('with a shared crosshair, hovering one panel moves the cursor of the other', async () => {
    const { page, errors } = await openPanel([TRENDS], {
      copies: 2,
      cursorSync: SHARED_CROSSHAIR,
      height: 360,
    });
    const overs = page.locator('[data-testid="oma-trends-panel"] .u-over');
    await overs.nth(1).waitFor();
    const cursorX = (nth: number) =>
      overs.nth(nth).evaluate((el) => (el.querySelector('.u-cursor-x') as HTMLElement).style.transform);
    expect(await cursorX(1)).toMatch(/translate\(-10px/);
    const box = (await overs.nth(0).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 3 });
    await page.waitForFunction(() => {
      const cursor = document.querySelectorAll('[data-testid="oma-trends-panel"] .u-over .u-cursor-x')[1];
      return !(cursor as HTMLElement).style.transform.startsWith('translate(-10px');
    });
    // The same x in both.
    expect(await cursorX(1)).toBe(await cursorX(0));
    await page.screenshot({ path: screenshotPath('migration-trends-shared-crosshair.png') });
    expect(errors).toEqual([]);
    await page.close();

    // Without it (the dashboard default), the other panel's cursor stays put: uPlot moves synced
    // cursors within the hover's own update, which has shown the tooltip by now.
    const alone = await openPanel([TRENDS], { copies: 2, height: 360 });
    const aloneOvers = alone.page.locator('[data-testid="oma-trends-panel"] .u-over');
    await aloneOvers.nth(1).waitFor();
    const aloneBox = (await aloneOvers.nth(0).boundingBox())!;
    await alone.page.mouse.move(aloneBox.x + aloneBox.width * 0.4, aloneBox.y + aloneBox.height / 2, {
      steps: 3,
    });
    await alone.page.getByTestId('data-testid viz-tooltip-wrapper').waitFor();
    expect(
      await aloneOvers
        .nth(1)
        .evaluate((el) => (el.querySelector('.u-cursor-x') as HTMLElement).style.transform),
    ).toMatch(/translate\(-10px/);
    expect(alone.errors).toEqual([]);
    await alone.page.close();
  });
});

describe('the migration trends panel without its data', () => {
  test.each(['dark', 'light'] as const)('says which query to add (%s theme)', async (theme) => {
    const { page, errors } = await openPanel([], { theme, width: 900, height: 400 });
    await page.getByText('add a "Migration trends" query', { exact: false }).waitFor();
    await expect(page.getByTestId('oma-trends-message').textContent()).resolves.toContain(
      '"Sync predictions"',
    );
    expect(await page.locator('.uplot').count()).toBe(0);
    await page.screenshot({ path: screenshotPath(`migration-trends-no-data-${theme}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('trends without predictions: the chart, and a line saying which query gives the forecast', async () => {
    const { page, errors } = await openPanel([TRENDS], { height: 400 });
    await page.locator('[data-testid="oma-trends-panel"] .uplot').waitFor();
    await expect(page.getByTestId('oma-trends-notice').textContent()).resolves.toContain(
      'add a "Sync predictions" query',
    );
    expect(await legendLabels(page)).not.toContain('Forecast: VMs remaining');
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each(['dark', 'light'] as const)('a refused query: says which and why (%s theme)', async (theme) => {
    // The server refuses filters longer than 1000 characters (400, validation error).
    const { page, errors } = await openPanel([{ ...TRENDS, vcenter: 'x'.repeat(1001) } as DataQuery], {
      theme,
      width: 900,
      height: 400,
    });
    const message = page.getByTestId('oma-trends-message');
    await message.getByText('could not be loaded', { exact: false }).waitFor();
    const record = await panelRecord(page);
    expect(record.state).toBe('Error');
    expect(record.errors.length).toBeGreaterThan(0);
    // The panel names the query by its type and shows the data source's own message for it.
    expect(await message.textContent()).toContain(`"Migration trends" query A: ${record.errors[0]}`);
    await page.screenshot({ path: screenshotPath(`migration-trends-error-${theme}.png`) });
    expect(errors).toEqual([]);
    await page.close();
  });
});
