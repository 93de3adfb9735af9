import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';

import { FIXED_NOW } from '../test-utils/factory';
import type { LiveMessage } from './messages';
import { createView, HealthSeries, NotificationFeed, type NotificationRow } from './views';

let seq = 0;
const message = (type: string, data: unknown, at = FIXED_NOW): LiveMessage => ({
  type,
  seq: ++seq,
  epoch: 'e1',
  timestamp: new Date(at).toISOString(),
  data,
});
const job = (id: string, overrides: Record<string, unknown> = {}) => ({
  job_id: id,
  vm_name: `vm-${id}`,
  context_id: `ctx-${id}`,
  status: 'replicating',
  phase: 'Transfer',
  percentage: 10,
  bytes_transferred: 100,
  total_bytes: 1000,
  throughput_mbps: 5,
  eta_seconds: 180,
  ...overrides,
});
/** A field's values as a plain array (a CircularDataFrame holds them in a ring buffer). */
const values = (frame: DataFrame, name: string) => {
  const field = frame.fields.find((f) => f.name === name);
  return field && Array.from(field.values);
};

describe('liveProgress, active jobs', () => {
  test('the snapshot sets the jobs, updates change them, an ended job leaves the table', () => {
    const view = createView({ refId: 'A', queryType: 'liveProgress' });
    expect(view.channel).toBe('progress');
    expect(view.readsHistory).toBe(false);
    view.apply(message('snapshot', { jobs: [job('b', { updated_at: '2026-03-01T11:00:00Z' }), job('a')] }));
    let [frame] = view.frames();
    expect(frame.refId).toBe('A');
    expect(values(frame, 'job_id')).toEqual(['a', 'b']);
    expect(values(frame, 'updated_at')).toEqual([FIXED_NOW, Date.parse('2026-03-01T11:00:00Z')]);

    expect(view.apply(message('progress_update', job('b', { percentage: 55 }), FIXED_NOW + 1000))).toBe(true);
    expect(view.apply(message('progress_update', job('c'), FIXED_NOW + 2000))).toBe(true);
    [frame] = view.frames();
    expect(values(frame, 'job_id')).toEqual(['a', 'b', 'c']);
    expect(values(frame, 'percentage')).toEqual([10, 55, 10]);
    expect(values(frame, 'updated_at')).toEqual([FIXED_NOW, FIXED_NOW + 1000, FIXED_NOW + 2000]);

    expect(view.apply(message('job_complete', job('a', { status: 'completed' })))).toBe(true);
    expect(view.apply(message('job_failed', job('c', { status: 'failed' })))).toBe(true);
    expect(view.apply(message('job_failed', job('unknown')))).toBe(false);
    expect(view.apply(message('mapping_changed', {}))).toBe(false);
    expect(view.apply(message('progress_update', { vm_name: 'no id' }))).toBe(false);
    [frame] = view.frames();
    expect(values(frame, 'job_id')).toEqual(['b']);
    expect(frame.fields.find((f) => f.name === 'percentage')?.config.unit).toBe('percent');
  });

  test('a polled /query answer is the current state: it replaces every row', () => {
    const view = createView({ refId: 'A', queryType: 'liveProgress' });
    view.apply(message('snapshot', { jobs: [job('old')] }));
    view.load([
      toDataFrame({
        refId: 'A',
        fields: [
          { name: 'job_id', type: FieldType.string, values: ['p1'] },
          { name: 'vm_name', type: FieldType.string, values: ['web-01'] },
          { name: 'percentage', type: FieldType.number, values: [42] },
          { name: 'updated_at', type: FieldType.time, values: [FIXED_NOW - 5000] },
        ],
      }),
    ]);
    const [frame] = view.frames();
    expect(values(frame, 'job_id')).toEqual(['p1']);
    expect(values(frame, 'percentage')).toEqual([42]);
    expect(values(frame, 'updated_at')).toEqual([FIXED_NOW - 5000]);
    view.load([]);
    expect(view.frames()[0].length).toBe(0);
  });
});

