// What every panel test file needs: the real server with its demo world, Chromium, and the host
// with the suite's app enabled and its data source set up with both tokens; pages opened as a
// given user that collect page errors. `panelSuite()` registers the jest hooks that start and
// stop them.
import type { Browser, Page } from 'playwright-core';

import { launchChromium } from './browser';
import { startHost, type RunningHost } from './host-server';
import { startOmaServer, type OmaServer } from './oma-server';

export const APP_ID = 'oma-migration-app';
export const DS_TYPE = 'oma-migration-datasource';
export const DS_UID = 'oma-migration';
export const DS_REF = { type: DS_TYPE, uid: DS_UID };
export const EDITOR_AND_VIEWER = [
  { login: 'editor', orgRole: 'Editor' as const },
  { login: 'viewer', orgRole: 'Viewer' as const },
];

export interface HostPage {
  page: Page;
  /** Page errors, console errors and failed asset loads seen so far. */
  errors: string[];
}

export interface PanelSuite {
  server: OmaServer;
  browser: Browser;
  host: RunningHost;
  /** GET (or `init`) on the server's own API with the read token; throws on a non-2xx answer. */
  serverJson<T>(pathAndQuery: string, init?: RequestInit): Promise<T>;
  /** A host page signed in as `user`, ready for mountPanel/renderPanel. */
  openHostPage(user: string): Promise<HostPage>;
}

export function panelSuite(users = EDITOR_AND_VIEWER): PanelSuite {
  const suite = {
    async serverJson<T>(pathAndQuery: string, init?: RequestInit): Promise<T> {
      const res = await fetch(`${suite.server.url}${pathAndQuery}`, {
        ...init,
        headers: { authorization: `Bearer ${suite.server.tokens.read}`, 'content-type': 'application/json' },
      });
      if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async openHostPage(user: string): Promise<HostPage> {
      const page = await suite.browser.newPage({ viewport: { width: 1296, height: 816 } });
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
          errors.push(`console.error: ${msg.text()}`);
        }
      });
      page.on('response', (res) => {
        if (res.status() >= 400 && !new URL(res.url()).pathname.startsWith('/api/')) {
          errors.push(`HTTP ${res.status()} for ${res.url()}`);
        }
      });
      await page.goto(`${suite.host.url}/?user=${user}`);
      await page.waitForFunction(() => document.body.dataset.hostReady === 'true', undefined, {
        timeout: 30_000,
      });
      return { page, errors };
    },
  } as PanelSuite;

  beforeAll(async () => {
    suite.server = await startOmaServer();
    suite.browser = await launchChromium();
    suite.host = await startHost({
      users,
      datasources: [
        {
          uid: DS_UID,
          name: 'OMA Migration Insights',
          type: DS_TYPE,
          jsonData: { serverUrl: suite.server.url },
          secureJsonData: { readToken: suite.server.tokens.read, writeToken: suite.server.tokens.write },
        },
      ],
      pluginSettings: { [APP_ID]: { enabled: true, pinned: true, jsonData: { datasourceUid: DS_UID } } },
    });
  }, 180_000);

  afterAll(async () => {
    await suite.browser?.close();
    await suite.host?.close();
    await suite.server?.stop();
  });

  return suite;
}
