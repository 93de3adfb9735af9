// Next sync of each VM and the time to finish the VMs not yet migrated. Pure.
import { MIGRATED_STATUSES } from '@oma-insights/contracts';
import type { Prediction, SyncModel } from './model';

export interface VmToPredict {
  id: string;
  status: string;
  /** next_scheduled_at, epoch ms, or null. */
  nextScheduledMs: number | null;
}

export const isMigrated = (status: string) => (MIGRATED_STATUSES as readonly string[]).includes(status);

/** A VM's next sync starts at its schedule when that is later than `at`, else at `at`. */
export function nextSync(
  model: SyncModel,
  vm: VmToPredict,
  at: number,
): { startsMs: number; prediction: Prediction } {
  const startsMs = vm.nextScheduledMs !== null && vm.nextScheduledMs > at ? vm.nextScheduledMs : at;
  return { startsMs, prediction: model.predict(vm.id, startsMs) };
}

/** Longest first onto the least busy of `slots` parallel slots: when the last one finishes. */
export function makespan(seconds: number[], slots: number): number {
  const busy = new Array<number>(Math.max(1, slots)).fill(0);
  for (const s of [...seconds].sort((a, b) => b - a)) {
    let least = 0;
    for (let i = 1; i < busy.length; i++) if (busy[i] < busy[least]) least = i;
    busy[least] += s;
  }
  return Math.max(...busy);
}

/**
 * Time to finish: one more sync per VM not yet migrated, `concurrency` at a time. The interval
 * schedules every VM at its p10 (and p90): a pessimistic band, as errors partly cancel out.
 */
export function timeToFinish(predictions: { status: string; prediction: Prediction }[], concurrency: number) {
  const open = predictions.filter((p) => !isMigrated(p.status)).map((p) => p.prediction);
  return {
    vms: open.length,
    concurrency,
    seconds: makespan(
      open.map((p) => p.seconds),
      concurrency,
    ),
    p10_seconds: makespan(
      open.map((p) => p.p10Seconds),
      concurrency,
    ),
    p90_seconds: makespan(
      open.map((p) => p.p90Seconds),
      concurrency,
    ),
    serial_seconds: open.reduce((a, p) => a + p.seconds, 0),
  };
}
