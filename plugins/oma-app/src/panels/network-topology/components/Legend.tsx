import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import type { TopologyOptions } from '../types';

/** The panel's colours, resolved through the theme (option values are Grafana colour names or hex). */
export interface Colours {
  mapped: string;
  unmapped: string;
  invalid: string;
  recommended: string;
  /** Mappings not validated yet: the theme's secondary text colour. */
  pending: string;
}

export function resolveColours(theme: GrafanaTheme2, options: TopologyOptions): Colours {
  const byName = (name: string) => theme.visualization.getColorByName(name);
  return {
    mapped: byName(options.mappedColor),
    unmapped: byName(options.unmappedColor),
    invalid: byName(options.invalidColor),
    recommended: byName(options.recommendedColor),
    pending: theme.colors.text.secondary,
  };
}

/** What the colours and line styles mean. */
export function Legend({ colours, showRecommendations }: { colours: Colours; showRecommendations: boolean }) {
  const styles = useStyles2(getStyles);
  const items: Array<{ label: string; colour: string; dashed?: boolean; box?: boolean }> = [
    { label: 'Valid', colour: colours.mapped },
    { label: 'Not validated', colour: colours.pending },
    { label: 'Invalid', colour: colours.invalid },
    { label: 'Unmapped network', colour: colours.unmapped, box: true },
  ];
  if (showRecommendations) {
    items.push({ label: 'Recommended', colour: colours.recommended, dashed: true });
  }
  return (
    <ul className={styles.legend} aria-label="Legend">
      {items.map((item) => (
        <li key={item.label} className={styles.item}>
          {item.box ? (
            <span className={styles.box} style={{ borderColor: item.colour }} />
          ) : (
            <svg width={22} height={8} aria-hidden>
              <line
                x1={1}
                y1={4}
                x2={21}
                y2={4}
                stroke={item.colour}
                strokeWidth={2.5}
                strokeDasharray={item.dashed ? '4 3' : undefined}
              />
            </svg>
          )}
          {item.label}
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({
    display: 'flex',
    gap: theme.spacing(1.5),
    listStyle: 'none',
    margin: 0,
    marginLeft: 'auto',
    padding: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  item: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  box: css({
    display: 'inline-block',
    width: 12,
    height: 10,
    borderLeft: '4px solid',
    background: theme.colors.background.secondary,
  }),
});
