// Each VM's next sync and the time to finish, as the endpoint and the `predictions` query return
// them.
import type { Kysely } from 'kysely';
import type { VmContextStatus, VmPrediction } from '@oma-insights/contracts';
import type { Database } from '../../db/schema';
import type { DbTime } from '../../db/time';
import { isMigrated, nextSync, timeToFinish } from './forecast';
import { predictionCache } from './cache';
import { loadVms, trainedModel } from './load';

export interface PredictionFilter {
  contextId?: string;
  vmNames?: string[];
  vcenters?: string[];
  datacenters?: string[];
}

/**
 * A time this close to now (or later) is learned as of now: a dashboard's range ends a moment
 * before the server's clock, and jobs that ended in between would otherwise make every such
 * request a fresh training.
 */
export const RECENT_MS = 10 * 60_000;

const within = (list: string[] | undefined, value: string) => !list?.length || list.includes(value);

/**
 * The model learns from every VM; only the filtered ones are predicted and counted. It learns from
 * the jobs finished by `at`, or by `now` when `at` is later or within RECENT_MS of it: the server's
 * kept model (cache.ts); `fresh` trains one for this request instead.
 */
export async function predictNextSyncs(
  db: Kysely<Database>,
  time: DbTime,
  filter: PredictionFilter,
  at: number,
  concurrency: number,
  { now = Date.now(), fresh = false }: { now?: number; fresh?: boolean } = {},
) {
  const vms = await loadVms(db);
  const learnedBy = at >= now - RECENT_MS ? now : at;
  const model = fresh
    ? await trainedModel(db, time, vms, learnedBy)
    : await predictionCache(db, time).modelAt(vms, learnedBy);
  const rows = vms
    .filter((v) => !filter.contextId || v.context_id === filter.contextId)
    .filter((v) => within(filter.vmNames, v.vm_name) && within(filter.vcenters, v.vcenter_host))
    .filter((v) => within(filter.datacenters, v.datacenter))
    .map((v) => {
      const vm = {
        id: v.context_id,
        status: v.current_status,
        nextScheduledMs: time.toMs(v.next_scheduled_at),
      };
      const { startsMs, prediction } = nextSync(model, vm, at);
      return { vm: v, startsMs, status: v.current_status, prediction };
    });
  const data: VmPrediction[] = rows.map(({ vm, startsMs, prediction: p }) => ({
    vm_name: vm.vm_name,
    context_id: vm.context_id,
    vcenter: vm.vcenter_host,
    datacenter: vm.datacenter,
    status: vm.current_status as VmContextStatus,
    migrated: isMigrated(vm.current_status),
    sync_type: p.type,
    starts_at: new Date(startsMs).toISOString(),
    predicted_seconds: p.seconds,
    p10_seconds: p.p10Seconds,
    p90_seconds: p.p90Seconds,
    basis: {
      bytes_expected: p.basis.bytesExpected,
      bytes_source: p.basis.bytesSource,
      change_rate_bytes_per_hour: p.basis.changeRateBytesPerHour,
      hours_since_last_sync: p.basis.hoursSinceLastSync,
      throughput_source: p.basis.throughputSource,
      throughput_bytes_per_second: p.basis.throughputBytesPerSecond,
      time_of_day_factor: p.basis.timeOfDayFactor,
      overhead_seconds: p.basis.overheadSeconds,
      samples: p.basis.samples,
    },
  }));
  return { data, time_to_finish: timeToFinish(rows, concurrency) };
}
