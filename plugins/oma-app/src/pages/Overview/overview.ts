// The Overview page's data: the queries it runs through the suite's data source (the active jobs
// as a streaming liveProgress query, failures and VM counts re-read periodically) and the pure
// shaping of their frames into what the page shows. No React, no I/O.
import { getFieldDisplayName, type DataFrame, type Field } from '@grafana/data';
import { VM_CONTEXT_STATUSES } from '@oma-insights/contracts/enums';

import type { OmaQuery } from '../../datasource/types';

/** Rows each query may return: a list that reaches its limit is counted as "limit+". */
export const LIMITS = { running: 200, failed: 50, vms: 5000 } as const;
export const FAILED_WINDOW_HOURS = 24;

/** Streams: what is migrating now, updated as the VMA pushes progress. */
export const LIVE_QUERY: OmaQuery = { refId: 'running', queryType: 'liveProgress', view: 'jobs' };

/** Read on load, every REFRESH_MS and when a job leaves the active list (it finished or failed). */
export const OVERVIEW_QUERIES: OmaQuery[] = [
  { refId: 'failed', queryType: 'jobs', status: 'failed', limit: LIMITS.failed },
  { refId: 'vms', queryType: 'vmContexts', limit: LIMITS.vms },
];

/** A count read off a list that may have been cut at `limit`: "5000+" rather than a wrong exact number. */
export const countLabel = (count: number, limit: number) => (count >= limit ? `${limit}+` : String(count));

export type VmStatus = (typeof VM_CONTEXT_STATUSES)[number];

export interface RunningJob {
  jobId: string;
  vm: string;
  status: string | null;
  phase: string | null;
  percent: number;
  throughputMBps: number;
  etaSeconds: number | null;
  updatedAt: number | null;
}

export interface FailedJob {
  jobId: string;
  vm: string;
  vcenter: string;
  at: number | null;
  classification: string | null;
  message: string | null;
}

export interface OverviewModel {
  vms: { total: number; byStatus: Array<{ status: VmStatus; count: number }> };
  running: RunningJob[];
  failed: FailedJob[];
}

function column(frame: DataFrame | undefined, name: string): Field | undefined {
  return frame?.fields.find((f) => f.name === name || getFieldDisplayName(f, frame) === name);
}

const text = (field: Field | undefined, i: number): string | null => {
  const v = field?.values[i];
  return v === null || v === undefined || v === '' ? null : String(v);
};
const num = (field: Field | undefined, i: number): number | null => {
  const v = field?.values[i];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

function rows<T>(frame: DataFrame | undefined, read: (i: number) => T): T[] {
  return frame ? Array.from({ length: frame.length }, (_, i) => read(i)) : [];
}

/** Jobs of `before` no longer in `after`: they finished or failed, so the failures may have changed. */
export function leftActive(before: RunningJob[], after: RunningJob[]): boolean {
  const now = new Set(after.map((j) => j.jobId));
  return before.some((j) => !now.has(j.jobId));
}

export function buildOverview(frames: DataFrame[]): OverviewModel {
  const byRef = (refId: string) => frames.find((f) => f.refId === refId);
  const running = byRef('running');
  const failed = byRef('failed');
  const vms = byRef('vms');

  const statuses = column(vms, 'current_status');
  const counts = new Map<string, number>();
  for (const status of rows(vms, (i) => text(statuses, i))) {
    if (status) counts.set(status, (counts.get(status) ?? 0) + 1);
  }

  const job = (frame: DataFrame | undefined) => ({
    id: column(frame, 'job_id'),
    vm: column(frame, 'vm_name'),
    vcenter: column(frame, 'vcenter_host'),
  });
  const f = job(failed);
  const r = { id: column(running, 'job_id'), vm: column(running, 'vm_name') };
  return {
    vms: {
      total: vms?.length ?? 0,
      byStatus: VM_CONTEXT_STATUSES.filter((s) => counts.has(s)).map((status) => ({
        status,
        count: counts.get(status)!,
      })),
    },
    running: rows(running, (i) => ({
      jobId: text(r.id, i) ?? '',
      vm: text(r.vm, i) ?? '',
      status: text(column(running, 'status'), i),
      phase: text(column(running, 'phase'), i),
      percent: num(column(running, 'percentage'), i) ?? 0,
      throughputMBps: num(column(running, 'throughput_mbps'), i) ?? 0,
      etaSeconds: num(column(running, 'eta_seconds'), i),
      updatedAt: num(column(running, 'updated_at'), i),
    })).sort((a, b) => b.percent - a.percent || a.vm.localeCompare(b.vm)),
    failed: rows(failed, (i) => ({
      jobId: text(f.id, i) ?? '',
      vm: text(f.vm, i) ?? '',
      vcenter: text(f.vcenter, i) ?? '',
      at: num(column(failed, 'completed_at'), i),
      classification: text(column(failed, 'error_classification'), i),
      message: text(column(failed, 'error_message'), i),
    })).sort((a, b) => (b.at ?? 0) - (a.at ?? 0)),
  };
}

/** "2 h 05 min", "45 s": an ETA an operator reads at a glance. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
