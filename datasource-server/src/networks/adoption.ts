// Adoption of recommendations: of the mapping changes in a range, how many took the top
// recommendation (the original plan's success metric is 80%+), by day and by source network.
import type { Kysely } from 'kysely';
import type { Adoption } from '@oma-insights/contracts';
import type { Database } from '../db/schema';
import type { DbTime } from '../db/time';
import type { TimeRange } from '../http/time-params';

interface Counts {
  changes: number;
  top1: number;
  in_top3: number;
  rate: number | null;
}

const empty = (): Counts => ({ changes: 0, top1: 0, in_top3: 0, rate: null });

function tally(counts: Counts, rank: number | null) {
  counts.changes += 1;
  if (rank === 1) counts.top1 += 1;
  if (rank !== null && rank <= 3) counts.in_top3 += 1;
  counts.rate = Math.round((counts.top1 / counts.changes) * 10_000) / 10_000;
}

export interface AuditedChange {
  source_network_name: string;
  recommendation_rank: number | null;
  /** Epoch ms. */
  at: number;
}

/** Pure: audited changes -> adoption counts. Days are UTC dates. */
export function summarizeAdoption(changes: AuditedChange[], range: TimeRange): Adoption {
  const overall = empty();
  const byDay = new Map<string, Counts>();
  const bySource = new Map<string, Counts>();
  for (const c of changes) {
    const rank = c.recommendation_rank === null ? null : Number(c.recommendation_rank);
    tally(overall, rank);
    const day = new Date(c.at).toISOString().slice(0, 10);
    if (!byDay.has(day)) byDay.set(day, empty());
    tally(byDay.get(day)!, rank);
    if (!bySource.has(c.source_network_name)) bySource.set(c.source_network_name, empty());
    tally(bySource.get(c.source_network_name)!, rank);
  }
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    overall,
    by_day: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, counts]) => ({ day, ...counts })),
    by_source_network: [...bySource]
      .sort(([a, x], [b, y]) => y.changes - x.changes || a.localeCompare(b))
      .map(([source_network, counts]) => ({ source_network, ...counts })),
  };
}

export async function adoption(db: Kysely<Database>, time: DbTime, range: TimeRange): Promise<Adoption> {
  const rows = await db
    .selectFrom('omi_mapping_audit')
    .select(['source_network_name', 'recommendation_rank', 'created_at'])
    .where('action', 'in', ['created', 'updated'])
    .where('created_at', '>=', time.toDb(range.from))
    .where('created_at', '<=', time.toDb(range.to))
    .execute();
  return summarizeAdoption(
    rows.map((r) => ({
      source_network_name: r.source_network_name,
      recommendation_rank: r.recommendation_rank,
      at: time.toMs(r.created_at) ?? 0,
    })),
    range,
  );
}
