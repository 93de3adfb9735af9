import { useEffect, useState, type ChangeEvent } from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import {
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  RadioButtonGroup,
  Select,
  Stack,
  Text,
} from '@grafana/ui';

import type { DataSource } from '../datasource';
import { normalizeQuery } from '../query';
import {
  CBT_VIEWS,
  DEFAULT_CANDIDATES,
  DEFAULT_CBT_VIEW,
  DEFAULT_LIMIT,
  DEFAULT_PERFORMANCE_VIEW,
  DEFAULT_SUCCESS_RATE_GROUP,
  DEFAULT_VOLUME_VIEW,
  DEFAULT_PREDICTION_CONCURRENCY,
  EDITOR_QUERY_TYPES,
  FAILOVER_TYPE_LABELS,
  FAILOVER_TYPES,
  JOB_STATUS_FILTERS,
  LIVE_MODE_LABELS,
  LIVE_MODES,
  LIVE_PROGRESS_VIEWS,
  MAX_LIVE_ROWS,
  MAX_CANDIDATES,
  MAX_LIMIT,
  MAX_PREDICTION_CONCURRENCY,
  PERFORMANCE_VIEWS,
  QUERY_TYPE_LABELS,
  SUCCESS_RATE_GROUPS,
  VARIABLE_KINDS,
  VM_STATUSES,
  VOLUME_VIEWS,
  assertNever,
  type AnalyticsFilter,
  type AnalyticsQuery,
  type CbtPerformanceQuery,
  type CbtView,
  type FailedJobAnnotationsQuery,
  type JobStatusFilter,
  type JobsQuery,
  type LiveMode,
  type LiveProgressQuery,
  type LiveProgressView,
  type NetworkRecommendationsQuery,
  type NetworkTopologyQuery,
  type NetworkValidationQuery,
  type NetworkVmsQuery,
  type OmaDataSourceOptions,
  type OmaQuery,
  type PerformanceMetricsQuery,
  type PerformanceView,
  type PredictionsQuery,
  type SuccessRateGroup,
  type SuccessRatesQuery,
  type QueryType,
  type StreamingQuery,
  type VariableKind,
  type VariableQuery,
  type VmContextsQuery,
  type VmDisksQuery,
  type CbtHistoryQuery,
  type VolumePerformanceQuery,
  type VolumeView,
} from '../types';

type Props = QueryEditorProps<DataSource, OmaQuery, OmaDataSourceOptions>;

const LABEL_WIDTH = 14;

const JOB_STATUS_LABELS: Record<JobStatusFilter, string> = {
  running: 'Running',
  recent: 'Recent',
  failed: 'Failed',
  all: 'All',
};

const VM_STATUS_OPTIONS: Array<SelectableValue<string>> = VM_STATUSES.map((s) => ({
  value: s,
  label: s.replace(/_/g, ' '),
}));

/** A fresh query of another type keeps only what identifies it in the panel. */
export function switchQueryType(query: OmaQuery, queryType: QueryType): OmaQuery {
  const keep = { refId: query.refId, datasource: query.datasource, hide: query.hide, key: query.key };
  switch (queryType) {
    case 'vmContexts':
      return { ...keep, queryType, limit: DEFAULT_LIMIT };
    case 'jobs':
      return { ...keep, queryType, status: 'running', limit: DEFAULT_LIMIT };
    case 'variable':
      return { ...keep, queryType, variable: 'vcenters' };
    case 'failedJobAnnotations':
    case 'networkPerformance':
    case 'networkAdoption':
    case 'predictions':
    case 'migrationTrends':
    case 'analyticsSummary':
      return { ...keep, queryType };
    case 'successRates':
      return { ...keep, queryType, group_by: DEFAULT_SUCCESS_RATE_GROUP };
    case 'performanceMetrics':
      return { ...keep, queryType, view: DEFAULT_PERFORMANCE_VIEW };
    case 'cbtPerformance':
      return { ...keep, queryType, view: DEFAULT_CBT_VIEW };
    case 'volumePerformance':
      return { ...keep, queryType, view: DEFAULT_VOLUME_VIEW };
    case 'networkTopology':
    case 'networkValidation':
      return { ...keep, queryType, failoverType: 'live' };
    case 'networkRecommendations':
      return { ...keep, queryType, failoverType: 'live', candidates: DEFAULT_CANDIDATES };
    case 'networkVms':
      // No limit: the server lists every NIC up to its cap.
      return { ...keep, queryType };
    case 'liveProgress':
      return { ...keep, queryType, view: 'jobs' };
    case 'notifications':
    case 'systemHealth':
      return { ...keep, queryType };
    case 'vmDisks':
    case 'cbtHistory':
      return { ...keep, queryType, limit: DEFAULT_LIMIT };
    default:
      return assertNever(queryType, 'query type');
  }
}

