import type { PanelOptionsEditorBuilder } from '@grafana/data';

import { topologyOptions } from './options';
import { DEFAULT_OPTIONS, type TopologyOptions } from './types';

interface Recorded {
  method: string;
  path: keyof TopologyOptions;
  category?: string[];
  defaultValue?: unknown;
  showIf?: (o: TopologyOptions) => boolean;
}

/** A builder that records what the panel declares (Grafana's needs its editor registry). */
function record(): Recorded[] {
  const items: Recorded[] = [];
  const builder = new Proxy(
    {},
    {
      get: (_t, method: string) => (config: Omit<Recorded, 'method'>) => {
        items.push({ method, ...config });
        return builder;
      },
    },
  ) as PanelOptionsEditorBuilder<TopologyOptions>;
  topologyOptions(builder);
  return items;
}

describe('topologyOptions', () => {
  const items = record();

  it('declares every option once, with the default from DEFAULT_OPTIONS', () => {
    expect(items.map((i) => i.path).sort()).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
    for (const item of items) {
      expect({ path: item.path, defaultValue: item.defaultValue }).toEqual({
        path: item.path,
        defaultValue: DEFAULT_OPTIONS[item.path],
      });
    }
  });

  it('groups them by category: display, recommendations, colours', () => {
    const byCategory = (c: string) => items.filter((i) => i.category?.[0] === c).map((i) => i.path);
    expect(byCategory('Display')).toEqual([
      'failoverType',
      'direction',
      'showUnmapped',
      'showUnusedDestinations',
      'nameLength',
    ]);
    expect(byCategory('Recommendations')).toEqual(['showRecommendations', 'minScore']);
    expect(byCategory('Colours')).toEqual([
      'mappedColor',
      'unmappedColor',
      'invalidColor',
      'recommendedColor',
    ]);
  });

  it('shows the score threshold only when recommendations are shown', () => {
    const minScore = items.find((i) => i.path === 'minScore')!;
    expect(minScore.showIf?.({ ...DEFAULT_OPTIONS, showRecommendations: false })).toBe(false);
    expect(minScore.showIf?.(DEFAULT_OPTIONS)).toBe(true);
  });
});
