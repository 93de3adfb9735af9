import { standardEditorsRegistry, type PanelOptionsEditorBuilder } from '@grafana/data';
import { TooltipDisplayMode } from '@grafana/schema';

import { trendsOptions } from './options';
import { DEFAULT_OPTIONS, type TrendsOptions } from './types';

// Grafana registers its option editors at start-up; the legend options look one up by id.
standardEditorsRegistry.setInit(() => [{ id: 'stats-picker', name: 'Stats', editor: () => null }]);

interface Recorded {
  method: string;
  path: string;
  category?: string[];
  defaultValue?: unknown;
  showIf?: (o: TrendsOptions) => boolean;
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
  ) as PanelOptionsEditorBuilder<TrendsOptions>;
  trendsOptions(builder);
  return items;
}

describe('trendsOptions', () => {
  const items = record();
  const own = items.filter((i) => !i.path.startsWith('legend.') && !i.path.startsWith('tooltip.'));

  it('declares each of the panel’s options once, with its default from DEFAULT_OPTIONS', () => {
    const keys = Object.keys(DEFAULT_OPTIONS).filter((k) => k !== 'legend' && k !== 'tooltip');
    expect(own.map((i) => i.path).sort()).toEqual(keys.sort());
    for (const item of own) {
      expect([item.path, item.defaultValue]).toEqual([
        item.path,
        DEFAULT_OPTIONS[item.path as keyof TrendsOptions],
      ]);
    }
  });

  it('groups them by category: Metric, Stacking, Forecast, Thresholds, then Colours', () => {
    const byCategory = (c: string) => own.filter((i) => i.category?.[0] === c).map((i) => i.path);
    expect(byCategory('Metric')).toEqual(['showCancelled', 'showSuccessRate', 'lineMetric']);
    expect(byCategory('Stacking')).toEqual(['stacking', 'barWidth']);
    expect(byCategory('Forecast')).toEqual(['showForecast', 'forecastMeasure', 'forecastWindow']);
    expect(byCategory('Thresholds')).toEqual(['successTarget', 'targetStyle']);
    expect(byCategory('Colours')).toHaveLength(6);
    expect(own.every((i) => i.category)).toBe(true);
  });

  it('shows the forecast and target settings only when they apply', () => {
    const shown = (path: string, o: Partial<TrendsOptions>) =>
      own.find((i) => i.path === path)!.showIf!({ ...DEFAULT_OPTIONS, ...o });
    expect(shown('forecastMeasure', { showForecast: false })).toBe(false);
    expect(shown('forecastWindow', { showForecast: true })).toBe(true);
    expect(shown('successTarget', { showSuccessRate: false })).toBe(false);
    expect(shown('targetStyle', { showSuccessRate: true })).toBe(true);
  });

  it('adds Grafana’s legend and tooltip options; the tooltip shows every series by default', () => {
    expect(items.some((i) => i.path === 'legend.showLegend')).toBe(true);
    expect(items.find((i) => i.path === 'tooltip.mode')?.defaultValue).toBe(TooltipDisplayMode.Multi);
  });
});