function parseCount(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n > 0 ? Math.floor(n) : undefined;
}

export function QueryEditor({ query: rawQuery, onChange, onRunQuery }: Props) {
  const query = normalizeQuery(rawQuery);

  const change = (next: OmaQuery, run: boolean) => {
    onChange(next);
    if (run) {
      onRunQuery();
    }
  };

  const typeOptions: Array<SelectableValue<QueryType>> = EDITOR_QUERY_TYPES.map((t) => ({
    value: t,
    label: QUERY_TYPE_LABELS[t],
  }));
  if (!(EDITOR_QUERY_TYPES as readonly string[]).includes(query.queryType)) {
    // e.g. the failed-job annotation query: shown, but not offered for panels.
    typeOptions.push({ value: query.queryType, label: QUERY_TYPE_LABELS[query.queryType] });
  }

  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
          <Select<QueryType>
            aria-label="Query type"
            width={32}
            options={typeOptions}
            value={query.queryType}
            onChange={(o) =>
              o.value && o.value !== query.queryType && change(switchQueryType(query, o.value), true)
            }
          />
        </InlineField>
      </InlineFieldRow>
      <TypeFields query={query} change={change} />
    </Stack>
  );
}

interface TypeFieldsProps<Q extends OmaQuery = OmaQuery> {
  query: Q;
  change: (next: OmaQuery, run: boolean) => void;
}

function TypeFields({ query, change }: TypeFieldsProps) {
  switch (query.queryType) {
    case 'vmContexts':
      return <VmContextsFields query={query} change={change} />;
    case 'jobs':
      return <JobsFields query={query} change={change} />;
    case 'variable':
      return <VariableFields query={query} change={change} />;
    case 'failedJobAnnotations':
      return <AnnotationFields query={query} change={change} />;
    case 'networkTopology':
      return <NetworkTopologyFields query={query} change={change} />;
    case 'networkRecommendations':
      return <NetworkRecommendationsFields query={query} change={change} />;
    case 'networkVms':
      return <NetworkVmsFields query={query} change={change} />;
    case 'networkValidation':
      return <NetworkValidationFields query={query} change={change} />;
    case 'networkPerformance':
      return (
        <Text color="secondary" element="p">
          Per destination network: replication jobs and throughput, probe latency and loss over the
          dashboard&apos;s time range.
        </Text>
      );
    case 'migrationTrends':
      return (
        <AnalyticsFields
          query={query}
          change={change}
          about="Finished replication jobs per interval over the dashboard's time range: outcomes, bytes, duration p50/p95 and average throughput."
        />
      );
    case 'analyticsSummary':
      return (
        <AnalyticsFields
          query={query}
          change={change}
          about="The headline KPIs over the dashboard's time range, each beside its value for the period of equal length before."
        />
      );
    case 'successRates':
      return <SuccessRatesFields query={query} change={change} />;
    case 'performanceMetrics':
      return <PerformanceMetricsFields query={query} change={change} />;
    case 'cbtPerformance':
      return <ViewAndFilterFields query={query} change={change} labels={CBT_VIEW_LABELS} views={CBT_VIEWS} />;
    case 'volumePerformance':
      return (
        <ViewAndFilterFields query={query} change={change} labels={VOLUME_VIEW_LABELS} views={VOLUME_VIEWS} />
      );
    case 'networkAdoption':
      return (
        <Text color="secondary" element="p">
          How many mapping changes took the top recommendation over the dashboard&apos;s time range: overall,
          by day and by source network.
        </Text>
      );
    case 'predictions':
      return <PredictionsFields query={query} change={change} />;
    case 'liveProgress':
      return <LiveProgressFields query={query} change={change} />;
    case 'vmDisks':
    case 'cbtHistory':
      return <VmDetailFields query={query} change={change} />;
    case 'notifications':
    case 'systemHealth':
      return <StreamingFields query={query} change={change} />;
    default:
      return assertNever(query, 'query');
  }
}

