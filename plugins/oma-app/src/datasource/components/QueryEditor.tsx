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
  DEFAULT_CANDIDATES,
  DEFAULT_LIMIT,
  DEFAULT_PREDICTION_CONCURRENCY,
  CBT_VIEW_LABELS,
  EDITOR_QUERY_TYPES,
  VOLUME_VIEW_LABELS,
  FAILOVER_TYPE_LABELS,
  FAILOVER_TYPES,
  JOB_STATUS_FILTERS,
  MAX_CANDIDATES,
  MAX_PREDICTION_CONCURRENCY,
  QUERY_TYPE_LABELS,
  VARIABLE_KINDS,
  VM_STATUSES,
  assertNever,
  type FailedJobAnnotationsQuery,
  type JobStatusFilter,
  type JobsQuery,
  type NetworkRecommendationsQuery,
  type NetworkTopologyQuery,
  type NetworkValidationQuery,
  type NetworkVmsQuery,
  type OmaDataSourceOptions,
  type OmaQuery,
  type PredictionsQuery,
  type QueryType,
  type VariableKind,
  type VariableQuery,
  type VmContextsQuery,
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
    case 'cbtPerformance':
      return { ...keep, queryType, view: 'trend' };
    case 'volumePerformance':
      return { ...keep, queryType, view: 'operations' };
    case 'networkTopology':
    case 'networkValidation':
      return { ...keep, queryType, failoverType: 'live' };
    case 'networkRecommendations':
      return { ...keep, queryType, failoverType: 'live', candidates: DEFAULT_CANDIDATES };
    case 'networkVms':
      // No limit: the server lists every NIC up to its cap.
      return { ...keep, queryType };
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
        <Text color="secondary" element="p">
          Finished replication jobs per interval over the dashboard&apos;s time range: outcomes, bytes,
          duration p50/p95 and average throughput.
        </Text>
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
    case 'cbtPerformance':
      return (
        <ViewField
          labels={CBT_VIEW_LABELS}
          value={query.view ?? 'trend'}
          onView={(view) => change({ ...query, view }, true)}
          help="CBT disk syncs over the dashboard's time range: success rate, bytes, change rate, duration percentiles; full vs incremental."
        />
      );
    case 'volumePerformance':
      return (
        <ViewField
          labels={VOLUME_VIEW_LABELS}
          value={query.view ?? 'operations'}
          onView={(view) => change({ ...query, view }, true)}
          help="Finished volume operations (count, failure rate, duration percentiles) and CloudStack job outcomes over the dashboard's time range."
        />
      );
    case 'analyticsSummary':
      return (
        <Text color="secondary" element="p">
          Headline KPIs over the dashboard&apos;s time range, each against the previous period of the same
          length.
        </Text>
      );
    default:
      return assertNever(query, 'query');
  }
}

/** Which part of an analytics query a panel shows (one frame shape per view). */
function ViewField<V extends string>(props: {
  labels: Record<V, string>;
  value: V;
  onView: (view: V) => void;
  help: string;
}) {
  const { labels, value, onView, help } = props;
  const options = (Object.keys(labels) as V[]).map((v) => ({ value: v, label: labels[v] }));
  return (
    <Stack direction="column" gap={0}>
      <InlineFieldRow>
        <InlineField label="View" labelWidth={LABEL_WIDTH}>
          <RadioButtonGroup<V> options={options} value={value} onChange={(v) => v && onView(v)} />
        </InlineField>
      </InlineFieldRow>
      <Text color="secondary" element="p">
        {help}
      </Text>
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
