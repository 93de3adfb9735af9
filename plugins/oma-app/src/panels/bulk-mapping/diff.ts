// A bulk mapping result (dry run or applied) as the operator reads it: changes grouped by source
// network as before -> after lines, the counts, and the validation summary. No React, no I/O.
import type { BulkMappingResult, ValidationCode } from '@oma-insights/contracts/network-mapping';

import { compareNames } from './vm-rows';

export interface NetworkRef {
  id: string;
  name: string;
}

export interface Transition {
  /** Null: the NIC had no mapping. */
  before: NetworkRef | null;
  after: NetworkRef;
  /** NICs (VM, source network) moving this way. */
  nics: number;
  /** The first VMs, by name, up to the display limit. */
  vms: string[];
}

export interface NetworkChanges {
  sourceNetwork: string;
  nics: number;
  transitions: Transition[];
}

export interface IssueCount {
  code: ValidationCode;
  severity: 'error' | 'warning';
  /** VMs with this issue. */
  vms: number;
  /** One message, as an example of what the server says. */
  example: string;
}

export interface DiffModel {
  dryRun: boolean;
  applied: boolean;
  summary: BulkMappingResult['summary'];
  /** NICs whose destination changes (created or updated). */
  changedNics: number;
  /** VMs with at least one changing NIC. */
  changedVms: number;
  groups: NetworkChanges[];
  validation: {
    valid: boolean;
    vms: number;
    validVms: number;
    invalidVms: number;
    warningVms: number;
    issues: IssueCount[];
  };
}

/** @param vmsPerLine VM names kept per before -> after line (the rest are counted, not listed). */
export function buildDiff(result: BulkMappingResult, vmsPerLine: number): DiffModel {
  const groups = new Map<string, Map<string, Transition & { allVms: string[] }>>();
  const changedVms = new Set<string>();
  let changedNics = 0;
  for (const change of result.changes) {
    // The server lists changes; an entry whose destination stays is counted as unchanged by it.
    if (change.before?.network_id === change.after.network_id) continue;
    changedNics += 1;
    changedVms.add(change.vm_name);
    let group = groups.get(change.source_network);
    if (!group) {
      group = new Map();
      groups.set(change.source_network, group);
    }
    const key = `${change.before?.network_id ?? ''}\u0000${change.after.network_id}`;
    let t = group.get(key);
    if (!t) {
      t = {
        before: change.before ? { id: change.before.network_id, name: change.before.network_name } : null,
        after: { id: change.after.network_id, name: change.after.network_name },
        nics: 0,
        vms: [],
        allVms: [],
      };
      group.set(key, t);
    }
    t.nics += 1;
    t.allVms.push(change.vm_name);
  }

  const issues = new Map<ValidationCode, IssueCount & { names: Set<string> }>();
  for (const vm of result.validation.results) {
    for (const issue of vm.issues) {
      let count = issues.get(issue.code);
      if (!count) {
        count = {
          code: issue.code,
          severity: issue.severity,
          vms: 0,
          example: issue.message,
          names: new Set(),
        };
        issues.set(issue.code, count);
      }
      count.names.add(vm.vm_name);
      count.vms = count.names.size;
    }
  }

  return {
    dryRun: result.dry_run,
    applied: result.applied,
    summary: result.summary,
    changedNics,
    changedVms: changedVms.size,
    groups: [...groups]
      .map(([sourceNetwork, transitions]) => {
        const lines = [...transitions.values()].map(({ allVms, ...t }) => ({
          ...t,
          vms: [...allVms].sort(compareNames).slice(0, Math.max(0, vmsPerLine)),
        }));
        lines.sort((a, b) => b.nics - a.nics || compareNames(a.after.name, b.after.name));
        return { sourceNetwork, nics: lines.reduce((n, t) => n + t.nics, 0), transitions: lines };
      })
      .sort((a, b) => b.nics - a.nics || compareNames(a.sourceNetwork, b.sourceNetwork)),
    validation: {
      valid: result.validation.valid,
      vms: result.validation.summary.vms,
      validVms: result.validation.summary.valid,
      invalidVms: result.validation.summary.invalid,
      warningVms: result.validation.summary.warnings,
      issues: [...issues.values()]
        .map(({ names: _names, ...count }) => count)
        .sort(
          (a, b) =>
            (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
            b.vms - a.vms ||
            a.code.localeCompare(b.code),
        ),
    },
  };
}

/** "3 NICs on 2 VMs": what an apply will change, for the confirmation. */
export function changeSentence(diff: Pick<DiffModel, 'changedNics' | 'changedVms'>): string {
  const nics = `${diff.changedNics} NIC${diff.changedNics === 1 ? '' : 's'}`;
  const vms = `${diff.changedVms} VM${diff.changedVms === 1 ? '' : 's'}`;
  return `${nics} on ${vms}`;
}