const LIVE_PROGRESS_VIEW_LABELS: Record<LiveProgressView, string> = {
  jobs: 'Active jobs',
  throughput: 'Throughput',
};

/** Unset follows the data source's live mode. */
const LIVE_MODE_OPTIONS: Array<SelectableValue<LiveMode | ''>> = [
  { value: '', label: 'Data source default' },
  ...LIVE_MODES.map((m) => ({ value: m, label: LIVE_MODE_LABELS[m] })),
];

/** Live mode and kept rows, which every streaming query has. */
function StreamingFields({ query, change }: TypeFieldsProps<StreamingQuery>) {
  const keeps = query.queryType === 'notifications' ? 'Rows' : 'Points';
  return (
    <InlineFieldRow>
      <InlineField
        label="Live mode"
        labelWidth={LABEL_WIDTH}
        tooltip="WebSocket pushes, polling, or Auto: WebSocket, polling while the socket cannot be opened. Unset uses the data source's setting."
      >
        <Select<LiveMode | ''>
          aria-label="Live mode"
          width={24}
          options={LIVE_MODE_OPTIONS}
          value={query.liveMode ?? ''}
          onChange={(o) => change({ ...query, liveMode: o.value || undefined }, true)}
        />
      </InlineField>
      {!(query.queryType === 'liveProgress' && query.view !== 'throughput') && (
        <CountField
          label={keeps}
          tooltip={`${keeps} kept while streaming (the oldest leave first), up to ${MAX_LIVE_ROWS}.`}
          max={MAX_LIVE_ROWS}
          value={query.limit}
          onCount={(limit, run) => change({ ...query, limit }, run)}
        />
      )}
    </InlineFieldRow>
  );
}

function LiveProgressFields({ query, change }: TypeFieldsProps<LiveProgressQuery>) {
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField
          label="Show"
          labelWidth={LABEL_WIDTH}
          tooltip="The active jobs with progress, phase, throughput and ETA, or their total throughput over time."
        >
          <RadioButtonGroup<LiveProgressView>
            aria-label="Live progress view"
            options={LIVE_PROGRESS_VIEWS.map((v) => ({ value: v, label: LIVE_PROGRESS_VIEW_LABELS[v] }))}
            value={query.view ?? 'jobs'}
            onChange={(view) => change({ ...query, view }, true)}
          />
        </InlineField>
        <TextFilter
          label="VM"
          tooltip="Only this VM (name or context id), or a template variable such as $vm."
          placeholder="any VM"
          value={query.vm}
          onText={(vm, run) => change({ ...query, vm }, run)}
        />
        <TextFilter
          label="Job"
          tooltip="Only this replication job."
          placeholder="any job"
          value={query.job}
          onText={(job, run) => change({ ...query, job }, run)}
        />
      </InlineFieldRow>
      <StreamingFields query={query} change={change} />
    </Stack>
  );
}

/** A text input that updates the query as you type and runs it when you leave the field. */
function TextFilter(props: {
  label: string;
  tooltip: string;
  value: string | undefined;
  placeholder?: string;
  width?: number;
  onText: (text: string | undefined, run: boolean) => void;
}) {
  const { label, tooltip, value, placeholder, width = 24, onText } = props;
  return (
    <InlineField label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip}>
      <Input
        aria-label={label}
        width={width}
        placeholder={placeholder}
        value={value ?? ''}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onText(e.currentTarget.value || undefined, false)}
        onBlur={(e) => onText(e.currentTarget.value || undefined, true)}
      />
    </InlineField>
  );
}

/** A count edited as text and applied when you leave the field (so it can be cleared and retyped). */
function CountField({
  label,
  tooltip,
  value,
  max,
  onCount,
}: {
  label: string;
  tooltip: string;
  value: number | undefined;
  max?: number;
  onCount: (n: number | undefined, run: boolean) => void;
}) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  return (
    <InlineField label={label} labelWidth={label.length > 6 ? 12 : 8} tooltip={tooltip}>
      <Input
        aria-label={label}
        type="number"
        min={1}
        max={max}
        width={10}
        value={text}
        onChange={(e: ChangeEvent<HTMLInputElement>) => setText(e.currentTarget.value)}
        onBlur={() => {
          const count = parseCount(text);
          if (count !== value) {
            onCount(count, true);
          } else {
            setText(value === undefined ? '' : String(value));
          }
        }}
      />
    </InlineField>
  );
}

