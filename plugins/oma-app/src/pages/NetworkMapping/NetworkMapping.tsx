import { css } from '@emotion/css';
import { dateTime, type GrafanaTheme2, type PanelData } from '@grafana/data';
import { createQueryRunner, getAppEvents, PanelRenderer, PluginPage, RefreshEvent } from '@grafana/runtime';
import { Alert, Button, LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import { useEffect, useMemo, useRef, useState } from 'react';

import { CONFIG_URL, DATASOURCE_TYPE, DATASOURCE_UID } from '../../constants';
import type { OmaQuery } from '../../datasource/types';
import {
  BULK_MAPPING_PANEL_ID,
  BULK_MAPPING_QUERIES,
  mappingSummary,
  TOPOLOGY_PANEL_ID,
  TOPOLOGY_QUERIES,
} from './network-mapping';

const RANGE_HOURS = 24;
const PANEL_BORDER = 1;

/**
 * Runs a panel's queries with Grafana's query runner, as a dashboard would, and again on every
 * RefreshEvent on the app's event bus (a panel publishes one after it changed mappings, so both
 * panels and the summary show the change).
 */
function usePanelData(datasourceUid: string, queries: OmaQuery[], refreshes: number): PanelData | undefined {
  const [data, setData] = useState<PanelData>();
  const runner = useMemo(() => createQueryRunner(), []);
  useEffect(() => {
    const sub = runner.get().subscribe(setData);
    return () => {
      sub.unsubscribe();
      runner.destroy();
    };
  }, [runner]);
  useEffect(() => {
    const to = dateTime();
    const from = dateTime(to.valueOf() - RANGE_HOURS * 3600_000);
    runner.run({
      datasource: { type: DATASOURCE_TYPE, uid: datasourceUid },
      queries: queries.map((q) => ({ ...q, datasource: { type: DATASOURCE_TYPE, uid: datasourceUid } })),
      timezone: 'browser',
      timeRange: { from, to, raw: { from: `now-${RANGE_HOURS}h`, to: 'now' } },
      maxDataPoints: 1000,
      minInterval: null,
      app: 'oma-migration-app',
    });
  }, [runner, datasourceUid, queries, refreshes]);
  return data;
}

/** The width of an element, following its resizes (the panels are as wide as the page). */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/**
 * Where an operator works through unmapped and invalid networks: a summary, the topology panel
 * and the bulk mapping panel, both full-size.
 */
export function NetworkMapping({ datasourceUid = DATASOURCE_UID }: { datasourceUid?: string }) {
  const styles = useStyles2(getStyles);
  const [refreshes, setRefreshes] = useState(0);
  useEffect(() => {
    // A panel that changed mappings asks for a refresh with a RefreshEvent, the dashboard's
    // `variables-changed`, or both at once: one run of the queries for them.
    let pending = false;
    const refresh = () => {
      if (!pending) {
        pending = true;
        queueMicrotask(() => {
          pending = false;
          setRefreshes((n) => n + 1);
        });
      }
    };
    const events = getAppEvents();
    const subs = [
      events.subscribe(RefreshEvent, refresh),
      events.subscribe({ type: 'variables-changed' } as unknown as typeof RefreshEvent, refresh),
    ];
    return () => subs.forEach((s) => s.unsubscribe());
  }, []);
  const topology = usePanelData(datasourceUid, TOPOLOGY_QUERIES, refreshes);
  const bulk = usePanelData(datasourceUid, BULK_MAPPING_QUERIES, refreshes);
  const summary = useMemo(() => topology && mappingSummary(topology.series), [topology]);
  const [topologyOptions, setTopologyOptions] = useState<Record<string, unknown>>({});
  const [bulkOptions, setBulkOptions] = useState<Record<string, unknown>>({});
  const { ref, width } = useWidth();
  const viewport = typeof window === 'undefined' ? 900 : window.innerHeight;
  // The topology shares the first screen with the summary; the bulk panel below gets a screen
  // of its own (the page scrolls to it), room for its VM list, rules and actions.
  const topologyHeight = Math.max(520, viewport - 220);
  const bulkHeight = Math.max(640, viewport - 48);
  // Inside the frames' borders.
  const panelWidth = width - 2 * PANEL_BORDER;
  const failure = topology?.errors?.[0]?.message ?? topology?.error?.message;

  const actions = (
    <Button icon="sync" variant="secondary" onClick={() => setRefreshes((n) => n + 1)}>
      Refresh
    </Button>
  );
  return (
    <PluginPage actions={actions}>
      <div ref={ref} className={styles.page} data-testid="oma-network-mapping">
        {failure && !summary && (
          <Alert title="The network mappings could not be loaded" severity="error">
            {failure}{' '}
            <LinkButton variant="secondary" size="sm" href={CONFIG_URL}>
              Configuration
            </LinkButton>
          </Alert>
        )}
        <section className={styles.summary} aria-label="Mapping summary" data-testid="oma-mapping-summary">
          <SummaryTile
            id="unmapped"
            label="Networks with unmapped VMs"
            value={summary?.unmappedNetworks}
            tone="warning"
          />
          <SummaryTile
            id="unmapped-vms"
            label="VM NICs without a mapping"
            value={summary?.unmappedVms}
            tone="warning"
          />
          <SummaryTile id="invalid" label="Invalid mappings" value={summary?.invalidMappings} tone="error" />
          <Text color="secondary" variant="bodySmall">
            Live failover. Work through them in the topology (click a dashed recommendation to apply it) or in
            bulk below.
          </Text>
        </section>
        {width > 0 && (
          <Stack direction="column" gap={2}>
            <div className={styles.panel}>
              <PanelRenderer
                pluginId={TOPOLOGY_PANEL_ID}
                title="Network topology"
                data={topology}
                options={topologyOptions}
                onOptionsChange={setTopologyOptions}
                width={panelWidth}
                height={topologyHeight}
              />
            </div>
            <div className={styles.panel}>
              <PanelRenderer
                pluginId={BULK_MAPPING_PANEL_ID}
                title="Bulk mapping"
                data={bulk}
                options={bulkOptions}
                onOptionsChange={setBulkOptions}
                width={panelWidth}
                height={bulkHeight}
              />
            </div>
          </Stack>
        )}
      </div>
    </PluginPage>
  );
}

function SummaryTile(props: {
  id: string;
  label: string;
  value: number | undefined;
  tone: 'warning' | 'error';
}) {
  const styles = useStyles2(getStyles);
  const { id, label, value, tone } = props;
  return (
    <div className={styles.tile} data-testid={`summary-${id}`}>
      <span className={styles.tileLabel}>{label}</span>
      <span className={value ? styles[tone] : styles.zero}>{value ?? '…'}</span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  summary: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(2), flexWrap: 'wrap' }),
  tile: css({
    display: 'flex',
    flexDirection: 'column',
    minWidth: 180,
    padding: theme.spacing(1, 2),
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
  }),
  tileLabel: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  warning: css({ ...theme.typography.h3, margin: 0, color: theme.colors.warning.text }),
  error: css({ ...theme.typography.h3, margin: 0, color: theme.colors.error.text }),
  zero: css({ ...theme.typography.h3, margin: 0, color: theme.colors.success.text }),
  panel: css({
    border: `${PANEL_BORDER}px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.primary,
    overflow: 'hidden',
  }),
});
