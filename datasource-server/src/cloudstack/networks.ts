// CloudStack's listNetworks entries -> the CloudStackNetwork contract (and so the
// omi_cloudstack_networks columns). One odd network must not fail the whole sync: values that
// would not fit are shortened (free text) or left out (identifiers, addresses), networks
// without a usable id or name are skipped, and both are counted.
import type { CloudStackNetwork } from '@oma-insights/contracts';

/** Column sizes of omi_cloudstack_networks, as in the CloudStackNetwork contract. */
const MAX = {
  id: 255,
  name: 255,
  display_text: 1024,
  zone_name: 255,
  zone_id: 255,
  state: 64,
  network_type: 64,
  traffic_type: 64,
  gateway: 64,
  netmask: 64,
  cidr: 64,
  vlan: 64,
  broadcast_uri: 255,
  tags: 32,
  tag_key: 128,
  tag_value: 256,
} as const;

export interface SkippedNetwork {
  /** The id as CloudStack sent it (shortened for the log), or null when there was none. */
  id: string | null;
  reason: string;
}

export interface Inventory {
  networks: CloudStackNetwork[];
  skipped: SkippedNetwork[];
  /** Values shortened or left out because they would not fit their column. */
  adjusted: number;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON string or number as text; anything else is absent. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function boolOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

/** At most `max` UTF-16 units (what the contract counts), never splitting a surrogate pair. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

class Adjuster {
  count = 0;

  /** Free text: shortened to fit. */
  text(value: unknown, max: number): string | undefined {
    const text = textOf(value);
    if (text === undefined || text.length <= max) return text;
    this.count++;
    return shorten(text, max);
  }

  /** An identifier, address or code: a shortened one would be wrong, so it is left out. */
  code(value: unknown, max: number): string | undefined {
    const text = textOf(value);
    if (text === undefined || text.length <= max) return text;
    this.count++;
    return undefined;
  }

  tags(value: unknown): CloudStackNetwork['tags'] {
    if (!Array.isArray(value)) return undefined;
    const pairs = value.filter(isObject).filter((t) => textOf(t.key) !== undefined);
    if (pairs.length > MAX.tags) this.count++;
    const tags = pairs.slice(0, MAX.tags).map((t) => ({
      key: this.text(t.key, MAX.tag_key) ?? '',
      value: this.text(t.value, MAX.tag_value) ?? '',
    }));
    return tags.length ? tags : undefined;
  }
}

/** Shared networks are CloudStack `type` Shared; without a type, domain-wide ACL says the same. */
function isShared(network: JsonObject): boolean | undefined {
  const type = textOf(network.type);
  if (type !== undefined) return type.toLowerCase() === 'shared';
  const acl = textOf(network.acltype);
  return acl === undefined ? undefined : acl.toLowerCase() === 'domain';
}

/**
 * Maps listNetworks entries to the inventory. `zones` (listZones) names the zone of a network
 * that came without `zonename`.
 */
export function inventoryFrom(entries: readonly unknown[], zones: readonly unknown[] = []): Inventory {
  const zoneNames = new Map<string, string>();
  for (const zone of zones) {
    const id = isObject(zone) ? textOf(zone.id) : undefined;
    const name = isObject(zone) ? textOf(zone.name) : undefined;
    if (id !== undefined && name !== undefined) zoneNames.set(id, name);
  }

  const adjust = new Adjuster();
  const networks: CloudStackNetwork[] = [];
  const skipped: SkippedNetwork[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!isObject(entry)) {
      skipped.push({ id: null, reason: 'not an object' });
      continue;
    }
    const id = textOf(entry.id);
    const logId = id === undefined ? null : shorten(id, 80);
    if (!id?.trim()) {
      skipped.push({ id: logId, reason: 'no id' });
      continue;
    }
    if (id.length > MAX.id) {
      skipped.push({ id: logId, reason: `id longer than ${MAX.id} characters` });
      continue;
    }
    if (seen.has(id)) {
      skipped.push({ id: logId, reason: 'listed twice' });
      continue;
    }
    if (!textOf(entry.name)?.trim()) {
      skipped.push({ id: logId, reason: 'no name' });
      continue;
    }
    seen.add(id);
    const name = adjust.text(entry.name, MAX.name)!;
    const zoneId = adjust.code(entry.zoneid, MAX.zone_id);
    const network: CloudStackNetwork = {
      id,
      name,
      display_text: adjust.text(entry.displaytext, MAX.display_text),
      state: adjust.code(entry.state, MAX.state),
      zone_id: zoneId,
      zone_name: adjust.text(
        entry.zonename ?? (zoneId === undefined ? undefined : zoneNames.get(zoneId)),
        MAX.zone_name,
      ),
      network_type: adjust.code(entry.type, MAX.network_type),
      traffic_type: adjust.code(entry.traffictype, MAX.traffic_type),
      gateway: adjust.code(entry.gateway, MAX.gateway),
      netmask: adjust.code(entry.netmask, MAX.netmask),
      cidr: adjust.code(entry.cidr, MAX.cidr),
      vlan: adjust.code(entry.vlan, MAX.vlan),
      broadcast_uri: adjust.code(entry.broadcasturi, MAX.broadcast_uri),
      is_default: boolOf(entry.isdefault),
      is_shared: isShared(entry),
      can_use_for_deploy: boolOf(entry.canusefordeploy),
      is_system: boolOf(entry.issystem),
      tags: adjust.tags(entry.tags),
    };
    // Absent stays absent (not a key holding undefined): the row mapping then uses its defaults.
    for (const key of Object.keys(network) as (keyof CloudStackNetwork)[]) {
      if (network[key] === undefined) delete network[key];
    }
    networks.push(network);
  }
  return { networks, skipped, adjusted: adjust.count };
}