function LimitField({
  value,
  onLimit,
}: {
  value: number | undefined;
  onLimit: (n: number | undefined, run: boolean) => void;
}) {
  return <CountField label="Limit" tooltip="Maximum number of rows." value={value} onCount={onLimit} />;
}

function VmContextsFields({ query, change }: TypeFieldsProps<VmContextsQuery>) {
  const statusValue = query.status
    ? (VM_STATUS_OPTIONS.find((o) => o.value === query.status) ?? {
        value: query.status,
        label: query.status,
      })
    : null;
  return (
    <InlineFieldRow>
      <InlineField
        label="Status"
        labelWidth={LABEL_WIDTH}
        tooltip="VM context status, or a template variable such as $status."
      >
        <Select<string>
          aria-label="VM status"
          width={24}
          isClearable
          allowCustomValue
          placeholder="Any status"
          options={VM_STATUS_OPTIONS}
          value={statusValue}
          onChange={(o) => change({ ...query, status: o?.value || undefined }, true)}
        />
      </InlineField>
      <TextFilter
        label="vCenter"
        tooltip="vCenter host, or a template variable such as $vcenter."
        placeholder="any vCenter"
        value={query.vcenter}
        onText={(vcenter, run) => change({ ...query, vcenter }, run)}
      />
      <TextFilter
        label="Search"
        tooltip="Part of the VM name."
        placeholder="VM name contains"
        value={query.search}
        onText={(search, run) => change({ ...query, search }, run)}
      />
      <TextFilter
        label="VMs"
        tooltip="Exact VM names, comma-separated, or a template variable such as $vm."
        placeholder="every VM"
        value={query.vm}
        onText={(vm, run) => change({ ...query, vm }, run)}
      />
      <LimitField value={query.limit} onLimit={(limit, run) => change({ ...query, limit }, run)} />
    </InlineFieldRow>
  );
}

/** vmDisks and cbtHistory: which VMs (the VM Detail dashboard passes $vm) and how many rows. */
function VmDetailFields({ query, change }: TypeFieldsProps<VmDisksQuery | CbtHistoryQuery>) {
  return (
    <InlineFieldRow>
      <TextFilter
        label="VMs"
        tooltip="Exact VM names, comma-separated, or a template variable such as $vm; empty for every VM."
        placeholder="every VM"
        value={query.vm}
        onText={(vm, run) => change({ ...query, vm }, run)}
      />
      <LimitField value={query.limit} onLimit={(limit, run) => change({ ...query, limit }, run)} />
    </InlineFieldRow>
  );
}

function JobsFields({ query, change }: TypeFieldsProps<JobsQuery>) {
  return (
    <InlineFieldRow>
      <InlineField
        label="Jobs"
        labelWidth={LABEL_WIDTH}
        tooltip="Running jobs, recently finished ones, failed ones, or all."
      >
        <RadioButtonGroup<JobStatusFilter>
          aria-label="Job status"
          options={JOB_STATUS_FILTERS.map((s) => ({ value: s, label: JOB_STATUS_LABELS[s] }))}
          value={query.status}
          onChange={(status) => change({ ...query, status }, true)}
        />
      </InlineField>
      <TextFilter
        label="VM"
        tooltip="VM name, or a template variable such as $vm."
        placeholder="any VM"
        value={query.vm}
        onText={(vm, run) => change({ ...query, vm }, run)}
      />
      <LimitField value={query.limit} onLimit={(limit, run) => change({ ...query, limit }, run)} />
    </InlineFieldRow>
  );
}

function VariableFields({ query, change }: TypeFieldsProps<VariableQuery>) {
  return (
    <InlineFieldRow>
      <InlineField label="List" labelWidth={LABEL_WIDTH}>
        <Select<VariableKind>
          aria-label="Variable values"
          width={24}
          options={VARIABLE_KINDS.map((k) => ({ value: k, label: k }))}
          value={query.variable}
          onChange={(o) => o.value && change({ ...query, variable: o.value }, true)}
        />
      </InlineField>
      <TextFilter
        label="vCenter"
        tooltip="Only values of this vCenter."
        value={query.vcenter}
        onText={(vcenter, run) => change({ ...query, vcenter }, run)}
      />
    </InlineFieldRow>
  );
}

function AnnotationFields({ query, change }: TypeFieldsProps<FailedJobAnnotationsQuery>) {
  return (
    <InlineFieldRow>
      <TextFilter
        label="VM"
        tooltip="Only failed jobs of this VM (or a template variable)."
        placeholder="any VM"
        value={query.vm}
        onText={(vm, run) => change({ ...query, vm }, run)}
      />
    </InlineFieldRow>
  );
}

