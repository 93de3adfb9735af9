import { summarizeAdoption } from './adoption';

const at = (iso: string) => Date.parse(iso);
const range = { from: at('2026-11-01T00:00:00Z'), to: at('2026-11-03T00:00:00Z') };

describe('summarizeAdoption', () => {
  test('rates overall, by UTC day and by source network', () => {
    const result = summarizeAdoption(
      [
        { source_network: 'web', recommendation_rank: 1, at: at('2026-11-01T23:30:00Z') },
        { source_network: 'web', recommendation_rank: 2, at: at('2026-11-02T00:10:00Z') },
        { source_network: 'db', recommendation_rank: null, at: at('2026-11-02T08:00:00Z') },
        { source_network: 'web', recommendation_rank: 1, at: at('2026-11-02T09:00:00Z') },
      ].map(({ source_network, ...rest }) => ({ source_network_name: source_network, ...rest })),
      range,
    );
    expect(result.overall).toEqual({ changes: 4, top1: 2, in_top3: 3, rate: 0.5 });
    expect(result.by_day).toEqual([
      { day: '2026-11-01', changes: 1, top1: 1, in_top3: 1, rate: 1 },
      { day: '2026-11-02', changes: 3, top1: 1, in_top3: 2, rate: 0.3333 },
    ]);
    expect(result.by_source_network).toEqual([
      { source_network: 'web', changes: 3, top1: 2, in_top3: 3, rate: 0.6667 },
      { source_network: 'db', changes: 1, top1: 0, in_top3: 0, rate: 0 },
    ]);
  });

  test('no changes: a null rate, not zero', () => {
    expect(summarizeAdoption([], range).overall).toEqual({ changes: 0, top1: 0, in_top3: 0, rate: null });
  });
});
