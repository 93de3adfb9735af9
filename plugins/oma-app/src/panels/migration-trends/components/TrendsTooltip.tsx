import {
  FieldType,
  dateTimeFormat,
  formattedValueToString,
  getFieldDisplayName,
  getFieldSeriesColor,
  type DataFrame,
} from '@grafana/data';
import { SortOrder, TooltipDisplayMode, type GraphFieldConfig } from '@grafana/schema';
import {
  VizTooltipContent,
  VizTooltipHeader,
  VizTooltipWrapper,
  useTheme2,
  type VizTooltipItem,
} from '@grafana/ui';

interface Props {
  /** The plot's frame: x first, then one field per uPlot series (same index). */
  frame: DataFrame;
  dataIdxs: Array<number | null>;
  seriesIdx: number | null;
  mode: TooltipDisplayMode;
  sort: SortOrder;
  isPinned: boolean;
  timeZone: string;
}

/** The hovered bucket: its time, then each series' value there, as Grafana's time series tooltip. */
export function TrendsTooltip({ frame, dataIdxs, seriesIdx, mode, sort, isPinned, timeZone }: Props) {
  const theme = useTheme2();
  const xIdx = dataIdxs[0] ?? dataIdxs.find((i) => i !== null) ?? null;
  if (xIdx === null) {
    return null;
  }
  const time = frame.fields[0]?.values[xIdx] as number;
  const items: VizTooltipItem[] = [];
  frame.fields.forEach((field, i) => {
    const custom = field.config.custom as GraphFieldConfig | undefined;
    if (i === 0 || field.type !== FieldType.number || custom?.hideFrom?.tooltip) {
      return;
    }
    if (mode === TooltipDisplayMode.Single && i !== seriesIdx) {
      return;
    }
    const idx = dataIdxs[i];
    const value = idx === null || idx === undefined ? null : field.values[idx];
    if (value === null || value === undefined) {
      return;
    }
    items.push({
      label: getFieldDisplayName(field, frame),
      value: field.display ? formattedValueToString(field.display(value)) : String(value),
      color: getFieldSeriesColor(field, theme).color,
      isActive: i === seriesIdx,
      lineStyle: custom?.lineStyle,
      numeric: typeof value === 'number' ? value : undefined,
    });
  });
  if (sort !== SortOrder.None) {
    const sign = sort === SortOrder.Ascending ? 1 : -1;
    items.sort((a, b) => sign * ((a.numeric ?? 0) - (b.numeric ?? 0)));
  }
  return (
    <VizTooltipWrapper>
      <VizTooltipHeader item={{ label: '', value: dateTimeFormat(time, { timeZone }) }} isPinned={isPinned} />
      <VizTooltipContent items={items} isPinned={isPinned} />
    </VizTooltipWrapper>
  );
}
