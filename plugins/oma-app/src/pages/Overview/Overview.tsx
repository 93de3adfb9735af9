import { css } from '@emotion/css';
import {
  dateTime,
  dateTimeFormatTimeAgo,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type GrafanaTheme2,
} from '@grafana/data';
import { config, getDataSourceSrv, PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  InteractiveTable,
  LinkButton,
  LoadingPlaceholder,
  Stack,
  Text,
  useStyles2,
  type Column,
} from '@grafana/ui';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { lastValueFrom, type Observable, type Subscription } from 'rxjs';

import { CONFIG_URL, DATASOURCE_UID, LIVE_DASHBOARD_UID, OPERATIONS_DASHBOARD_UID } from '../../constants';
import type { OmaQuery } from '../../datasource/types';
import {
  buildOverview,
  countLabel,
  LIMITS,
  FAILED_WINDOW_HOURS,
  formatEta,
  leftActive,
  LIVE_QUERY,
  OVERVIEW_QUERIES,
  type FailedJob,
  type OverviewModel,
  type RunningJob,
  type VmStatus,
} from './overview';

const REFRESH_MS = 30_000;

type Load =
  | { state: 'loading' }
  | { state: 'unconfigured'; reason: string }
  | { state: 'error'; message: string; frames?: DataFrame[] }
  | { state: 'done'; frames: DataFrame[]; at: number };

/** The streaming query's latest answer: the active jobs, and how they arrive. */
interface Live {
  frames: DataFrame[];
  error?: string;
  /** websocket, polling or connecting (the stream's frame meta). */
  transport?: string;
}

const STATUS_LABELS: Record<
  VmStatus,
  { text: string; color: 'blue' | 'green' | 'red' | 'orange' | 'purple' | 'darkgrey' }
> = {
  discovered: { text: 'Discovered', color: 'darkgrey' },
  replicating: { text: 'Replicating', color: 'blue' },
  ready_for_failover: { text: 'Ready for failover', color: 'green' },
  failed_over_test: { text: 'Test failover', color: 'purple' },
  failed_over_live: { text: 'Live failover', color: 'green' },
  completed: { text: 'Completed', color: 'green' },
  failed: { text: 'Failed', color: 'red' },
  cleanup_required: { text: 'Cleanup required', color: 'orange' },
};

/** What went wrong: Grafana's DataSourceSrv rejects with a plain `{ message }` object, not an Error. */
function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}