describe('liveProgress, throughput', () => {
  test('one point per sample: total MB/s and active jobs, in a bounded frame', () => {
    const view = createView({ refId: 'T', queryType: 'liveProgress', view: 'throughput', limit: 3 });
    expect(view.sampleEveryMs).toBe(1000);
    view.apply(
      message('snapshot', {
        jobs: [job('a', { throughput_mbps: 1.5 }), job('b', { throughput_mbps: 2.25 })],
      }),
    );
    view.sample(FIXED_NOW);
    view.apply(message('job_complete', job('a')));
    view.sample(FIXED_NOW + 1000);
    view.apply(message('progress_update', job('b', { throughput_mbps: 10 })));
    view.sample(FIXED_NOW + 2000);
    view.sample(FIXED_NOW + 3000);
    const [frame] = view.frames();
    expect(frame.name).toBe('live_throughput');
    expect(frame.length).toBe(3);
    expect(values(frame, 'time')).toEqual([FIXED_NOW + 1000, FIXED_NOW + 2000, FIXED_NOW + 3000]);
    expect(values(frame, 'throughput_mbps')).toEqual([2.25, 10, 10]);
    expect(values(frame, 'active_jobs')).toEqual([1, 1, 1]);
  });
});

describe('notifications', () => {
  const row = (time: number, title: string, overrides: Partial<NotificationRow> = {}): NotificationRow => ({
    time,
    severity: 'warning',
    title,
    message: 'm',
    source: 'detector',
    vm_name: null,
    job_id: null,
    link: null,
    ...overrides,
  });

  test('newest first, at most capacity rows', () => {
    const feed = new NotificationFeed(3);
    for (const [t, title] of [
      [3, 'c'],
      [1, 'a'],
      [4, 'd'],
      [2, 'b'],
    ] as const) {
      feed.add(row(t * 100_000, title));
    }
    expect(feed.list().map((r) => r.title)).toEqual(['d', 'c', 'b']);
    // Older than everything kept: it would fall off at once.
    expect(feed.add(row(0, 'ancient'))).toBe(false);
  });

  test('the same notification from history and from a push is kept once', () => {
    const feed = new NotificationFeed(10);
    expect(feed.add(row(FIXED_NOW, 'Job failed', { job_id: 'j1' }))).toBe(true);
    expect(feed.add(row(FIXED_NOW + 40, 'Job failed', { job_id: 'j1' }))).toBe(false);
    // Another job, or the same again much later, is another notification.
    expect(feed.add(row(FIXED_NOW + 40, 'Job failed', { job_id: 'j2' }))).toBe(true);
    expect(feed.add(row(FIXED_NOW + 3_600_000, 'Job failed', { job_id: 'j1' }))).toBe(true);
    expect(feed.list()).toHaveLength(3);
  });

  test('history and pushes merge into one table with the server’s columns', () => {
    const view = createView({ refId: 'N', queryType: 'notifications' });
    expect(view.readsHistory).toBe(true);
    expect(view.channel).toBe('notifications');
    const pushed = {
      severity: 'critical',
      title: 'Replication failed: web-01',
      message: 'NBD export timed out',
      source: 'ingest',
      vm_name: 'web-01',
      job_id: 'j9',
      link: '/d/oma-vm-detail?var-vm=web-01',
    };
    expect(view.apply(message('notification', pushed, FIXED_NOW))).toBe(true);
    view.load([
      toDataFrame({
        fields: [
          { name: 'time', type: FieldType.time, values: [FIXED_NOW - 60_000, FIXED_NOW + 120] },
          { name: 'severity', type: FieldType.string, values: ['info', 'critical'] },
          { name: 'title', type: FieldType.string, values: ['Started', pushed.title] },
          { name: 'message', type: FieldType.string, values: ['ok', pushed.message] },
          { name: 'source', type: FieldType.string, values: ['ingest', 'ingest'] },
          { name: 'vm_name', type: FieldType.string, values: [null, 'web-01'] },
          { name: 'job_id', type: FieldType.string, values: [null, 'j9'] },
          { name: 'link', type: FieldType.string, values: [null, pushed.link] },
        ],
      }),
    ]);
    expect(
      view.apply(
        message(
          'mapping_changed',
          {
            action: 'created',
            source_network_name: 'VM Network',
            destination_network_id: 'net-1',
            is_test_network: false,
            actor: 'admin',
          },
          FIXED_NOW + 1000,
        ),
      ),
    ).toBe(true);
    const [frame] = view.frames();
    expect(frame.fields.map((f) => f.name)).toEqual([
      'time',
      'severity',
      'title',
      'message',
      'source',
      'vm_name',
      'job_id',
      'link',
    ]);
    expect(values(frame, 'title')).toEqual(['Network mapping created', pushed.title, 'Started']);
    expect(values(frame, 'message')?.[0]).toBe('VM Network → net-1 by admin');
    expect(values(frame, 'link')).toEqual([null, pushed.link, null]);
    expect(view.apply(message('notification', { severity: 'info' }))).toBe(false);
    // The live channel names links as a list: the first one is the row's link.
    view.apply(
      message(
        'notification',
        {
          severity: 'warning',
          title: 'Replication stalled: db-02',
          message: 'no progress for 15 minutes',
          links: [
            { kind: 'vm', title: 'VM detail', url: '/d/oma-vm-detail?var-vm=db-02' },
            { kind: 'job', title: 'Job', url: '/jobs/j3' },
          ],
        },
        FIXED_NOW + 2000,
      ),
    );
    expect(values(view.frames()[0], 'link')?.[0]).toBe('/d/oma-vm-detail?var-vm=db-02');
  });
});

