/**
 * Panels in the browser host, from a test: mountPanel renders a panel plugin as a dashboard
 * panel (window.omaHost.mountPanel: its queries through the data source and the route proxy to
 * the real server, PanelProps, a scoped event bus); panelRecord reads what it did. The user's
 * role is that of the user the page was opened for (/?user=<login>), in config.bootData.
 */
import type { Page } from 'playwright-core';

import type { MountPanelOptions, PanelRecord, RenderPanelOptions } from '../host/panels';

export type { MountPanelOptions, PanelRecord, RenderPanelOptions };

export async function mountPanel(
  page: Page,
  options: MountPanelOptions & { theme?: 'light' | 'dark' },
): Promise<{ pluginId: string; type: string }> {
  const copies = Math.max(1, options.copies ?? 1);
  await page.setViewportSize({ width: options.width + 16, height: copies * (options.height + 8) + 8 });
  return page.evaluate((o) => window.omaHost.mountPanel(o), options);
}

/** What the mounted panel did so far: runs of its queries, RefreshEvents, its saved options. */
export async function panelRecord(page: Page): Promise<PanelRecord> {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.omaHost.panel)) as PanelRecord);
}

/** Renders a panel through PanelRenderer with frames the test made (as an app page does with its own). */
export async function renderPanel(
  page: Page,
  options: RenderPanelOptions,
): Promise<{ pluginId: string; type: string }> {
  await page.setViewportSize({ width: options.width + 16, height: options.height + 16 });
  return page.evaluate((o) => window.omaHost.renderPanel(o), options);
}
