// The VMA's load as progress pushes report it, folded per job (count, sum, min, max per figure)
// while the job runs, and summarised as min/avg/max when it ends. Pure.
import { VMA_LOAD_FIELDS, type ProgressPush, type VmaLoadField } from '@oma-insights/contracts';
import type { Selectable } from 'kysely';
import type { OmiJobLoadTable } from '../../db/schema';

type JobLoadRow = Selectable<OmiJobLoadTable>;

/** Whether a push carries any load figure. */
export const carriesLoad = (push: ProgressPush) => VMA_LOAD_FIELDS.some((f) => push[f] !== undefined);

/** The job's load row after one more push; null when the push carries no load figure. */
export function foldLoad(
  previous: JobLoadRow | undefined,
  push: ProgressPush,
  now: string,
): JobLoadRow | null {
  if (!carriesLoad(push)) return null;
  const row = { job_id: previous?.job_id ?? '', updated_at: now } as JobLoadRow;
  for (const f of VMA_LOAD_FIELDS) {
    const n = Number(previous?.[`${f}_n`] ?? 0);
    const sum = Number(previous?.[`${f}_sum`] ?? 0);
    const min = previous?.[`${f}_min`] ?? null;
    const max = previous?.[`${f}_max`] ?? null;
    const value = push[f];
    if (value === undefined) {
      Object.assign(row, { [`${f}_n`]: n, [`${f}_sum`]: sum, [`${f}_min`]: min, [`${f}_max`]: max });
    } else {
      Object.assign(row, {
        [`${f}_n`]: n + 1,
        [`${f}_sum`]: sum + value,
        [`${f}_min`]: min === null ? value : Math.min(Number(min), value),
        [`${f}_max`]: max === null ? value : Math.max(Number(max), value),
      });
    }
  }
  return row;
}

export type LoadSummary = Record<`${VmaLoadField}_${'min' | 'avg' | 'max'}`, number | null> & {
  vma_samples: number;
};

const round = (v: number) => Math.round(v * 1000) / 1000;

/** min/avg/max per figure; `vma_samples` the most pushes any one figure came in. Pure. */
export function summariseLoad(row: JobLoadRow | undefined): LoadSummary {
  const summary = { vma_samples: 0 } as LoadSummary;
  for (const f of VMA_LOAD_FIELDS) {
    const n = Number(row?.[`${f}_n`] ?? 0);
    summary.vma_samples = Math.max(summary.vma_samples, n);
    summary[`${f}_min`] = n ? Number(row![`${f}_min`]) : null;
    summary[`${f}_avg`] = n ? round(Number(row![`${f}_sum`]) / n) : null;
    summary[`${f}_max`] = n ? Number(row![`${f}_max`]) : null;
  }
  return summary;
}

/** How fast a finished job moved its bytes: over its whole run when known, else the last reported speed. Pure. */
export function jobThroughput(bytes: number, durationS: number | null, lastSpeedBps: number): number | null {
  if (durationS !== null && durationS > 0 && bytes > 0) return Math.round((bytes / durationS) * 1000) / 1000;
  return lastSpeedBps > 0 ? lastSpeedBps : null;
}

/** Mean of the second half against the first, percent; null unless both halves have a positive mean. Pure. */
export function trendPercent(firstHalf: number | null, secondHalf: number | null): number | null {
  if (firstHalf === null || secondHalf === null || !(firstHalf > 0)) return null;
  return Math.round(((secondHalf - firstHalf) / firstHalf) * 100 * 100) / 100;
}
