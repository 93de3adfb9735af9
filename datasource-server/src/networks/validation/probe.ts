// Reachability of destination networks: a TCP connect to each network's probe target, a few
// attempts with a timeout, recorded as latency and loss in omi_network_performance_metrics.
import net from 'node:net';
import type { Kysely } from 'kysely';
import type { ProbeTarget } from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import type { Database } from '../../db/schema';

export const PROBE_DEFAULTS = { timeout_ms: 1000, attempts: 3 } as const;
/** Networks probed at once: enough to overlap timeouts, few enough not to look like a scan. */
export const PROBE_CONCURRENCY = 8;

export type CompleteProbeTarget = Required<ProbeTarget>;

export interface ProbeResult {
  network_id: string;
  /** host:port */
  target: string;
  attempts: number;
  failed: number;
  /** Mean connect time of the successful attempts, ms; null when none succeeded. */
  latency_ms: number | null;
  loss_percent: number;
}

/** Connect time in ms, or null when the connection failed or timed out. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port });
    const done = (latency: number | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(latency);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.once('connect', () => done(performance.now() - started));
    socket.once('error', () => done(null));
  });
}

/** Attempt latencies (null = failed) -> mean latency of the successes and loss. Pure. */
export function summarizeAttempts(
  latencies: (number | null)[],
): Pick<ProbeResult, 'latency_ms' | 'loss_percent' | 'failed'> {
  const ok = latencies.filter((l): l is number => l !== null);
  const failed = latencies.length - ok.length;
  return {
    failed,
    latency_ms: ok.length ? Math.round((ok.reduce((a, b) => a + b, 0) / ok.length) * 100) / 100 : null,
    loss_percent: latencies.length ? Math.round((failed / latencies.length) * 10_000) / 100 : 0,
  };
}

/** One probe run: the attempts one after another, so they do not compete with each other. */
export async function probeTarget(networkId: string, target: CompleteProbeTarget): Promise<ProbeResult> {
  const latencies: (number | null)[] = [];
  for (let i = 0; i < target.attempts; i++) {
    latencies.push(await tcpConnect(target.host, target.port, target.timeout_ms));
  }
  const where = target.host.includes(':')
    ? `[${target.host}]:${target.port}`
    : `${target.host}:${target.port}`;
  return { network_id: networkId, target: where, attempts: target.attempts, ...summarizeAttempts(latencies) };
}

/** `work` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const LOOKUP_CHUNK = 1000;

/**
 * Probes each of `networkIds` that has a probe target (once per network, however many VMs use
 * it), records one metrics row per network, and returns the results by network id. Do not call
 * inside a transaction: the probes take up to timeout x attempts.
 */
export async function probeNetworks(
  db: Kysely<Database>,
  store: Pick<Db, 'time'>,
  networkIds: Iterable<string>,
): Promise<Map<string, ProbeResult>> {
  const ids = [...new Set(networkIds)];
  const targets = [];
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    targets.push(
      ...(await db
        .selectFrom('omi_network_probe_targets')
        .selectAll()
        .where('network_id', 'in', ids.slice(i, i + LOOKUP_CHUNK))
        .execute()),
    );
  }
  const results = await mapLimited(targets, PROBE_CONCURRENCY, (t) =>
    probeTarget(t.network_id, {
      host: t.host,
      port: Number(t.port),
      timeout_ms: Number(t.timeout_ms),
      attempts: Number(t.attempts),
    }),
  );
  const measuredAt = store.time.toDb(Date.now());
  for (let i = 0; i < results.length; i += LOOKUP_CHUNK) {
    await db
      .insertInto('omi_network_performance_metrics')
      .values(
        results.slice(i, i + LOOKUP_CHUNK).map((r) => ({
          network_id: r.network_id,
          measured_at: measuredAt,
          latency_ms: r.latency_ms,
          loss_percent: r.loss_percent,
          attempts: r.attempts,
          target: r.target,
        })),
      )
      .execute();
  }
  return new Map(results.map((r) => [r.network_id, r]));
}