const FAILOVER_OPTIONS: Array<SelectableValue<string>> = FAILOVER_TYPES.map((t) => ({
  value: t,
  label: FAILOVER_TYPE_LABELS[t],
}));

/** live or test, or a template variable such as $failover. */
function FailoverField({
  value,
  onFailover,
}: {
  value: string;
  onFailover: (failoverType: NetworkTopologyQuery['failoverType']) => void;
}) {
  const selected = FAILOVER_OPTIONS.find((o) => o.value === value) ?? { value, label: value };
  return (
    <InlineField
      label="Failover"
      labelWidth={LABEL_WIDTH}
      tooltip="The mapping a VM gets on live failover or on test failover, or a template variable such as $failover."
    >
      <Select<string>
        aria-label="Failover type"
        width={20}
        allowCustomValue
        options={FAILOVER_OPTIONS}
        value={selected}
        onChange={(o) => o.value && onFailover(o.value as NetworkTopologyQuery['failoverType'])}
      />
    </InlineField>
  );
}

function NetworkTopologyFields({ query, change }: TypeFieldsProps<NetworkTopologyQuery>) {
  return (
    <InlineFieldRow>
      <FailoverField
        value={query.failoverType}
        onFailover={(failoverType) => change({ ...query, failoverType }, true)}
      />
      <TextFilter
        label="vCenter"
        tooltip="Only VMs of this vCenter, or a template variable such as $vcenter."
        placeholder="any vCenter"
        value={query.vcenter}
        onText={(vcenter, run) => change({ ...query, vcenter }, run)}
      />
      <TextFilter
        label="Datacenter"
        tooltip="Only VMs of this datacenter, or a template variable such as $datacenter."
        placeholder="any datacenter"
        value={query.datacenter}
        onText={(datacenter, run) => change({ ...query, datacenter }, run)}
      />
    </InlineFieldRow>
  );
}

function NetworkRecommendationsFields({ query, change }: TypeFieldsProps<NetworkRecommendationsQuery>) {
  return (
    <InlineFieldRow>
      <FailoverField
        value={query.failoverType}
        onFailover={(failoverType) => change({ ...query, failoverType }, true)}
      />
      <TextFilter
        label="Source network"
        tooltip="Only this VMware network, or a template variable such as $network."
        placeholder="every source network"
        value={query.sourceNetwork}
        onText={(sourceNetwork, run) => change({ ...query, sourceNetwork }, run)}
      />
      <InlineField
        label="Unmapped only"
        labelWidth={LABEL_WIDTH}
        tooltip="Only source networks with VMs that have no mapping yet."
      >
        <InlineSwitch
          aria-label="Unmapped only"
          value={query.unmappedOnly === true}
          onChange={(e) => change({ ...query, unmappedOnly: e.currentTarget.checked || undefined }, true)}
        />
      </InlineField>
      <CountField
        label="Candidates"
        tooltip={`Ranked destination candidates per source network (1 to ${MAX_CANDIDATES}).`}
        max={MAX_CANDIDATES}
        value={query.candidates}
        onCount={(candidates, run) => change({ ...query, candidates }, run)}
      />
    </InlineFieldRow>
  );
}

function NetworkVmsFields({ query, change }: TypeFieldsProps<NetworkVmsQuery>) {
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <TextFilter
          label="vCenter"
          tooltip="Only VMs of this vCenter, or a template variable such as $vcenter."
          placeholder="any vCenter"
          value={query.vcenter}
          onText={(vcenter, run) => change({ ...query, vcenter }, run)}
        />
        <TextFilter
          label="Datacenter"
          tooltip="Only VMs of this datacenter, or a template variable such as $datacenter."
          placeholder="any datacenter"
          value={query.datacenter}
          onText={(datacenter, run) => change({ ...query, datacenter }, run)}
        />
      </InlineFieldRow>
      <InlineFieldRow>
        <TextFilter
          label="Source network"
          tooltip="Only NICs on this VMware network, or a template variable such as $network."
          placeholder="any source network"
          value={query.sourceNetwork}
          onText={(sourceNetwork, run) => change({ ...query, sourceNetwork }, run)}
        />
        <TextFilter
          label="Search"
          tooltip="Part of the VM name."
          placeholder="VM name contains"
          value={query.search}
          onText={(search, run) => change({ ...query, search }, run)}
        />
        <LimitField value={query.limit} onLimit={(limit, run) => change({ ...query, limit }, run)} />
      </InlineFieldRow>
    </Stack>
  );
}

