import net from 'node:net';
import { mapLimited, probeTarget, summarizeAttempts, tcpConnect } from './probe';

describe('summarizeAttempts', () => {
  test('latency is the mean of the successful attempts, loss the share of failed ones', () => {
    expect(summarizeAttempts([10, null, 20, null])).toEqual({ failed: 2, latency_ms: 15, loss_percent: 50 });
    expect(summarizeAttempts([1.111, 1.113])).toEqual({ failed: 0, latency_ms: 1.11, loss_percent: 0 });
    expect(summarizeAttempts([null, null, null])).toEqual({ failed: 3, latency_ms: null, loss_percent: 100 });
    expect(summarizeAttempts([null, 5, 5])).toEqual({ failed: 1, latency_ms: 5, loss_percent: 33.33 });
  });
});

describe('mapLimited', () => {
  test('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      for (let i = 0; i < n; i++) await new Promise(setImmediate);
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });
});

describe('TCP probes against real sockets', () => {
  let server: net.Server;
  let openPort: number;
  let closedPort: number;
  let accepted = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      accepted += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    openPort = (server.address() as net.AddressInfo).port;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  test('tcpConnect: a number for a listener, null for a closed port or a bad host', async () => {
    expect(await tcpConnect('127.0.0.1', openPort, 2000)).toEqual(expect.any(Number));
    expect(await tcpConnect('127.0.0.1', closedPort, 2000)).toBeNull();
    expect(await tcpConnect('host.invalid', 80, 2000)).toBeNull();
  });

  test('probeTarget runs every attempt and reports the target as host:port', async () => {
    const before = accepted;
    const ok = await probeTarget('n1', { host: '127.0.0.1', port: openPort, timeout_ms: 2000, attempts: 4 });
    expect(ok).toEqual({
      network_id: 'n1',
      target: `127.0.0.1:${openPort}`,
      attempts: 4,
      failed: 0,
      latency_ms: expect.any(Number),
      loss_percent: 0,
    });
    for (let i = 0; i < 100 && accepted < before + 4; i++) await new Promise(setImmediate);
    expect(accepted - before).toBe(4);
    const bad = await probeTarget('n2', { host: '::1', port: closedPort, timeout_ms: 2000, attempts: 2 });
    expect(bad).toEqual(
      expect.objectContaining({
        target: `[::1]:${closedPort}`,
        failed: 2,
        latency_ms: null,
        loss_percent: 100,
      }),
    );
  });
});
