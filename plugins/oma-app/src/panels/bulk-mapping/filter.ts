// Which VMs the operator selects: vCenter, datacenter, source network and a name pattern. The
// same filters become the request's selector (request.ts), so what the list shows is what the
// server is asked to change. No React, no I/O.
import type { NameMatchType } from '@oma-insights/contracts/network-values';
import { compareNames, type VmRow } from './vm-rows';

export interface VmFilters {
  vcenter?: string;
  datacenter?: string;
  sourceNetwork?: string;
  namePattern: { match: NameMatchType; value: string };
}

export const emptyFilters = (match: NameMatchType): VmFilters => ({ namePattern: { match, value: '' } });

export type NameMatcher = { ok: true; test: (name: string) => boolean } | { ok: false; error: string };

/**
 * exact: the whole name, case as typed; contains: a substring, any case (as the OMA GUI's
 * substring rule and SQL LIKE); regex: a JavaScript regular expression anywhere in the name
 * (anchor it with ^…$ for the whole name). An invalid regex is reported, never thrown.
 */
export function nameMatcher(pattern: VmFilters['namePattern']): NameMatcher {
  const { match, value } = pattern;
  if (value === '') return { ok: true, test: () => true };
  switch (match) {
    case 'exact':
      return { ok: true, test: (name) => name === value };
    case 'contains': {
      const needle = value.toLowerCase();
      return { ok: true, test: (name) => name.toLowerCase().includes(needle) };
    }
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(value);
      } catch (err) {
        // V8 says "Invalid regular expression: /…/: why" itself; other engines only say why.
        const why = (err as Error).message.replace(/^Invalid regular expression:\s*/i, '');
        return { ok: false, error: `Invalid regular expression: ${why}` };
      }
      return { ok: true, test: (name) => re.test(name) };
    }
  }
}

export type FilterResult = { rows: VmRow[]; error?: undefined } | { rows: []; error: string };

/** The VMs every set filter matches; an invalid pattern matches none and says why. */
export function filterVms(rows: VmRow[], filters: VmFilters): FilterResult {
  const matcher = nameMatcher(filters.namePattern);
  if (!matcher.ok) return { rows: [], error: matcher.error };
  const { vcenter, datacenter, sourceNetwork } = filters;
  return {
    rows: rows.filter(
      (vm) =>
        (!vcenter || vm.vcenter === vcenter) &&
        (!datacenter || vm.datacenter === datacenter) &&
        (!sourceNetwork || vm.nics.some((n) => n.sourceNetwork === sourceNetwork)) &&
        matcher.test(vm.name),
    ),
  };
}

export interface FilterChoices {
  vcenters: string[];
  /** Of the chosen vCenter when one is chosen. */
  datacenters: string[];
  /** Of the VMs the vCenter and datacenter filters leave. */
  sourceNetworks: string[];
}

/** The values each filter offers, narrowed by the filters before it. */
export function filterChoices(rows: VmRow[], filters: VmFilters): FilterChoices {
  const distinct = (values: Iterable<string>) => [...new Set(values)].filter(Boolean).sort(compareNames);
  const inVcenter = filters.vcenter ? rows.filter((vm) => vm.vcenter === filters.vcenter) : rows;
  const inDatacenter = filters.datacenter
    ? inVcenter.filter((vm) => vm.datacenter === filters.datacenter)
    : inVcenter;
  return {
    vcenters: distinct(rows.map((vm) => vm.vcenter)),
    datacenters: distinct(inVcenter.map((vm) => vm.datacenter)),
    sourceNetworks: distinct(inDatacenter.flatMap((vm) => vm.nics.map((n) => n.sourceNetwork))),
  };
}
