// Validation reports and network performance as Grafana data frames (the layouts documented with
// NETWORK_QUERY_TYPES in the contracts). Pure.
import type { NetworkPerformance, ValidationReport, WireFrame } from '@oma-insights/contracts';
import { toFrame, type Column } from '../../grafana/frames';

type Summary = ValidationReport['summary'];
type IssueRow = ValidationReport['results'][number]['issues'][number] & { vm_name: string; status: string };
type Sample = NetworkPerformance['samples'][number] & { network: string; ms: number };

const count = (name: keyof Summary, displayName: string): Column<Summary> => ({
  name,
  type: 'number',
  value: (s) => s[name],
  config: { displayName },
});
const text = (name: keyof IssueRow, displayName: string): Column<IssueRow> => ({
  name,
  type: 'string',
  value: (r) => r[name],
  config: { displayName },
});

/** `summary` (one row of counts) and `issues` (one row per issue, VMs in report order). */
export function validationFrames(
  refId: string,
  report: ValidationReport,
  unknown: string[] = [],
): WireFrame[] {
  const listed = unknown.slice(0, 10).join(', ') + (unknown.length > 10 ? ', …' : '');
  const notices = unknown.length
    ? [
        {
          severity: 'warning',
          text: `${unknown.length} VM name${unknown.length === 1 ? '' : 's'} not found: ${listed}`,
        },
      ]
    : [];
  const issues: IssueRow[] = report.results.flatMap((r) =>
    r.issues.map((i) => ({ ...i, vm_name: r.vm_name, status: r.status })),
  );
  const custom = { failover_type: report.failover_type, valid: report.valid };
  return [
    toFrame(
      'summary',
      refId,
      [
        count('vms', 'VMs'),
        count('valid', 'Valid'),
        count('invalid', 'Invalid'),
        count('warnings', 'Warnings'),
      ],
      [report.summary],
      notices.length ? { custom, notices } : { custom },
    ),
    toFrame(
      'issues',
      refId,
      [
        text('vm_name', 'VM'),
        text('status', 'VM status'),
        text('code', 'Code'),
        text('severity', 'Severity'),
        text('message', 'Message'),
        text('source_network', 'Source network'),
        text('destination_network_id', 'Destination network'),
      ],
      issues,
      { custom: { failover_type: report.failover_type } },
    ),
  ];
}

const percent = { unit: 'percent', min: 0, max: 100 };

/** `networks` (a row per destination network) and `probes` (every sample, oldest first). */
export function performanceFrames(refId: string, networks: NetworkPerformance[]): WireFrame[] {
  const samples: Sample[] = networks
    .flatMap((n) => n.samples.map((s) => ({ ...s, network: n.network_name, ms: Date.parse(s.time) })))
    .sort((a, b) => a.ms - b.ms);
  return [
    toFrame<NetworkPerformance>(
      'networks',
      refId,
      [
        { name: 'network_id', type: 'string', value: (n) => n.network_id },
        {
          name: 'network_name',
          type: 'string',
          value: (n) => n.network_name,
          config: { displayName: 'Network' },
        },
        { name: 'jobs', type: 'number', value: (n) => n.jobs, config: { displayName: 'Jobs' } },
        {
          name: 'avg_throughput_bps',
          type: 'number',
          value: (n) => n.avg_throughput_bps,
          config: { displayName: 'Avg throughput', unit: 'Bps' },
        },
        {
          name: 'peak_throughput_bps',
          type: 'number',
          value: (n) => n.peak_throughput_bps,
          config: { displayName: 'Peak throughput', unit: 'Bps' },
        },
        { name: 'probes', type: 'number', value: (n) => n.probes, config: { displayName: 'Probes' } },
        {
          name: 'avg_latency_ms',
          type: 'number',
          value: (n) => n.avg_latency_ms,
          config: { displayName: 'Avg latency', unit: 'ms' },
        },
        {
          name: 'loss_percent',
          type: 'number',
          value: (n) => n.loss_percent,
          config: { displayName: 'Loss', ...percent },
        },
      ],
      networks,
    ),
    toFrame<Sample>(
      'probes',
      refId,
      [
        { name: 'time', type: 'time', value: (s) => s.ms },
        { name: 'network', type: 'string', value: (s) => s.network },
        {
          name: 'latency_ms',
          type: 'number',
          value: (s) => s.latency_ms,
          config: { unit: 'ms', displayName: 'Latency' },
        },
        {
          name: 'loss_percent',
          type: 'number',
          value: (s) => s.loss_percent,
          config: { displayName: 'Loss', ...percent },
        },
      ],
      samples,
    ),
  ];
}
