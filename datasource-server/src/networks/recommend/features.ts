// What a network's name and CloudStack fields say about it, reduced to comparable features:
// environment and role words in a canonical spelling, VLAN ids, subnets, and whether it is a
// test (isolated) or retired network. Pure. The vocabulary is general naming practice, not any
// one site's names.
import { networkRole, TEST_WORDS } from '../network-role';

/** Spellings of one environment, canonical first. */
const ENVIRONMENTS = [
  ['prod', 'prd', 'production', 'prodn'],
  ['dev', 'development', 'devel'],
  ['uat', 'acceptance', 'acc', 'preprod'],
  ['stage', 'staging', 'stg', 'stag'],
  ['qa', 'qas', 'quality'],
  ['dr', 'disaster', 'recovery'],
];

/** Spellings of one role or purpose, canonical first. */
const ROLES = [
  ['db', 'database', 'databases', 'dbs'],
  ['k8s', 'kubernetes', 'kube', 'kub'],
  ['mgmt', 'management', 'mgt', 'mgnt'],
  ['mon', 'monitoring', 'monitor', 'mntr'],
  ['storage', 'stor'],
  ['backup', 'bkp', 'bak', 'backups', 'bck'],
  ['app', 'apps', 'application', 'applications'],
  ['web', 'www', 'websrv'],
  ['exchange', 'exch'],
  ['finance', 'fin', 'accounting'],
  ['voice', 'voip', 'telephony', 'tel'],
  ['vdi', 'desktop', 'desktops'],
  ['sql', 'mssql'],
];

/** Words that name the kind of object, not which one: they say nothing about the match. */
const GENERIC = new Set([
  'pg',
  'dpg',
  'dvpg',
  'dvs',
  'vds',
  'vss',
  'dv',
  'portgroup',
  'port',
  'group',
  'net',
  'network',
  'networks',
  'nw',
  'lan',
  'vlan',
  'vl',
  'vm',
  'vms',
  'guest',
  'shared',
  'segment',
  'seg',
  'subnet',
  'default',
  'the',
  'and',
  'of',
  'to',
]);

/** A test word, or a compound holding one ("drtest", "testnet"). */
const isTestWord = (token: string) =>
  TEST_WORDS.has(token) || [...TEST_WORDS].some((w) => w.length >= 4 && token.includes(w));
/** Words marking a network as retired. */
const RETIRED_WORDS = new Set([
  'old',
  'legacy',
  'deprecated',
  'decom',
  'decommissioned',
  'retired',
  'unused',
]);

const canonical = new Map<string, { kind: 'env' | 'role'; word: string }>();
for (const group of ENVIRONMENTS) for (const w of group) canonical.set(w, { kind: 'env', word: group[0] });
for (const group of ROLES) for (const w of group) canonical.set(w, { kind: 'role', word: group[0] });

/** Lower-case words and numbers of a name: camelCase, letter/digit runs and separators split. */
export function nameTokens(name: string): string[] {
  return (
    name
      // dvPG -> dv PG, ProdWeb -> Prod Web, VLAN971 -> VLAN 971; k8s and o365 stay words
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .replace(/([A-Za-z])(\d{2,})/g, '$1 $2')
      .replace(/(\d{2,})([A-Za-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean)
  );
}

export interface NameFeatures {
  /** Canonical environment words (prod, dev, ...). */
  envs: Set<string>;
  /** Canonical role words and any other specific words. */
  words: Set<string>;
  /** VLAN ids written with a marker ("vlan 120", "VLAN120"). */
  explicitVlans: Set<number>;
  /** A bare number of 1..4094 ending the name ("web-120"), a weaker hint. */
  trailingVlan: number | null;
  /** IPv4 networks written in the name ("10.1.20.0_24"), as [address, prefix]. */
  subnets: [number, number][];
  testMarked: boolean;
  retiredMarked: boolean;
}

const isVlanId = (n: number) => Number.isInteger(n) && n >= 1 && n <= 4094;

function subnetsIn(name: string): [number, number][] {
  const found: [number, number][] = [];
  for (const m of name.matchAll(/(\d{1,3})[._-](\d{1,3})[._-](\d{1,3})[._-](\d{1,3})(?:[/_-](\d{1,2}))?/g)) {
    const octets = m.slice(1, 5).map(Number);
    if (octets.some((o) => o > 255)) continue;
    const prefix = m[5] === undefined ? 24 : Number(m[5]);
    if (prefix < 8 || prefix > 32) continue;
    found.push([ipv4(octets), prefix]);
  }
  return found;
}

const ipv4 = (o: number[]) => ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;

/** CIDR text ("10.1.20.0/24") as [address, prefix], or null. */
export function parseCidr(cidr: string | null | undefined): [number, number] | null {
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})\s*$/.exec(cidr ?? '');
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  return [ipv4(octets), prefix];
}

