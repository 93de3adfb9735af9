// The built server as a real process: first start seeds a demo world, the simulator moves jobs
// through the ingest path, tokens are generated without being logged, SIGTERM shuts down cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Health, JobProgress, VmContext } from '@oma-insights/contracts';

const MAIN = path.resolve(__dirname, '../dist/main.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('server process', () => {
  let child: ChildProcess;
  let output = '';
  let base: string;
  let dir: string;

  beforeAll(async () => {
    expect(fs.existsSync(MAIN)).toBe(true); // `npm test` builds first
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omi-proc-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}/api/v1`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        DB_URL: path.join(dir, 'oma.sqlite'),
        TOKEN_FILE: path.join(dir, 'tokens.txt'),
        DEMO_VMS: '25',
        DEMO_DAYS: '10',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    await waitFor('health', async () => ((await fetch(`${base}/debug/health`)).ok ? true : undefined));
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('first start seeds a demo world and generates tokens into a private file, never into the log', async () => {
    const health = (await (await fetch(`${base}/debug/health`)).json()) as Health;
    expect(health).toEqual(expect.objectContaining({ status: 'ok', mode: 'standalone', dialect: 'sqlite' }));
    expect(health.counts.vm_contexts).toBe(25);
    expect(health.checks.simulator.status).toBe('ok');

    const file = path.join(dir, 'tokens.txt');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secrets = [...fs.readFileSync(file, 'utf8').matchAll(/(?:^|,|=)\w+:[\w+]+:([\w-]+)/g)].map(
      (m) => m[1],
    );
    expect(secrets).toHaveLength(3);
    const reader = secrets[0];
    const res = await fetch(`${base}/vm-contexts?limit=1`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(200);
    expect(output).toContain('tokens.txt');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });

  test('the simulator drives jobs forward through the ingest path', async () => {
    const reader = fs.readFileSync(path.join(dir, 'tokens.txt'), 'utf8').match(/reader:read:([\w-]+)/)![1];
    const headers = { authorization: `Bearer ${reader}` };
    const running = await waitFor('a running job', async () => {
      const res = await fetch(`${base}/vm-contexts?status=replicating`, { headers });
      const body = (await res.json()) as { vm_contexts: VmContext[] };
      return body.vm_contexts.find((c) => c.current_job_id)?.current_job_id ?? undefined;
    });
    const progress = async () =>
      (await (await fetch(`${base}/progress/${running}`, { headers })).json()) as JobProgress;
    const first = await progress();
    const moved = await waitFor('progress to move', async () => {
      const now = await progress();
      return now.bytes_transferred > first.bytes_transferred ||
        now.phase !== first.phase ||
        now.status !== first.status
        ? now
        : undefined;
    });
    expect(moved.job_id).toBe(running);
  });

  test('SIGTERM drains and exits cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
  });
});
