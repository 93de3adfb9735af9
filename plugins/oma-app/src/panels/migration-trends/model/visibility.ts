/**
 * Series hidden from the legend's clicks: Grafana keeps them as field overrides of
 * `custom.hideFrom` (a click on a legend entry adds one matching every other series); the panel
 * builds its own frames, so it applies those overrides to them itself. Pure.
 */
import { fieldMatchers, type ConfigOverrideRule, type DataFrame } from '@grafana/data';
import type { HideSeriesConfig } from '@grafana/schema';

const HIDE_FROM = 'custom.hideFrom';

/** `frames` with each field's hideFrom widened by every override that matches it. */
export function applySeriesVisibility(
  frames: DataFrame[],
  overrides: ConfigOverrideRule[] = [],
): DataFrame[] {
  const rules = overrides.flatMap((rule) => {
    const value = rule.properties.find((p) => p.id === HIDE_FROM)?.value as HideSeriesConfig | undefined;
    const matcher = fieldMatchers.getIfExists(rule.matcher.id);
    return value && matcher ? [{ match: matcher.get(rule.matcher.options), value }] : [];
  });
  if (rules.length === 0) {
    return frames;
  }
  return frames.map((frame) => ({
    ...frame,
    fields: frame.fields.map((field) => {
      const hide = rules.filter((r) => r.match(field, frame, frames)).map((r) => r.value);
      if (hide.length === 0) {
        return field;
      }
      const own = (field.config.custom?.hideFrom ?? {}) as Partial<HideSeriesConfig>;
      // An override may show, never un-hide, what the panel keeps out (the band's bounds).
      const hideFrom: HideSeriesConfig = {
        viz: Boolean(own.viz) || hide.some((h) => h.viz),
        legend: Boolean(own.legend) || hide.some((h) => h.legend),
        tooltip: Boolean(own.tooltip) || hide.some((h) => h.tooltip),
      };
      return { ...field, config: { ...field.config, custom: { ...field.config.custom, hideFrom } } };
    }),
  }));
}