/** Whether address/prefix `inner` lies inside `outer`. */
export function subnetWithin(inner: [number, number], outer: [number, number]): boolean {
  const mask = outer[1] === 0 ? 0 : (0xffffffff << (32 - outer[1])) >>> 0;
  return inner[1] >= outer[1] && (inner[0] & mask) >>> 0 === (outer[0] & mask) >>> 0;
}

export function nameFeatures(name: string): NameFeatures {
  const tokens = nameTokens(name);
  const features: NameFeatures = {
    envs: new Set(),
    words: new Set(),
    explicitVlans: new Set(),
    trailingVlan: null,
    subnets: subnetsIn(name),
    testMarked: false,
    retiredMarked: false,
  };
  tokens.forEach((token, i) => {
    if (/^\d+$/.test(token)) {
      const previous = tokens[i - 1];
      if ((previous === 'vlan' || previous === 'vl' || previous === 'v') && isVlanId(Number(token))) {
        features.explicitVlans.add(Number(token));
      }
      return;
    }
    if (isTestWord(token)) {
      features.testMarked = true;
      return;
    }
    if (RETIRED_WORDS.has(token)) {
      features.retiredMarked = true;
      return;
    }
    if (GENERIC.has(token) || token.length === 1) return;
    const known = canonical.get(token);
    if (known?.kind === 'env') features.envs.add(known.word);
    else features.words.add(known?.word ?? token);
  });
  const last = tokens[tokens.length - 1];
  if (last && /^\d+$/.test(last) && isVlanId(Number(last)) && !features.explicitVlans.has(Number(last))) {
    features.trailingVlan = Number(last);
  }
  return features;
}

/** The VLAN id in CloudStack's `vlan` or `broadcast_uri` ("vlan://120", "120"), or null. */
export function cloudstackVlan(value: string | null | undefined): number | null {
  const m = /^(?:vlan:\/\/)?(\d{1,4})$/i.exec((value ?? '').trim());
  return m && isVlanId(Number(m[1])) ? Number(m[1]) : null;
}

export interface DestinationFacts {
  id: string;
  name: string;
  display_text?: string | null;
  state: string | null;
  zone_id: string | null;
  zone_name: string | null;
  network_type: string | null;
  traffic_type?: string | null;
  cidr: string | null;
  vlan: string | null;
  broadcast_uri: string | null;
  is_default: boolean;
  can_use_for_deploy: boolean;
  is_system: boolean;
  tags: Record<string, string>;
}

/** CloudStack states in which a network accepts no new VMs. */
const UNDEPLOYABLE_STATES = new Set(['shutdown', 'destroy', 'destroyed', 'error', 'deleted', 'removed']);

/** Why a VM cannot be placed on this network, or null when it can. */
export function notDeployableReason(
  d: Pick<DestinationFacts, 'state' | 'can_use_for_deploy'>,
): string | null {
  if (d.state && UNDEPLOYABLE_STATES.has(d.state.toLowerCase())) return `state ${d.state}`;
  if (!d.can_use_for_deploy) return 'CloudStack says it cannot be used for deploy';
  return null;
}

/** Why this destination is a test network (the rule validation uses too), or null for a live one. */
export function testNetworkReason(
  d: Pick<DestinationFacts, 'name' | 'display_text' | 'network_type' | 'tags'>,
): string | null {
  const verdict = networkRole(d);
  return verdict.role === 'test' ? verdict.reason : null;
}
