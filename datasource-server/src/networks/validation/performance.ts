// Per destination network: the replication jobs of the VMs mapped (live) to it, their throughput,
// and the probe latency and loss recorded by validation with probe: true.
import { sql, type Kysely } from 'kysely';
import { MIN_INSTANT_MS, type NetworkPerformance } from '@oma-insights/contracts';
import type { Database } from '../../db/schema';
import type { DbTime } from '../../db/time';
import { parseRange, parseTime, type TimeRange } from '../../http/time-params';
import { toNumberOrNull } from '../../oma/rows';

export const DEFAULT_PERFORMANCE_DAYS = 7;
/** Probe samples returned (the newest); the aggregates still cover the whole range. */
export const MAX_PROBE_SAMPLES = 50_000;
const CHUNK = 1000;

/**
 * A job's throughput in bytes per second: transfer_speed_bps (the OMA's job average), else the
 * VMA's reading in MB/s. Zero means "no reading" (cancelled before moving data), not slow.
 */
const jobThroughput = sql<number | null>`case
  when j.transfer_speed_bps > 0 then j.transfer_speed_bps
  when j.vma_throughput_mbps > 0 then j.vma_throughput_mbps * 1000000
end`;

/**
 * Jobs that ran during the range (started before its end, ended or last seen after its start),
 * per destination network their VM is mapped to for live failover. Each (VM, network) pair is
 * counted once, so a VM with two NICs on one network counts its jobs once there.
 */
async function jobStats(db: Kysely<Database>, from: string, to: string) {
  return db
    .with('owners', (qb) =>
      qb
        .selectFrom('network_mappings as m')
        // Older rows name the VM in vm_id (its name or VMware UUID) instead of a context id.
        .leftJoin('vm_replication_contexts as c', (join) =>
          join
            .on('m.vm_context_id', 'is', null)
            .on((eb) =>
              eb.or([eb('c.vm_name', '=', eb.ref('m.vm_id')), eb('c.vmware_vm_id', '=', eb.ref('m.vm_id'))]),
            ),
        )
        .where((eb) => eb.or([eb('m.is_test_network', '=', 0), eb('m.is_test_network', 'is', null)]))
        .select((eb) => [
          eb.fn.coalesce('m.vm_context_id', 'c.context_id').as('context_id'),
          'm.destination_network_id',
        ])
        .distinct(),
    )
    .selectFrom('owners as o')
    .innerJoin('replication_jobs as j', 'j.vm_context_id', 'o.context_id')
    .where(sql`coalesce(j.started_at, j.created_at)`, '<=', to)
    .where(sql`coalesce(j.completed_at, j.updated_at, j.started_at, j.created_at)`, '>=', from)
    .groupBy('o.destination_network_id')
    .select((eb) => [
      'o.destination_network_id',
      eb.fn.countAll<number>().as('jobs'),
      eb.fn.avg<number | null>(jobThroughput).as('avg_bps'),
      eb.fn.max<number | null>(jobThroughput).as('peak_bps'),
    ])
    .execute();
}

async function probeStats(db: Kysely<Database>, from: string, to: string) {
  const inRange = () =>
    db
      .selectFrom('omi_network_performance_metrics')
      .where('measured_at', '>=', from)
      .where('measured_at', '<=', to);
  const [totals, samples] = await Promise.all([
    inRange()
      .groupBy('network_id')
      .select((eb) => [
        'network_id',
        eb.fn.countAll<number>().as('probes'),
        eb.fn.avg<number | null>('latency_ms').as('avg_latency_ms'),
        eb.fn.avg<number>('loss_percent').as('loss_percent'),
      ])
      .execute(),
    inRange()
      .select(['network_id', 'measured_at', 'latency_ms', 'loss_percent'])
      .orderBy('measured_at', 'desc')
      .orderBy('id', 'desc')
      .limit(MAX_PROBE_SAMPLES)
      .execute(),
  ]);
  return { totals, samples: samples.reverse() };
}

const round = (n: number | null, digits = 2) =>
  n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;

/** Every destination network with live mappings or probe samples in the range, by name. */
export async function networkPerformance(
  db: Kysely<Database>,
  time: DbTime,
  range: TimeRange,
): Promise<NetworkPerformance[]> {
  const from = time.toDb(range.from);
  const to = time.toDb(range.to);
  const [jobs, probes, mapped] = await Promise.all([
    jobStats(db, from, to),
    probeStats(db, from, to),
    db
      .selectFrom('network_mappings')
      .select(['destination_network_id', 'destination_network_name'])
      .where((eb) => eb.or([eb('is_test_network', '=', 0), eb('is_test_network', 'is', null)]))
      .distinct()
      .execute(),
  ]);

  const ids = new Set([
    ...mapped.map((m) => m.destination_network_id),
    ...probes.totals.map((p) => p.network_id),
  ]);
  const names = new Map(mapped.map((m) => [m.destination_network_id, m.destination_network_name]));
  const idList = [...ids];
  for (let i = 0; i < idList.length; i += CHUNK) {
    const rows = await db
      .selectFrom('omi_cloudstack_networks')
      .select(['id', 'name'])
      .where('id', 'in', idList.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) names.set(row.id, row.name);
  }

  const jobsBy = new Map(jobs.map((j) => [j.destination_network_id, j]));
  const probesBy = new Map(probes.totals.map((p) => [p.network_id, p]));
  const samplesBy = new Map<string, NetworkPerformance['samples']>();
  for (const s of probes.samples) {
    const list = samplesBy.get(s.network_id) ?? [];
    samplesBy.set(s.network_id, list);
    list.push({
      time: time.toIso(s.measured_at) ?? '',
      latency_ms: round(toNumberOrNull(s.latency_ms)),
      loss_percent: round(toNumberOrNull(s.loss_percent)) ?? 0,
    });
  }
  return idList
    .map((id): NetworkPerformance => {
      const j = jobsBy.get(id);
      const p = probesBy.get(id);
      return {
        network_id: id,
        network_name: names.get(id) ?? id,
        jobs: Number(j?.jobs ?? 0),
        avg_throughput_bps: round(toNumberOrNull(j?.avg_bps), 0),
        peak_throughput_bps: round(toNumberOrNull(j?.peak_bps), 0),
        probes: Number(p?.probes ?? 0),
        avg_latency_ms: round(toNumberOrNull(p?.avg_latency_ms)),
        loss_percent: round(toNumberOrNull(p?.loss_percent)),
        samples: samplesBy.get(id) ?? [],
      };
    })
    .sort((a, b) => a.network_name.localeCompare(b.network_name) || a.network_id.localeCompare(b.network_id));
}

/** The range asked for: `from`/`to` as given, by default the 7 days up to `to` (or now). */
export function performanceRange(
  from: string | undefined,
  to: string | undefined,
  now = Date.now(),
): TimeRange | string {
  const end = to ?? now;
  const endMs = parseTime(end);
  if (endMs === null) return parseRange(from ?? MIN_INSTANT_MS, end); // says what is wrong with "to"
  return parseRange(from ?? Math.max(MIN_INSTANT_MS, endMs - DEFAULT_PERFORMANCE_DAYS * 86_400_000), end);
}