describe('system health', () => {
  const history = toDataFrame({
    refId: 'H',
    fields: [
      { name: 'time', type: FieldType.time, values: [FIXED_NOW - 10_000, FIXED_NOW - 5000] },
      { name: 'samples', type: FieldType.number, values: [1, 1] },
      { name: 'degraded', type: FieldType.number, values: [0, 0] },
      { name: 'cpu_percent', type: FieldType.number, values: [10, 12], config: { unit: 'percent' } },
      { name: 'cpu_percent_max', type: FieldType.number, values: [10, 12] },
    ],
  });

  test('history then pushed samples, each sample mapped onto the history’s fields', () => {
    const view = createView({ refId: 'H', queryType: 'systemHealth' });
    expect(view.channel).toBe('system-health');
    expect(view.frames()[0].length).toBe(0);
    view.load([history]);
    expect(
      view.apply(
        message('system_health', {
          status: 'degraded',
          reasons: ['db slow'],
          cpu_percent: 50,
          memory_percent: 3,
        }),
      ),
    ).toBe(true);
    expect(
      view.apply(
        message(
          'system_health',
          { status: 'ok', sampled_at: new Date(FIXED_NOW + 5000).toISOString(), cpu_percent: 7 },
          FIXED_NOW + 9000,
        ),
      ),
    ).toBe(true);
    // A replayed or older sample is not added twice.
    expect(view.apply(message('system_health', { status: 'ok', cpu_percent: 99 }, FIXED_NOW - 5000))).toBe(
      false,
    );
    const [frame] = view.frames();
    expect(frame.length).toBe(4);
    // Placed at the time it was taken (sampled_at), not when it was published.
    expect(values(frame, 'time')).toEqual([
      FIXED_NOW - 10_000,
      FIXED_NOW - 5000,
      FIXED_NOW,
      FIXED_NOW + 5000,
    ]);
    expect(values(frame, 'cpu_percent')).toEqual([10, 12, 50, 7]);
    expect(values(frame, 'cpu_percent_max')).toEqual([10, 12, 50, 7]);
    expect(values(frame, 'degraded')).toEqual([0, 0, 1, 0]);
    expect(values(frame, 'samples')).toEqual([1, 1, 1, 1]);
    expect(frame.fields.find((f) => f.name === 'cpu_percent')?.config.unit).toBe('percent');
  });

  test('without history, the first sample names the fields; the frame stays within capacity', () => {
    const series = new HealthSeries('H', 2);
    series.add(FIXED_NOW, { status: 'ok', cpu_percent: 1, rss: 100, label: 'x' });
    series.add(FIXED_NOW + 5000, { status: 'ok', cpu_percent: 2, rss: 200 });
    series.add(FIXED_NOW + 10_000, { status: 'degraded', cpu_percent: 3 });
    const [frame] = series.frames();
    expect(frame.fields.map((f) => f.name)).toEqual(['time', 'degraded', 'cpu_percent', 'rss']);
    expect(values(frame, 'time')).toEqual([FIXED_NOW + 5000, FIXED_NOW + 10_000]);
    expect(values(frame, 'rss')).toEqual([200, null]);
    expect(values(frame, 'degraded')).toEqual([0, 1]);
  });

  test('history read again after a resync keeps the pushed samples newer than it', () => {
    const series = new HealthSeries('H', 10);
    series.load(history);
    series.add(FIXED_NOW, { status: 'ok', cpu_percent: 20 });
    series.add(FIXED_NOW + 5000, { status: 'ok', cpu_percent: 21 });
    series.load(
      toDataFrame({
        fields: [
          { name: 'time', type: FieldType.time, values: [FIXED_NOW - 5000, FIXED_NOW] },
          { name: 'cpu_percent', type: FieldType.number, values: [12, 20] },
        ],
      }),
    );
    const [frame] = series.frames();
    expect(values(frame, 'time')).toEqual([FIXED_NOW - 5000, FIXED_NOW, FIXED_NOW + 5000]);
    expect(values(frame, 'cpu_percent')).toEqual([12, 20, 21]);
  });
});