/** A request for the overview's queries, the way a dashboard panel sends one. */
function overviewRequest(targets: OmaQuery[]): DataQueryRequest<OmaQuery> {
  const to = dateTime();
  const from = dateTime(to.valueOf() - FAILED_WINDOW_HOURS * 3600_000);
  return {
    requestId: `oma-overview-${Date.now()}`,
    interval: '1m',
    intervalMs: 60_000,
    range: { from, to, raw: { from: `now-${FAILED_WINDOW_HOURS}h`, to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'browser',
    app: 'oma-migration-app',
    startTime: Date.now(),
  };
}

/** Runs the overview's periodic queries (failures, VM counts) through the suite's data source. */
async function loadOverview(datasourceUid: string): Promise<Load> {
  let ds;
  try {
    ds = await getDataSourceSrv().get({ uid: datasourceUid });
  } catch (err) {
    return { state: 'unconfigured', reason: messageOf(err) };
  }
  const response = await lastValueFrom(
    ds.query(overviewRequest(OVERVIEW_QUERIES)) as Observable<DataQueryResponse>,
  );
  const frames = response.data as DataFrame[];
  const error = response.errors?.[0] ?? response.error;
  return error
    ? { state: 'error', message: error.message ?? 'The query failed', frames }
    : { state: 'done', frames, at: Date.now() };
}

/** The active jobs as a streaming query: each answer replaces the last, until unmounted. */
function useLiveRunning(datasourceUid: string): Live {
  const [live, setLive] = useState<Live>({ frames: [] });
  useEffect(() => {
    let subscription: Subscription | undefined;
    let unmounted = false;
    getDataSourceSrv()
      .get({ uid: datasourceUid })
      .then(
        (ds) => {
          if (unmounted) {
            return;
          }
          const stream = ds.query(overviewRequest([LIVE_QUERY])) as Observable<DataQueryResponse>;
          subscription = stream.subscribe({
            next: (response) => {
              const frames = response.data as DataFrame[];
              setLive({
                frames,
                error: response.errors?.[0]?.message,
                transport: frames[0]?.meta?.custom?.live?.transport,
              });
            },
            error: (err: unknown) => setLive({ frames: [], error: messageOf(err) }),
          });
        },
        // The periodic load shows that the data source is missing.
        () => undefined,
      );
    return () => {
      unmounted = true;
      subscription?.unsubscribe();
    };
  }, [datasourceUid]);
  return live;
}

const TRANSPORT_TEXT: Record<string, string> = {
  websocket: 'live over WebSocket',
  polling: 'live by polling',
  connecting: 'connecting…',
};

export function Overview({ datasourceUid = DATASOURCE_UID }: { datasourceUid?: string }) {
  const styles = useStyles2(getStyles);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const live = useLiveRunning(datasourceUid);
  const refresh = useCallback(() => {
    loadOverview(datasourceUid).then(setLoad, (err: unknown) =>
      setLoad({ state: 'error', message: messageOf(err) }),
    );
  }, [datasourceUid]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const frames = load.state === 'done' || load.state === 'error' ? load.frames : undefined;
  const model = useMemo(
    () => (frames ? buildOverview([...frames, ...live.frames]) : undefined),
    [frames, live.frames],
  );

  // A job that left the active list finished or failed: read the failures again now.
  const previous = useRef<RunningJob[]>([]);
  useEffect(() => {
    const running = buildOverview(live.frames).running;
    if (leftActive(previous.current, running)) {
      refresh();
    }
    previous.current = running;
  }, [live.frames, refresh]);

  const actions = (
    <Stack gap={1}>
      <Button icon="sync" variant="secondary" onClick={refresh} aria-label="Refresh">
        Refresh
      </Button>
      {load.state !== 'unconfigured' && (
        <LinkButton icon="bolt" variant="secondary" href={`/d/${LIVE_DASHBOARD_UID}`}>
          Live Operations dashboard
        </LinkButton>
      )}
      {load.state !== 'unconfigured' && (
        <LinkButton icon="apps" variant="secondary" href={`/d/${OPERATIONS_DASHBOARD_UID}`}>
          Migration Operations dashboard
        </LinkButton>
      )}
    </Stack>
  );

  return (
    <PluginPage actions={actions}>
      <div
        className={styles.page}
        data-testid="oma-overview"
        data-state={load.state}
        data-live={live.transport ?? 'none'}
      >
        {load.state === 'loading' && <LoadingPlaceholder text="Loading migrations…" />}
        {load.state === 'unconfigured' && <Unconfigured reason={load.reason} />}
        {load.state === 'error' && (
          <Alert title="The overview could not be loaded" severity="error">
            {load.message}
          </Alert>
        )}
        {live.error &&
          load.state !== 'unconfigured' &&
          !(load.state === 'error' && load.message === live.error) && (
            <Alert title="Live progress is unavailable" severity="warning">
              {live.error}
            </Alert>
          )}
        {model && <OverviewBody model={model} />}
        {load.state === 'done' && (
          <Text color="secondary" variant="bodySmall">
            Migrating now: {TRANSPORT_TEXT[live.transport ?? 'connecting'] ?? live.transport}. Failures and VM
            counts updated {dateTime(load.at).format('HH:mm:ss')}; they refresh every {REFRESH_MS / 1000} s
            and when a migration ends.
          </Text>
        )}
      </div>
    </PluginPage>
  );
}

function Unconfigured({ reason }: { reason: string }) {
  const isAdmin = config.bootData?.user?.orgRole === 'Admin';
  return (
    <EmptyState
      variant="call-to-action"
      message="Connect Grafana to your OMA Migration Insights server"
      button={
        isAdmin ? (
          <LinkButton icon="cog" href={CONFIG_URL}>
            Open the configuration
          </LinkButton>
        ) : undefined
      }
    >
      {isAdmin
        ? 'Enter the server URL and tokens on the configuration page: it creates the data source and imports the dashboards.'
        : 'Ask a Grafana administrator to configure the OMA Migration Insights app.'}{' '}
      <Text color="secondary">({reason})</Text>
    </EmptyState>
  );
}

function OverviewBody({ model }: { model: OverviewModel }) {
  const styles = useStyles2(getStyles);
  return (
    <Stack direction="column" gap={3}>
      <section aria-label="VM status counts" className={styles.tiles}>
        <Tile label="VMs" value={countLabel(model.vms.total, LIMITS.vms)} />
        <Tile
          label="Migrating now"
          value={countLabel(model.running.length, LIMITS.running)}
          tone={model.running.length ? 'info' : undefined}
        />
        <Tile
          label={`Failed (${FAILED_WINDOW_HOURS} h)`}
          value={countLabel(model.failed.length, LIMITS.failed)}
          tone={model.failed.length ? 'error' : 'success'}
        />
        {model.vms.byStatus.map(({ status, count }) => (
          <div key={status} className={styles.tile} data-testid={`status-${status}`}>
            <Badge text={STATUS_LABELS[status].text} color={STATUS_LABELS[status].color} />
            <span className={styles.tileValue}>{count}</span>
          </div>
        ))}
      </section>

      <section aria-label="Migrating now">
        <Text element="h3" variant="h4">
          Migrating now
        </Text>
        {model.running.length === 0 ? (
          <Text color="secondary">Nothing is migrating right now.</Text>
        ) : (
          <RunningTable jobs={model.running} />
        )}
      </section>

      <section aria-label="Failed recently">
        <Text element="h3" variant="h4">
          Failed in the last {FAILED_WINDOW_HOURS} hours
        </Text>
        {model.failed.length === 0 ? (
          <Text color="secondary">No migration failed in the last {FAILED_WINDOW_HOURS} hours.</Text>
        ) : (
          <FailedTable jobs={model.failed} />
        )}
      </section>
    </Stack>
  );
}

function Tile({ label, value, tone }: { label: string; value: string; tone?: 'info' | 'error' | 'success' }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.tile} data-testid={`tile-${label}`}>
      <Text color="secondary">{label}</Text>
      <span className={css(styles.tileValue, tone && styles.tone[tone])}>{value}</span>
    </div>
  );
}

function RunningTable({ jobs }: { jobs: RunningJob[] }) {
  const styles = useStyles2(getStyles);
  const columns = useMemo<Array<Column<RunningJob>>>(
    () => [
      { id: 'vm', header: 'VM', sortType: 'string' },
      { id: 'status', header: 'Status', cell: ({ row }) => row.original.status ?? '—' },
      { id: 'phase', header: 'Phase', cell: ({ row }) => row.original.phase ?? '—' },
      {
        id: 'percent',
        header: 'Progress',
        sortType: 'number',
        cell: ({ row }) => (
          <div className={styles.progress} title={`${row.original.percent.toFixed(1)} %`}>
            <div
              className={styles.progressBar}
              style={{ width: `${Math.min(100, row.original.percent)}%` }}
            />
            <span className={styles.progressText}>{row.original.percent.toFixed(1)} %</span>
          </div>
        ),
      },
      {
        id: 'throughputMBps',
        header: 'Throughput',
        sortType: 'number',
        cell: ({ row }) => `${row.original.throughputMBps.toFixed(1)} MB/s`,
      },
      { id: 'etaSeconds', header: 'ETA', cell: ({ row }) => formatEta(row.original.etaSeconds) },
    ],
    [styles],
  );
  return <InteractiveTable columns={columns} data={jobs} getRowId={(job) => job.jobId} pageSize={15} />;
}

function FailedTable({ jobs }: { jobs: FailedJob[] }) {
  const columns = useMemo<Array<Column<FailedJob>>>(
    () => [
      { id: 'vm', header: 'VM', sortType: 'string' },
      { id: 'vcenter', header: 'vCenter', sortType: 'string' },
      {
        id: 'at',
        header: 'Failed',
        sortType: 'number',
        cell: ({ row }) => (row.original.at === null ? '—' : dateTimeFormatTimeAgo(row.original.at)),
      },
      {
        id: 'classification',
        header: 'Class',
        cell: ({ row }) => <Badge text={row.original.classification ?? 'unclassified'} color="red" />,
      },
      { id: 'message', header: 'Error', cell: ({ row }) => row.original.message ?? 'no message' },
    ],
    [],
  );
  return <InteractiveTable columns={columns} data={jobs} getRowId={(job) => job.jobId} pageSize={10} />;
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  tiles: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))',
    gap: theme.spacing(1.5),
  }),
  tile: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    padding: theme.spacing(1.5, 2),
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
  }),
  tileValue: css({ fontSize: theme.typography.h2.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  tone: {
    info: css({ color: theme.colors.info.text }),
    error: css({ color: theme.colors.error.text }),
    success: css({ color: theme.colors.success.text }),
  },
  progress: css({
    position: 'relative',
    minWidth: 140,
    height: theme.spacing(2.5),
    background: theme.colors.background.canvas,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  progressBar: css({ height: '100%', background: theme.colors.primary.main, opacity: 0.7 }),
  progressText: css({
    position: 'absolute',
    inset: 0,
    display: 'flex',
    alignItems: 'center',
    paddingLeft: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.primary,
  }),
});
