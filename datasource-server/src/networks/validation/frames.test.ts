import type { NetworkPerformance, ValidationReport, WireFrame } from '@oma-insights/contracts';
import { performanceFrames, validationFrames } from './frames';

const values = (frame: WireFrame, name: string) => frame.fields.find((f) => f.name === name)!.values;

const REPORT: ValidationReport = {
  failover_type: 'test',
  valid: false,
  summary: { vms: 3, valid: 1, invalid: 1, warnings: 1 },
  results: [
    { vm_name: 'a', status: 'valid', issues: [] },
    {
      vm_name: 'b',
      status: 'invalid',
      issues: [
        {
          code: 'UNMAPPED_NETWORK',
          severity: 'error',
          message: 'm1',
          source_network: 'x',
          destination_network_id: null,
        },
        {
          code: 'NO_NICS',
          severity: 'error',
          message: 'm2',
          source_network: null,
          destination_network_id: null,
        },
      ],
    },
    {
      vm_name: 'c',
      status: 'warning',
      issues: [
        {
          code: 'DUPLICATE_TARGET',
          severity: 'warning',
          message: 'm3',
          source_network: null,
          destination_network_id: 'd',
        },
      ],
    },
  ],
};

describe('validationFrames', () => {
  test('a summary row and one issue row per issue, in report order', () => {
    const [summary, issues] = validationFrames('A', REPORT);
    expect(summary.fields.map((f) => [f.name, f.values])).toEqual([
      ['vms', [3]],
      ['valid', [1]],
      ['invalid', [1]],
      ['warnings', [1]],
    ]);
    expect(summary.meta).toEqual({ custom: { failover_type: 'test', valid: false } });
    expect(values(issues, 'vm_name')).toEqual(['b', 'b', 'c']);
    expect(values(issues, 'status')).toEqual(['invalid', 'invalid', 'warning']);
    expect(values(issues, 'code')).toEqual(['UNMAPPED_NETWORK', 'NO_NICS', 'DUPLICATE_TARGET']);
    expect(values(issues, 'destination_network_id')).toEqual([null, null, 'd']);
    expect(issues.refId).toBe('A');
  });

  test('unknown names become one warning notice listing at most ten', () => {
    const names = Array.from({ length: 12 }, (_, i) => `ghost-${i}`);
    const [summary] = validationFrames('A', REPORT, names);
    expect(summary.meta?.notices).toEqual([
      { severity: 'warning', text: `12 VM names not found: ${names.slice(0, 10).join(', ')}, …` },
    ]);
  });
});

describe('performanceFrames', () => {
  const network = (id: string, samples: NetworkPerformance['samples']): NetworkPerformance => ({
    network_id: id,
    network_name: `name-${id}`,
    jobs: 1,
    avg_throughput_bps: 10,
    peak_throughput_bps: 20,
    probes: samples.length,
    avg_latency_ms: null,
    loss_percent: null,
    samples,
  });

  test('one row per network; probe samples of all networks merged oldest first', () => {
    const [networks, probes] = performanceFrames('P', [
      network('a', [
        { time: '2020-01-01T00:00:00.000Z', latency_ms: 1, loss_percent: 0 },
        { time: '2020-01-03T00:00:00.000Z', latency_ms: null, loss_percent: 100 },
      ]),
      network('b', [{ time: '2020-01-02T00:00:00.000Z', latency_ms: 2, loss_percent: 50 }]),
    ]);
    expect(values(networks, 'network_id')).toEqual(['a', 'b']);
    expect(values(networks, 'probes')).toEqual([2, 1]);
    expect(values(probes, 'time')).toEqual([
      Date.parse('2020-01-01T00:00:00Z'),
      Date.parse('2020-01-02T00:00:00Z'),
      Date.parse('2020-01-03T00:00:00Z'),
    ]);
    expect(values(probes, 'network')).toEqual(['name-a', 'name-b', 'name-a']);
    expect(values(probes, 'latency_ms')).toEqual([1, 2, null]);
    expect(values(probes, 'loss_percent')).toEqual([0, 50, 100]);
  });
});
