import { css } from '@emotion/css';
import type { GrafanaTheme2, PanelProps } from '@grafana/data';
import { PanelDataErrorView, RefreshEvent } from '@grafana/runtime';
import { Alert, Badge, RadioButtonGroup, Stack, Text, useStyles2 } from '@grafana/ui';
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';

import { mappingEditAccess, omaDataSource } from '../../common/oma-datasource';
import { toFlowError } from '../apply-errors';
import { bulkMappingClient, newIdempotencyKey, refreshDashboard } from '../bulk-mapping-client';
import { buildDiff } from '../diff';
import { emptyFilters, filterChoices, filterVms, type VmFilters } from '../filter';
import { canApply, flowReducer, idempotencyKeyFor, initialFlow } from '../flow';
import { classifyFrames, resolveFailoverType, vmRowsCutAt } from '../frames';
import { buildBulkRequest, requestKey, type MappingMode } from '../request';
import { buildRuleRows, readDestinations, readRecommendations, type RuleOverrides } from '../rules';
import { FAILOVER_TYPE_LABELS, MAX_VM_LIST_ROWS, MIN_VM_LIST_ROWS, type BulkMappingOptions } from '../types';
import { buildVmRows } from '../vm-rows';
import { ActionBar } from './ActionBar';
import { DiffView } from './DiffView';
import { ErrorNotice } from './ErrorNotice';
import { FilterBar } from './FilterBar';
import { RulesTable } from './RulesTable';
import { VmList } from './VmList';

const MODE_OPTIONS: Array<{ value: MappingMode; label: string; description: string }> = [
  { value: 'rules', label: 'Rules', description: 'Map each source network as the rules table says' },
  {
    value: 'recommendations',
    label: 'Top recommendations',
    description: 'The server maps every selected NIC to its top recommendation',
  },
];

type Props = PanelProps<BulkMappingOptions>;

