import type { GrafanaWebhook, GrafanaWebhookAlert } from '@oma-insights/contracts';
import type { JobEndedEventData } from '../events/bus';
import { alertSeverity, badAlertTimes, dedupKey, grafanaNotices, jobFailedNotice, jobLinks } from './notices';

const alert = (over: Partial<GrafanaWebhookAlert> = {}): GrafanaWebhookAlert => ({
  status: 'firing',
  labels: { alertname: 'Migration failed', vm_name: 'web-01', severity: 'warning' },
  annotations: { summary: 'A replication failed', description: 'disk error on web-01' },
  startsAt: '2026-11-26T09:51:03.157076+02:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://grafana.example.com/alerting/grafana/abc/view',
  fingerprint: 'c6eadffa33fcdf37',
  silenceURL: 'https://grafana.example.com/alerting/silence/new?matchers=a',
  dashboardURL: '',
  panelURL: '',
  ...over,
});

const webhook = (...alerts: GrafanaWebhookAlert[]): GrafanaWebhook => ({
  receiver: 'oma-insights',
  status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
  alerts,
});

describe('grafanaNotices', () => {
  test('one notice per alert: title, message, VM, links, source', () => {
    const [n] = grafanaNotices(webhook(alert()));
    expect(n).toEqual({
      severity: 'warning',
      title: '[FIRING] Migration failed: web-01',
      message: 'A replication failed — disk error on web-01',
      source: 'grafana',
      vm_name: 'web-01',
      job_id: null,
      links: [
        { kind: 'vm', title: 'VM web-01', url: '/d/oma-vm-detail?var-vm=web-01' },
        { kind: 'alert', title: 'Alert rule', url: 'https://grafana.example.com/alerting/grafana/abc/view' },
        {
          kind: 'silence',
          title: 'Silence',
          url: 'https://grafana.example.com/alerting/silence/new?matchers=a',
        },
      ],
      dedup_key: 'grafana:c6eadffa33fcdf37:firing:2026-11-26T09:51:03.157076+02:00',
    });
  });

  test('severity: the label when it names one, else critical when firing; resolved is info', () => {
    expect(alertSeverity({ status: 'firing', labels: { severity: 'CRITICAL' } })).toBe('critical');
    expect(alertSeverity({ status: 'firing', labels: { severity: 'warn' } })).toBe('warning');
    expect(alertSeverity({ status: 'firing', labels: { severity: 'info' } })).toBe('info');
    expect(alertSeverity({ status: 'firing', labels: { severity: 'purple' } })).toBe('critical');
    expect(alertSeverity({ status: 'firing', labels: {} })).toBe('critical');
    expect(alertSeverity({ status: 'resolved', labels: { severity: 'critical' } })).toBe('info');
  });

  test('the VM from vm_name or vm, the job from job_id; common labels and annotations fill in', () => {
    const body: GrafanaWebhook = {
      ...webhook(alert({ labels: { alertname: 'Stalled', job_id: 'job-7' }, annotations: {} })),
      commonLabels: { vm: 'db-02' },
      commonAnnotations: { summary: 'stalled for 15 minutes' },
    };
    const [n] = grafanaNotices(body);
    expect(n).toMatchObject({ vm_name: 'db-02', job_id: 'job-7', message: 'stalled for 15 minutes' });
    expect(n.links.slice(0, 2)).toEqual([
      { kind: 'vm', title: 'VM db-02', url: '/d/oma-vm-detail?var-vm=db-02' },
      { kind: 'job', title: 'Job job-7', url: '/d/oma-vm-detail?var-vm=db-02&var-job=job-7' },
    ]);
    // No VM: no VM links; the panel is preferred to the dashboard; a name with & is encoded.
    const [plain] = grafanaNotices(
      webhook(
        alert({
          labels: { alertname: 'Success rate' },
          panelURL: 'https://g/d/x?viewPanel=2',
          dashboardURL: 'https://g/d/x',
        }),
      ),
    );
    expect(plain.vm_name).toBeNull();
    expect(plain.links.map((l) => l.kind)).toEqual(['panel', 'alert', 'silence']);
    // Links that are not http(s) or a path on the same Grafana are dropped.
    const [unsafe] = grafanaNotices(
      webhook(
        alert({
          labels: { alertname: 'x' },
          generatorURL: 'javascript:alert(1)',
          panelURL: '//evil.example.com/d/x',
          dashboardURL: '/d/oma-live',
          silenceURL: 'data:text/html,hi',
        }),
      ),
    );
    expect(unsafe.links).toEqual([{ kind: 'dashboard', title: 'Alert dashboard', url: '/d/oma-live' }]);
    expect(grafanaNotices(webhook(alert({ labels: { vm_name: 'a&b c' } })))[0].links[0].url).toBe(
      '/d/oma-vm-detail?var-vm=a%26b%20c',
    );
  });

  test('dedup: a repeat is the same key; resolved, or firing again later, is a new one', () => {
    const key = (a: GrafanaWebhookAlert) => grafanaNotices(webhook(a))[0].dedup_key;
    expect(key(alert())).toBe(key(alert({ annotations: { summary: 'other words' } })));
    expect(key(alert({ status: 'resolved' }))).not.toBe(key(alert()));
    expect(key(alert({ startsAt: '2026-11-26T12:00:00Z' }))).not.toBe(key(alert()));
    expect(key(alert({ fingerprint: 'other' }))).not.toBe(key(alert()));
    // Without a fingerprint: one from the labels, independent of their order.
    const a = key(alert({ fingerprint: undefined, labels: { a: '1', b: '2' } }));
    expect(a).toBe(key(alert({ fingerprint: undefined, labels: { b: '2', a: '1' } })));
    expect(a).not.toBe(key(alert({ fingerprint: undefined, labels: { a: '1', b: '3' } })));
  });

  test('text that does not fit its column is cut, keys that do not fit are hashed', () => {
    const [n] = grafanaNotices(
      webhook(
        alert({
          labels: { alertname: 'x'.repeat(400), vm_name: 'v'.repeat(300) },
          fingerprint: 'f'.repeat(128),
          startsAt: `2026-11-26T09:51:03.${'1'.repeat(40)}Z`,
        }),
      ),
    );
    expect(n.title.length).toBe(255);
    expect(n.title.endsWith('…')).toBe(true);
    expect(n.vm_name!.length).toBe(255);
    expect(n.dedup_key).toMatch(/^grafana:sha256:[0-9a-f]{64}$/);
    expect(dedupKey('k', 'a', 'b')).toBe('k:a:b');
    expect(dedupKey('k', 'a'.repeat(200))).not.toBe(dedupKey('k', `${'a'.repeat(199)}b`));
  });

  test('badAlertTimes names each startsAt that is not a time', () => {
    expect(badAlertTimes(webhook(alert(), alert()))).toEqual([]);
    expect(badAlertTimes(webhook(alert(), alert({ startsAt: 'yesterday' })))).toEqual([
      { path: '/alerts/1/startsAt', message: 'must be an RFC 3339 time, got "yesterday"' },
    ]);
  });
});

describe('jobFailedNotice', () => {
  const failed: JobEndedEventData = {
    job_id: 'job-1',
    vm_name: 'web-01',
    context_id: 'ctx',
    status: 'failed',
    phase: 'Transfer',
    percentage: 42.5,
    bytes_transferred: 1,
    total_bytes: 2,
    throughput_mbps: 0,
    eta_seconds: 0,
    error_message: 'NBD export lost',
    error_classification: 'network',
  };

  test('critical, once per job, from ingest unless the change feed saw it', () => {
    expect(jobFailedNotice(failed)).toEqual({
      severity: 'critical',
      title: 'Replication failed: web-01',
      message: 'NBD export lost (network; job job-1 at 42.5%)',
      source: 'ingest',
      vm_name: 'web-01',
      job_id: 'job-1',
      links: jobLinks('web-01', 'job-1'),
      dedup_key: 'job_failed:job-1',
    });
    const fromFeed = jobFailedNotice({ ...failed, source: 'change_feed', error_message: null });
    expect(fromFeed).toMatchObject({ source: 'change_feed', dedup_key: 'job_failed:job-1' });
    expect(fromFeed.message).toBe('No error message (network; job job-1 at 42.5%)');
  });
});
