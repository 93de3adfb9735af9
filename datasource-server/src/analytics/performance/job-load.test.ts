import type { ProgressPush } from '@oma-insights/contracts';
import { carriesLoad, foldLoad, jobThroughput, summariseLoad, trendPercent } from './job-load';

const push = (load: Partial<ProgressPush>): ProgressPush => ({
  stage: 'Transfer',
  status: 'Streaming',
  bytes_transferred: 1,
  total_bytes: 10,
  ...load,
});

describe('foldLoad and summariseLoad', () => {
  test('min, mean and max per figure over the pushes that carried it', () => {
    let row = foldLoad(undefined, push({ vma_cpu_percent: 40, network_latency_ms: 2 }), 't1');
    row = foldLoad(row!, push({ vma_cpu_percent: 60 }), 't2');
    row = foldLoad(row!, push({ vma_cpu_percent: 20, vma_memory_percent: 55, network_latency_ms: 4 }), 't3');
    expect(row!.updated_at).toBe('t3');
    expect(summariseLoad(row!)).toEqual({
      vma_samples: 3,
      vma_cpu_percent_min: 20,
      vma_cpu_percent_avg: 40,
      vma_cpu_percent_max: 60,
      vma_memory_percent_min: 55,
      vma_memory_percent_avg: 55,
      vma_memory_percent_max: 55,
      source_disk_latency_ms_min: null,
      source_disk_latency_ms_avg: null,
      source_disk_latency_ms_max: null,
      network_latency_ms_min: 2,
      network_latency_ms_avg: 3,
      network_latency_ms_max: 4,
    });
  });

  test('a push without load figures changes nothing; no row means no figures', () => {
    expect(carriesLoad(push({}))).toBe(false);
    expect(carriesLoad(push({ source_disk_latency_ms: 0 }))).toBe(true);
    expect(foldLoad(undefined, push({}), 't')).toBeNull();
    const empty = summariseLoad(undefined);
    expect(empty.vma_samples).toBe(0);
    expect(empty.vma_cpu_percent_avg).toBeNull();
  });
});

describe('jobThroughput and trendPercent', () => {
  test('bytes over the whole run, else the last reported speed, else none', () => {
    expect(jobThroughput(1000, 4, 99)).toBe(250);
    expect(jobThroughput(1000, null, 99)).toBe(99);
    expect(jobThroughput(0, 4, 0)).toBeNull();
    expect(jobThroughput(1000, 0, 0)).toBeNull();
  });

  test('change of the second half against the first, in percent; null without a positive first half', () => {
    expect(trendPercent(100, 150)).toBe(50);
    expect(trendPercent(200, 100)).toBe(-50);
    expect(trendPercent(null, 100)).toBeNull();
    expect(trendPercent(0, 100)).toBeNull();
    expect(trendPercent(100, null)).toBeNull();
  });
});
