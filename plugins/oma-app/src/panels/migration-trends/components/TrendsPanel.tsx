import { css } from '@emotion/css';
import {
  DashboardCursorSync,
  dateTime,
  getDisplayProcessor,
  type DataFrame,
  type GrafanaTheme2,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { TooltipDisplayMode } from '@grafana/schema';
import { TimeSeries, TooltipPlugin2, usePanelContext, useStyles2, useTheme2 } from '@grafana/ui';
import type { ComponentProps } from 'react';
import { useMemo } from 'react';

import { QUERY_TYPE_LABELS, isQueryType } from '../../../datasource/types';
import { trendsView } from '../model/view';
import { applySeriesVisibility } from '../model/visibility';
import type { TrendsOptions } from '../types';
import { TrendsTooltip } from './TrendsTooltip';

const NOTICE_HEIGHT = 20;
/** TooltipPlugin2's hover modes (a const enum in @grafana/ui, so not importable as a value). */
type HoverMode = ComponentProps<typeof TooltipPlugin2>['hoverMode'];
const HOVER_ONE = 0 as HoverMode;
const HOVER_ALL = 1 as HoverMode;

/** Display processors for the frames the panel built (Grafana adds them to query results itself). */
function withDisplay(frames: DataFrame[], theme: GrafanaTheme2, timeZone: string): DataFrame[] {
  for (const frame of frames) {
    for (const field of frame.fields) {
      field.display = getDisplayProcessor({ field, theme, timeZone });
    }
  }
  return frames;
}

/**
 * Finished replication jobs per bucket as stacked bars (completed, failed, optionally cancelled),
 * the success rate and the duration percentiles or throughput as lines on their own axes, and the
 * VMs expected to remain (or complete) ahead of now as a p10–p90 band. Drawn with Grafana's own
 * time series plot, legend and tooltip, joined to the dashboard's shared crosshair.
 */
export function TrendsPanel(props: PanelProps<TrendsOptions>) {
  const { data, options, width, height, timeRange, timeZone, id, fieldConfig } = props;
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const { sync, eventsScope } = usePanelContext();
  const from = (data.request?.range ?? timeRange).from.valueOf();
  const to = (data.request?.range ?? timeRange).to.valueOf();
  const targets = data.request?.targets;
  const queryLabels = useMemo(
    () =>
      Object.fromEntries(
        (targets ?? []).flatMap((t) =>
          isQueryType(t.queryType) ? [[t.refId, QUERY_TYPE_LABELS[t.queryType]]] : [],
        ),
      ),
    [targets],
  );

  const view = useMemo(
    () =>
      trendsView(
        {
          series: data.series,
          state: data.state,
          errors: data.errors ?? (data.error ? [data.error] : []),
          from,
          to,
          intervalMs: data.request?.intervalMs,
          queryLabels,
          width,
        },
        options,
      ),
    [
      data.series,
      data.state,
      data.errors,
      data.error,
      data.request?.intervalMs,
      queryLabels,
      from,
      to,
      options,
    ],
  );
  const frames = useMemo(
    () =>
      view.kind === 'chart'
        ? withDisplay(applySeriesVisibility(view.frames, fieldConfig.overrides), theme, timeZone)
        : [],
    [view, fieldConfig.overrides, theme, timeZone],
  );
  const plotRange = useMemo<TimeRange | undefined>(
    () =>
      view.kind === 'chart'
        ? { from: dateTime(view.from), to: dateTime(view.to), raw: timeRange.raw }
        : undefined,
    [view, timeRange.raw],
  );

  if (view.kind === 'loading') {
    return <div className={styles.message}>Loading migration trends…</div>;
  }
  if (view.kind === 'message' || !plotRange) {
    return (
      <div data-testid="oma-trends-message" className={styles.fill}>
        <PanelDataErrorView
          panelId={id}
          data={data}
          fieldConfig={fieldConfig}
          message={view.kind === 'message' ? view.message : undefined}
        />
      </div>
    );
  }

  const cursorSync = sync?.() ?? DashboardCursorSync.Off;
  const noticeHeight = view.notices.length * NOTICE_HEIGHT;
  return (
    <div data-testid="oma-trends-panel" style={{ width, height }}>
      <TimeSeries
        frames={frames}
        structureRev={data.structureRev}
        timeRange={plotRange}
        timeZone={timeZone}
        width={width}
        height={height - noticeHeight}
        legend={options.legend}
        options={options}
      >
        {(builder, alignedFrame) =>
          options.tooltip.mode !== TooltipDisplayMode.None && (
            <TooltipPlugin2
              config={builder}
              hoverMode={options.tooltip.mode === TooltipDisplayMode.Single ? HOVER_ONE : HOVER_ALL}
              syncMode={cursorSync}
              syncScope={eventsScope}
              render={(u, dataIdxs, seriesIdx, isPinned) => (
                <TrendsTooltip
                  frame={alignedFrame}
                  dataIdxs={dataIdxs}
                  seriesIdx={seriesIdx}
                  mode={options.tooltip.mode}
                  sort={options.tooltip.sort}
                  isPinned={isPinned}
                  timeZone={timeZone}
                />
              )}
              maxWidth={options.tooltip.maxWidth}
            />
          )
        }
      </TimeSeries>
      {view.notices.map((notice) => (
        <div key={notice} className={styles.notice} data-testid="oma-trends-notice">
          {notice}
        </div>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  fill: css({ width: '100%', height: '100%' }),
  message: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    color: theme.colors.text.secondary,
  }),
  notice: css({
    height: NOTICE_HEIGHT,
    lineHeight: `${NOTICE_HEIGHT}px`,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
});