function PredictionsFields({ query, change }: TypeFieldsProps<PredictionsQuery>) {
  return (
    <InlineFieldRow>
      <TextFilter
        label="VMs"
        tooltip="Comma-separated VM names or a template variable such as $vm; empty for every VM."
        placeholder="every VM"
        value={query.vm}
        onText={(vm, run) => change({ ...query, vm }, run)}
      />
      <TextFilter
        label="vCenter"
        tooltip="Only VMs of this vCenter, or a template variable such as $vcenter."
        placeholder="any vCenter"
        value={query.vcenter}
        onText={(vcenter, run) => change({ ...query, vcenter }, run)}
      />
      <TextFilter
        label="Datacenter"
        tooltip="Only VMs of this datacenter, or a template variable such as $datacenter."
        placeholder="any datacenter"
        value={query.datacenter}
        onText={(datacenter, run) => change({ ...query, datacenter }, run)}
      />
      <CountField
        label="Concurrency"
        tooltip={`Syncs the OMA runs at once, for the time to finish (default ${DEFAULT_PREDICTION_CONCURRENCY}).`}
        value={query.concurrency}
        max={MAX_PREDICTION_CONCURRENCY}
        onCount={(concurrency, run) => change({ ...query, concurrency }, run)}
      />
    </InlineFieldRow>
  );
}