/** Filter VMs, review rules pre-filled from recommendations, dry run, then apply. */
export function BulkMappingPanel(props: Props) {
  const { data, options, width, height, id, fieldConfig, replaceVariables, eventBus } = props;
  const styles = useStyles2(getStyles);
  const access = useMemo(() => mappingEditAccess(), []);

  // Data -> model (pure modules; recomputed only when the frames change).
  const frames = useMemo(() => classifyFrames(data.series), [data.series]);
  const vms = useMemo(() => buildVmRows(frames.vms), [frames.vms]);
  const recommendations = useMemo(
    () => readRecommendations(frames.recommendations),
    [frames.recommendations],
  );
  const destinations = useMemo(
    () => readDestinations(frames.destinations, recommendations, vms),
    [frames.destinations, recommendations, vms],
  );
  const targets = data.request?.targets;
  const { failoverType, source: failoverSource } = resolveFailoverType(
    frames.recommendations,
    targets,
    replaceVariables,
    options.failoverType,
  );
  const cutAt = vmRowsCutAt(frames.vms);

  // What the operator chose.
  const [filters, setFilters] = useState<VmFilters>(() => emptyFilters(options.nameMatchType));
  const [overrides, setOverrides] = useState<RuleOverrides>({});
  const [chosenMode, setMode] = useState<MappingMode>('rules');
  const mode = options.allowUseRecommendations ? chosenMode : 'rules';
  // Rules are per failover type: a choice made for live does not carry over to test.
  useEffect(() => setOverrides({}), [failoverType]);

  const filtered = useMemo(() => filterVms(vms, filters), [vms, filters]);
  const choices = useMemo(() => filterChoices(vms, filters), [vms, filters]);
  const rules = useMemo(
    () =>
      buildRuleRows({
        selected: filtered.rows,
        failoverType,
        recommendations,
        destinations,
        overrides,
        sourceNetwork: filters.sourceNetwork,
      }),
    [filtered.rows, failoverType, recommendations, destinations, overrides, filters.sourceNetwork],
  );
  const built = useMemo(
    () =>
      buildBulkRequest(
        { filters, filterError: filtered.error, selected: filtered.rows, rules, mode, failoverType },
        true,
      ),
    [filters, filtered, rules, mode, failoverType],
  );
  // Serialises 10,000+ VM names: once per request, not on every render.
  const key = useMemo(() => (built.ok ? requestKey(built.request) : null), [built]);

  // Dry run -> apply.
  const [flow, dispatch] = useReducer(flowReducer, initialFlow);
  useEffect(() => dispatch({ type: 'requestChanged', requestKey: key }), [key]);
  const dryRunDiff = useMemo(
    () => (flow.dryRun ? buildDiff(flow.dryRun, options.diffVmsPerLine) : null),
    [flow.dryRun, options.diffVmsPerLine],
  );
  const appliedDiff = useMemo(
    () => (flow.applied ? buildDiff(flow.applied.result, options.diffVmsPerLine) : null),
    [flow.applied, options.diffVmsPerLine],
  );

  const runDryRun = useCallback(async () => {
    if (!built.ok || key === null) return;
    dispatch({ type: 'dryRunStarted', requestKey: key });
    try {
      const send = bulkMappingClient(await omaDataSource(data));
      dispatch({ type: 'dryRunDone', requestKey: key, result: await send(built.request) });
    } catch (err) {
      dispatch({ type: 'failed', requestKey: key, error: toFlowError(err, 'dryRun') });
    }
  }, [built, key, data]);

  const runApply = useCallback(async () => {
    if (!built.ok || key === null || !canApply(flow, key)) return;
    // Reused when this request's last apply got no answer: the server applies it at most once.
    const idempotencyKey = idempotencyKeyFor(flow, key, newIdempotencyKey);
    dispatch({ type: 'applyStarted', requestKey: key, idempotencyKey });
    try {
      const send = bulkMappingClient(await omaDataSource(data));
      const result = await send({ ...built.request, dry_run: false }, idempotencyKey);
      dispatch({ type: 'applyDone', requestKey: key, result });
      if (options.refreshAfterApply) {
        // Everything showing mappings runs its queries again: the panel's own bus (a dashboard
        // panel, an app page's PanelRenderer) and the dashboard (Scenes or classic).
        eventBus.publish(new RefreshEvent());
        refreshDashboard();
      }
    } catch (err) {
      dispatch({ type: 'failed', requestKey: key, error: toFlowError(err, 'apply') });
    }
  }, [built, key, flow, data, options.refreshAfterApply, eventBus]);

  if (frames.vms.length === 0) {
    return (
      <PanelDataErrorView
        panelId={id}
        data={data}
        fieldConfig={fieldConfig}
        message={
          'Add a "Network VMs" query of the OMA Migration Insights data source (and "Network recommendations" to pre-fill the rules).'
        }
      />
    );
  }

  const readOnly = !access.allowed;
  const busy = flow.busy;
  const nics = filtered.rows.reduce((n, vm) => n + vm.nics.length, 0);
  const visibleRows = Math.min(MAX_VM_LIST_ROWS, Math.max(MIN_VM_LIST_ROWS, options.vmListRows));

  return (
    <div className={styles.panel} style={{ width, height }} data-testid="oma-bulkmapping-panel">
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Badge
          text={FAILOVER_TYPE_LABELS[failoverType]}
          color={failoverType === 'live' ? 'blue' : 'purple'}
        />
        <Text color="secondary" data-testid="selection-count">
          {filtered.rows.length} of {vms.length} VMs selected · {nics} NICs
        </Text>
        {failoverSource === 'options' && (
          <Text color="secondary" variant="bodySmall">
            (failover type from the panel options)
          </Text>
        )}
      </Stack>
      {readOnly && (
        // The reason says "Read-only: …" itself: as the title, once.
        <Alert severity="info" title={access.reason ?? 'Read-only'} />
      )}
      {cutAt !== undefined && (
        <Alert
          severity="warning"
          title={`The VM list stops at ${cutAt} NIC rows: the server cut it at the query's limit`}
        >
          VMs beyond it are not listed and not changed. Narrow the dashboard&apos;s vCenter or datacenter, or
          raise the query&apos;s limit.
        </Alert>
      )}
      <FilterBar
        filters={filters}
        choices={choices}
        error={filtered.error}
        disabled={busy === 'apply'}
        onChange={setFilters}
      />
      <VmList vms={filtered.rows} failoverType={failoverType} visibleRows={visibleRows} />

      <Stack gap={2} alignItems="center" wrap="wrap">
        <Text element="h4" variant="h5">
          Rules
        </Text>
        {options.allowUseRecommendations && (
          <RadioButtonGroup
            size="sm"
            options={MODE_OPTIONS}
            value={mode}
            disabled={readOnly || busy === 'apply'}
            onChange={setMode}
          />
        )}
        {frames.recommendations.length === 0 && (
          <Text color="secondary" variant="bodySmall">
            No recommendations query: choose each destination.
          </Text>
        )}
      </Stack>
      <RulesTable
        rules={rules}
        destinations={destinations}
        showReasons={options.showReasons}
        readOnly={readOnly || mode === 'recommendations' || busy === 'apply'}
        onChange={(network, destinationId) => setOverrides((o) => ({ ...o, [network]: destinationId }))}
      />

      {/* Results above the actions, which stay at the panel's bottom edge while it scrolls. */}
      {flow.error && (
        <ErrorNotice
          error={flow.error}
          onRetry={flow.error.during === 'apply' ? runApply : runDryRun}
          retryDisabled={busy !== null}
        />
      )}
      {dryRunDiff && <DiffView diff={dryRunDiff} listedVms={filtered.rows.length} />}
      {appliedDiff && flow.applied && (
        <DiffView
          diff={appliedDiff}
          listedVms={flow.applied.requestKey === key ? filtered.rows.length : appliedDiff.summary.vms_matched}
        />
      )}
      <ActionBar
        readOnlyReason={readOnly ? access.reason : undefined}
        problem={built.ok ? undefined : built.problem}
        busy={busy}
        dryRun={dryRunDiff}
        canApply={canApply(flow, key)}
        requireConfirmation={options.requireConfirmation}
        failoverType={failoverType}
        onDryRun={runDryRun}
        onApply={runApply}
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
    overflow: 'auto',
    // None below: the sticky action bar meets the panel's bottom edge (a sticky box keeps clear of
    // its scroller's padding, and what scrolls under it would show through the gap).
    padding: theme.spacing(0.5, 0.5, 0),
  }),
});
