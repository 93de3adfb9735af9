/**
 * Starts the real OMA Migration Insights server for the browser tests:
 *   node datasource-server/dist/main.js   (built by `npm run build:server`)
 * with PORT, HOST=127.0.0.1, DB_URL=<fresh temp SQLite file>, DEMO=1 (DEMO_VMS=40, DEMO_DAYS=14)
 * and API_TOKENS holding a read-only, a read+write and an ingest-only token.
 *
 * Overrides (for debugging): OMA_E2E_SERVER_ENTRY=<script> runs another entry point;
 * OMA_E2E_SERVER_URL=<url> uses an already running server, with its tokens in
 * OMA_E2E_READ_TOKEN / OMA_E2E_WRITE_TOKEN / OMA_E2E_INGEST_TOKEN.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from './host-server';

export interface OmaServer {
  url: string;
  /** The server's SQLite file (empty for an external server). */
  dbFile: string;
  tokens: { read: string; write: string; ingest: string };
  logs(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess | undefined,
  logs: () => string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`the OMA server exited with code ${child.exitCode} before it was healthy:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/api/v1/debug/health`);
      if (res.ok) {
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the OMA server at ${url} was not healthy after ${timeoutMs} ms (${last}):\n${logs()}`);
}

/** `env`: more environment for the server (e.g. LIVE_ALLOWED_ORIGINS). */
export async function startOmaServer(
  timeoutMs = 90_000,
  env: Record<string, string> = {},
): Promise<OmaServer> {
  if (process.env.OMA_E2E_SERVER_URL) {
    const url = process.env.OMA_E2E_SERVER_URL.replace(/\/+$/, '');
    await waitForHealth(url, undefined, () => '', timeoutMs);
    return {
      url,
      dbFile: '',
      tokens: {
        read: process.env.OMA_E2E_READ_TOKEN ?? '',
        write: process.env.OMA_E2E_WRITE_TOKEN ?? '',
        ingest: process.env.OMA_E2E_INGEST_TOKEN ?? '',
      },
      logs: () => '(external server)',
      stop: async () => undefined,
    };
  }

  const entry = path.resolve(REPO_ROOT, process.env.OMA_E2E_SERVER_ENTRY ?? 'datasource-server/dist/main.js');
  if (!fs.existsSync(entry)) {
    throw new Error(`${entry} does not exist: run \`npm run build:server\` first (npm run test:e2e does).`);
  }
  const tokens = {
    read: `e2e-read-${randomBytes(12).toString('hex')}`,
    write: `e2e-write-${randomBytes(12).toString('hex')}`,
    ingest: `e2e-ingest-${randomBytes(12).toString('hex')}`,
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oma-e2e-'));
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [entry], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DB_URL: path.join(dataDir, 'oma.sqlite'),
      API_TOKENS: `reader:read:${tokens.read},writer:read+write:${tokens.write},ingester:ingest:${tokens.ingest}`,
      DEMO: '1',
      // A small demo world keeps start-up quick; the tests compare against what the server answers.
      DEMO_VMS: process.env.DEMO_VMS ?? '40',
      DEMO_DAYS: process.env.DEMO_DAYS ?? '14',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, () => output, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dbFile: path.join(dataDir, 'oma.sqlite'), tokens, logs: () => output, stop };
}
