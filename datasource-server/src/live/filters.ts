// The `vm` and `job` filters of the progress channel. A VM is named by its name or its context id.
import type { LiveMessage } from './channel-log';

export interface ProgressFilter {
  vm?: string;
  job?: string;
}

interface JobFields {
  job_id?: unknown;
  vm_name?: unknown;
  context_id?: unknown;
}

export function matchesJob(data: JobFields, filter: ProgressFilter): boolean {
  if (filter.job !== undefined && data.job_id !== filter.job) return false;
  if (filter.vm !== undefined && data.vm_name !== filter.vm && data.context_id !== filter.vm) return false;
  return true;
}

/** Messages that are not about a job (resync, snapshot) always pass. */
export function passes(message: LiveMessage, filter: ProgressFilter): boolean {
  if (filter.vm === undefined && filter.job === undefined) return true;
  if (message.type === 'resync' || message.type === 'snapshot') return true;
  return matchesJob((message.data ?? {}) as JobFields, filter);
}
