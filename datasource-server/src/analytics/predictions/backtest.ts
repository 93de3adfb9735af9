// Replays finished jobs in start order: each completed job is predicted from only the jobs that had
// finished before it started, by the model and by two baselines, and scored. Pure.
import { ResidualBand, SyncModel, type JobRecord, type SyncType, type VmFacts } from './model';

export interface PredictorScore {
  /** Mean absolute percentage error of the point prediction. */
  mape: number;
  /** Share of jobs whose actual duration fell inside the p10-p90 interval. */
  coverage: number;
}

export interface BacktestResult {
  /** Completed jobs started in the range, each predicted and scored. */
  jobs: number;
  initial: number;
  incremental: number;
  model: PredictorScore;
  globalMean: PredictorScore;
  vmLastFive: PredictorScore;
  /** The same scores over each sync type's jobs alone. */
  byType: Record<SyncType, { model: PredictorScore; globalMean: PredictorScore; vmLastFive: PredictorScore }>;
}

interface Sums {
  n: number;
  ape: number;
  covered: number;
}
interface Tally {
  all: Sums;
  initial: Sums;
  incremental: Sums;
  band: ResidualBand;
}
const sums = (): Sums => ({ n: 0, ape: 0, covered: 0 });
const tally = (): Tally => ({ all: sums(), initial: sums(), incremental: sums(), band: new ResidualBand() });

function score(t: Tally, type: SyncType, predicted: number, lo: number, hi: number, actual: number) {
  for (const s of [t.all, t[type]]) {
    s.n += 1;
    s.ape += Math.abs(predicted - actual) / actual;
    if (actual >= lo && actual <= hi) s.covered += 1;
  }
}

const result = (s: Sums): PredictorScore => ({
  mape: s.n ? (100 * s.ape) / s.n : 0,
  coverage: s.n ? s.covered / s.n : 0,
});

/**
 * `jobs`: every finished job (any status) of the VMs in `vms`. Jobs started in [from, to] that
 * completed are scored; earlier ones only teach. A job teaches the predictors once it has
 * finished, and only predictions of jobs starting after that moment can use it.
 */
export function backtest(
  vms: VmFacts[],
  jobs: JobRecord[],
  from: number,
  to: number,
  onPrediction?: (
    job: JobRecord,
    predicted: { model: number; globalMean: number; vmLastFive: number },
  ) => void,
): BacktestResult {
  const model = new SyncModel(vms);
  const byStart = [...jobs].sort((a, b) => a.startedMs - b.startedMs || a.id.localeCompare(b.id));
  const byEnd = [...jobs].sort((a, b) => a.completedMs - b.completedMs || a.id.localeCompare(b.id));
  const tallies = { model: tally(), globalMean: tally(), vmLastFive: tally() };
  const predictions = new Map<string, { global: number; vm: number }>();
  let globalSum = 0;
  let globalCount = 0;
  const recent = new Map<string, number[]>();
  let n = 0;
  let initial = 0;
  let next = 0;

  const learn = (job: JobRecord) => {
    model.observe(job);
    if (job.status !== 'completed') return;
    const seconds = (job.completedMs - job.startedMs) / 1000;
    const made = predictions.get(job.id);
    if (made) {
      tallies.globalMean.band.add(seconds, made.global);
      tallies.vmLastFive.band.add(seconds, made.vm);
      predictions.delete(job.id);
    }
    globalSum += seconds;
    globalCount += 1;
    const list = recent.get(job.vm) ?? [];
    list.push(seconds);
    if (list.length > 5) list.shift();
    recent.set(job.vm, list);
  };

  for (const job of byStart) {
    // Everything that finished before this job started, and nothing else.
    while (next < byEnd.length && byEnd[next].completedMs < job.startedMs) learn(byEnd[next++]);
    if (job.status !== 'completed' || job.startedMs < from || job.startedMs > to || globalCount === 0)
      continue;
    const actual = Math.max(1, (job.completedMs - job.startedMs) / 1000);

    const p = model.predict(job.vm, job.startedMs, job.type, job.id);
    score(tallies.model, job.type, p.seconds, p.p10Seconds, p.p90Seconds, actual);

    const globalMean = globalSum / globalCount;
    const own = recent.get(job.vm);
    // A VM without finished syncs gets the global mean from its baseline too.
    const vmMean = own?.length ? own.reduce((a, b) => a + b, 0) / own.length : globalMean;
    for (const [t, predicted] of [
      [tallies.globalMean, globalMean],
      [tallies.vmLastFive, vmMean],
    ] as const) {
      const [lo, hi] = t.band.band();
      score(t, job.type, predicted, predicted * lo, predicted * hi, actual);
    }
    predictions.set(job.id, { global: globalMean, vm: vmMean });
    onPrediction?.(job, { model: p.seconds, globalMean, vmLastFive: vmMean });
    n += 1;
    if (job.type === 'initial') initial += 1;
  }
  return {
    jobs: n,
    initial,
    incremental: n - initial,
    model: result(tallies.model.all),
    globalMean: result(tallies.globalMean.all),
    vmLastFive: result(tallies.vmLastFive.all),
    byType: {
      initial: {
        model: result(tallies.model.initial),
        globalMean: result(tallies.globalMean.initial),
        vmLastFive: result(tallies.vmLastFive.initial),
      },
      incremental: {
        model: result(tallies.model.incremental),
        globalMean: result(tallies.globalMean.incremental),
        vmLastFive: result(tallies.vmLastFive.incremental),
      },
    },
  };
}
