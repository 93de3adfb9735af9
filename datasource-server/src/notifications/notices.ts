// What a notification says, from what raised it: a failed job, a Grafana alert. Titles, messages,
// links and the dedup key that makes the same event one notification. Pure.
import { createHash } from 'node:crypto';
import type {
  GrafanaWebhook,
  GrafanaWebhookAlert,
  NotificationLink,
  NotificationSeverity,
} from '@oma-insights/contracts';
import type { JobEndedEventData } from '../events/bus';

/** A notification before it is stored: the row minus id and created_at. */
export interface NoticeDraft {
  severity: NotificationSeverity;
  title: string;
  message: string;
  source: string;
  vm_name: string | null;
  job_id: string | null;
  links: NotificationLink[];
  dedup_key: string;
}

/** Column sizes of omi_notifications. */
export const MAX_TITLE = 255;
export const MAX_MESSAGE = 16_000;
export const MAX_VM_NAME = 255;
export const MAX_JOB_ID = 191;
const MAX_DEDUP_KEY = 191;

/** The VM Detail dashboard's uid (provisioned dashboards/oma-vm-detail). */
export const VM_DETAIL_DASHBOARD = '/d/oma-vm-detail';

export const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** `kind:part:part`, or `kind:sha256(parts)` when that would not fit the column. */
export function dedupKey(kind: string, ...parts: string[]): string {
  const plain = [kind, ...parts].join(':');
  if (plain.length <= MAX_DEDUP_KEY) return plain;
  return `${kind}:sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex')}`;
}

/** Links to the VM Detail dashboard for a VM, and to that dashboard scoped to a job. */
export function jobLinks(vmName: string | null, jobId: string | null): NotificationLink[] {
  if (!vmName) return [];
  const vm = `${VM_DETAIL_DASHBOARD}?var-vm=${encodeURIComponent(vmName)}`;
  const links: NotificationLink[] = [{ kind: 'vm', title: `VM ${vmName}`, url: vm }];
  if (jobId)
    links.push({ kind: 'job', title: `Job ${jobId}`, url: `${vm}&var-job=${encodeURIComponent(jobId)}` });
  return links;
}

/** A job that ended failed (reported by ingest, or seen by the change feed): critical, once per job. */
export function jobFailedNotice(job: JobEndedEventData): NoticeDraft {
  const classification = job.error_classification ?? 'unclassified';
  return {
    severity: 'critical',
    title: clip(`Replication failed: ${job.vm_name}`, MAX_TITLE),
    message: clip(
      `${job.error_message ?? 'No error message'} (${classification}; job ${job.job_id} at ${job.percentage}%)`,
      MAX_MESSAGE,
    ),
    source: job.source ?? 'ingest',
    vm_name: clip(job.vm_name, MAX_VM_NAME),
    job_id: job.job_id,
    links: jobLinks(job.vm_name, job.job_id),
    dedup_key: dedupKey('job_failed', job.job_id),
  };
}

const SEVERITY_WORDS: Record<string, NotificationSeverity> = {
  critical: 'critical',
  crit: 'critical',
  error: 'critical',
  high: 'critical',
  page: 'critical',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  info: 'info',
  informational: 'info',
  low: 'info',
  none: 'info',
};

/**
 * A firing alert takes its `severity` label when it names one (critical/warning/info and common
 * synonyms), else critical. A resolved alert is good news: info.
 */
export function alertSeverity(alert: Pick<GrafanaWebhookAlert, 'status' | 'labels'>): NotificationSeverity {
  if (alert.status === 'resolved') return 'info';
  const label = alert.labels.severity?.trim().toLowerCase();
  return (label && SEVERITY_WORDS[label]) || 'critical';
}

/** Only http(s) URLs and paths on the same Grafana: no `javascript:`, no protocol-relative `//host`. */
const urlOrNull = (url: string | undefined) => (url && /^(https?:\/\/|\/(?!\/))/i.test(url) ? url : null);

/** Grafana's own fingerprint, or one of the sorted labels (what Alertmanager hashes too). */
function fingerprintOf(alert: GrafanaWebhookAlert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const labels = Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
}

/**
 * One notification per alert. The same alert (fingerprint), in the same state, from the same
 * start is one notification: Grafana repeats a firing alert every repeat interval. A new firing
 * after a resolve starts again (new startsAt), so it is notified again.
 */
export function grafanaNotices(body: GrafanaWebhook): NoticeDraft[] {
  return body.alerts.map((alert) => {
    const labels = { ...body.commonLabels, ...alert.labels };
    const annotations = { ...body.commonAnnotations, ...alert.annotations };
    const vm = labels.vm_name || labels.vm || null;
    const jobId = labels.job_id || null;
    const name = labels.alertname || 'Grafana alert';
    const text = [annotations.summary, annotations.description].filter(Boolean).join(' — ');
    const links: NotificationLink[] = [...jobLinks(vm, jobId)];
    const panel = urlOrNull(alert.panelURL);
    const dashboard = urlOrNull(alert.dashboardURL);
    const rule = urlOrNull(alert.generatorURL);
    const silence = urlOrNull(alert.silenceURL);
    if (panel) links.push({ kind: 'panel', title: 'Alert panel', url: panel });
    else if (dashboard) links.push({ kind: 'dashboard', title: 'Alert dashboard', url: dashboard });
    if (rule) links.push({ kind: 'alert', title: 'Alert rule', url: rule });
    if (silence && alert.status === 'firing') links.push({ kind: 'silence', title: 'Silence', url: silence });
    return {
      severity: alertSeverity({ status: alert.status, labels }),
      title: clip(`[${alert.status.toUpperCase()}] ${name}${vm ? `: ${vm}` : ''}`, MAX_TITLE),
      message: clip(text || alert.valueString || name, MAX_MESSAGE),
      source: 'grafana',
      vm_name: vm ? clip(vm, MAX_VM_NAME) : null,
      job_id: jobId ? clip(jobId, MAX_JOB_ID) : null,
      links,
      dedup_key: dedupKey('grafana', fingerprintOf(alert), alert.status, alert.startsAt),
    };
  });
}

/** Paths of startsAt values that are not times (a clear 400 instead of a stored nonsense key). */
export function badAlertTimes(body: GrafanaWebhook): { path: string; message: string }[] {
  return body.alerts.flatMap((alert, i) =>
    Number.isNaN(Date.parse(alert.startsAt))
      ? [
          {
            path: `/alerts/${i}/startsAt`,
            message: `must be an RFC 3339 time, got ${JSON.stringify(alert.startsAt)}`,
          },
        ]
      : [],
  );
}