function NetworkValidationFields({ query, change }: TypeFieldsProps<NetworkValidationQuery>) {
  const shown = (names: string | undefined) => (names ?? '').split(',').filter(Boolean).join(', ');
  const [text, setText] = useState(shown(query.vmNames));
  useEffect(() => setText(shown(query.vmNames)), [query.vmNames]);
  const names = (value: string) => {
    const list = value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return list.length > 0 ? list.join(',') : undefined;
  };
  return (
    <InlineFieldRow>
      <FailoverField
        value={query.failoverType}
        onFailover={(failoverType) => change({ ...query, failoverType }, true)}
      />
      <InlineField
        label="VMs"
        labelWidth={8}
        tooltip="Comma-separated VM names or template variables such as $vm; empty validates every VM."
      >
        <Input
          aria-label="VM names"
          width={40}
          placeholder="every VM"
          value={text}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setText(e.currentTarget.value)}
          onBlur={() => change({ ...query, vmNames: names(text) }, true)}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

const SUCCESS_RATE_GROUP_LABELS: Record<SuccessRateGroup, string> = {
  vcenter: 'vCenter',
  datacenter: 'Datacenter',
  replication_type: 'Replication type',
  error_classification: 'Error class',
  day: 'Day (time series)',
};

const PERFORMANCE_VIEW_LABELS: Record<PerformanceView, { label: string; description: string }> = {
  vms: { label: 'VMs', description: 'Throughput and duration per VM, with their trend' },
  datastores: { label: 'Datastores', description: 'Throughput and duration per datastore, with their trend' },
  slowest: { label: 'Slowest jobs', description: 'The longest finished jobs' },
  load: {
    label: 'Load',
    description: 'CPU, memory, disk and network latency during migrations, per interval',
  },
};

const CBT_VIEW_LABELS: Record<CbtView, { label: string; description: string }> = {
  trend: {
    label: 'Trend',
    description: 'Syncs, success rate, bytes, change rate and durations per interval',
  },
  summary: { label: 'Summary', description: 'One row per sync type (full, incremental) and all' },
};

const VOLUME_VIEW_LABELS: Record<VolumeView, { label: string; description: string }> = {
  operations: { label: 'Operations', description: 'Count, failure rate and durations per operation type' },
  trend: { label: 'Trend', description: 'Operations and CloudStack jobs per interval' },
  cloudstack: { label: 'CloudStack jobs', description: 'CloudStack job outcomes per operation' },
};

const FILTER_FIELDS: Array<{ name: AnalyticsFilter; label: string; what: string; variable: string }> = [
  { name: 'vcenter', label: 'vCenter', what: 'vCenter host', variable: '$vcenter' },
  { name: 'datacenter', label: 'Datacenter', what: 'datacenter', variable: '$datacenter' },
  { name: 'vm', label: 'VM', what: 'VM name', variable: '$vm' },
  {
    name: 'replication_type',
    label: 'Replication',
    what: 'replication type (initial or incremental)',
    variable: '$replication',
  },
  { name: 'vm_group', label: 'VM group', what: 'VM group id', variable: '$vm_group' },
];

/** The filters every analytics query takes, each a value or a template variable. */
function AnalyticsFilterFields<Q extends AnalyticsQuery>({ query, change }: TypeFieldsProps<Q>) {
  return (
    <InlineFieldRow>
      {FILTER_FIELDS.map(({ name, label, what, variable }) => (
        <TextFilter
          key={name}
          label={label}
          width={16}
          tooltip={`Only jobs of this ${what}, or a template variable such as ${variable}.`}
          placeholder="any"
          value={query[name]}
          onText={(value, run) => change({ ...query, [name]: value }, run)}
        />
      ))}
    </InlineFieldRow>
  );
}

/** An analytics query with nothing to choose but its filters: what it returns, then the filters. */
function AnalyticsFields<Q extends AnalyticsQuery>({
  query,
  change,
  about,
}: TypeFieldsProps<Q> & { about: string }) {
  return (
    <Stack direction="column" gap={0}>
      <Text color="secondary" element="p">
        {about}
      </Text>
      <AnalyticsFilterFields query={query} change={change} />
    </Stack>
  );
}

/** A view picker: each view is one frame shape, so one panel shows one view. */
function ViewField<V extends string>(props: {
  labels: Record<V, { label: string; description: string }>;
  views: readonly V[];
  value: V;
  onView: (view: V) => void;
}) {
  const { labels, views, value, onView } = props;
  return (
    <InlineField label="View" labelWidth={LABEL_WIDTH} tooltip={labels[value].description}>
      <RadioButtonGroup<V>
        aria-label="View"
        options={views.map((v) => ({ value: v, ...labels[v] }))}
        value={value}
        onChange={onView}
      />
    </InlineField>
  );
}

function SuccessRatesFields({ query, change }: TypeFieldsProps<SuccessRatesQuery>) {
  const options: Array<SelectableValue<string>> = SUCCESS_RATE_GROUPS.map((g) => ({
    value: g,
    label: SUCCESS_RATE_GROUP_LABELS[g],
  }));
  const selected = options.find((o) => o.value === query.group_by) ?? {
    value: query.group_by,
    label: query.group_by,
  };
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField
          label="Group by"
          labelWidth={LABEL_WIDTH}
          tooltip="Finished jobs and their success rate per group (a table), or per day (a time series); or a template variable such as $group."
        >
          <Select<string>
            aria-label="Group by"
            width={24}
            allowCustomValue
            options={options}
            value={selected}
            onChange={(o) =>
              o.value && change({ ...query, group_by: o.value as SuccessRatesQuery['group_by'] }, true)
            }
          />
        </InlineField>
      </InlineFieldRow>
      <AnalyticsFilterFields query={query} change={change} />
    </Stack>
  );
}

function PerformanceMetricsFields({ query, change }: TypeFieldsProps<PerformanceMetricsQuery>) {
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <ViewField
          labels={PERFORMANCE_VIEW_LABELS}
          views={PERFORMANCE_VIEWS}
          value={query.view}
          onView={(view) => change({ ...query, view }, true)}
        />
        {query.view !== 'load' && (
          <CountField
            label="Limit"
            tooltip={`Most rows (1 to ${MAX_LIMIT}); empty for the server's default.`}
            max={MAX_LIMIT}
            value={query.limit}
            onCount={(limit, run) => change({ ...query, limit }, run)}
          />
        )}
      </InlineFieldRow>
      <AnalyticsFilterFields query={query} change={change} />
    </Stack>
  );
}

/** A view picker over the analytics filters: the CBT and volume query types. */
function ViewAndFilterFields<Q extends CbtPerformanceQuery | VolumePerformanceQuery>({
  query,
  change,
  labels,
  views,
}: TypeFieldsProps<Q> & {
  labels: Record<Q['view'], { label: string; description: string }>;
  views: ReadonlyArray<Q['view']>;
}) {
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <ViewField
          labels={labels}
          views={views}
          value={query.view}
          // One of `views`, so still a Q (TypeScript widens the spread's view to the union).
          onView={(view) => change({ ...query, view } as Q, true)}
        />
      </InlineFieldRow>
      <AnalyticsFilterFields query={query} change={change} />
    </Stack>
  );
}
