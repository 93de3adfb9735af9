// Whether a CloudStack network is meant for test failover or for live failover. One small rule,
// shared by validation and the recommendation engine. Pure.
//
// Signals, strongest first:
// 1. a tag saying so (`purpose=test`, `env=production`, `test=true`…): an operator's explicit word;
// 2. words in the name or display text (`test`, `sandbox`, … before `prod`, `live`): a test copy
//    of a production network is usually named after it, so test words outrank live words;
// 3. the network type: an Isolated network is a test bubble unless 1 or 2 say otherwise.
// Tagging a network (purpose=live / purpose=test) therefore always overrides what its name suggests.
import { parseJson } from '../oma/rows';

export type NetworkRole = 'test' | 'live';

export interface NetworkRoleInput {
  name: string;
  display_text?: string | null;
  network_type?: string | null;
  /** CloudStack tags: `[{key, value}]` or `{key: value}`, parsed or as the stored JSON text. */
  tags?: unknown;
}

export interface NetworkRoleVerdict {
  role: NetworkRole;
  /** Which signal decided, for messages and recommendation reasons. */
  reason: string;
}

export const TEST_WORDS = new Set([
  'test',
  'tests',
  'testing',
  'tst',
  'drtest',
  'sandbox',
  'bubble',
  'drill',
]);
const LIVE_WORDS = new Set(['prod', 'prd', 'production', 'live']);
/** Tag keys whose value says what a network is for. */
const ROLE_KEYS = new Set(['purpose', 'env', 'environment', 'usage', 'role', 'type', 'failover', 'stage']);
const TRUTHY = new Set(['', 'true', 'yes', '1', 'y', 'on']);

/** Lower-case words of a name: separators, case changes and digits split words ("DrTest01" -> dr, test). */
export function nameWords(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

function tagEntries(tags: unknown): [string, string][] {
  const value = typeof tags === 'string' ? parseJson(tags) : tags;
  if (Array.isArray(value)) {
    return value.flatMap((t) =>
      t && typeof t === 'object' && typeof t.key === 'string' ? [[t.key, String(t.value ?? '')]] : [],
    ) as [string, string][];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]);
  }
  return [];
}

function roleFromTags(tags: unknown): NetworkRoleVerdict | null {
  let live: NetworkRoleVerdict | null = null;
  for (const [key, value] of tagEntries(tags)) {
    const keyWords = nameWords(key);
    const valueWords = nameWords(value);
    const tag = `tag ${key}=${value}`;
    if (keyWords.some((w) => ROLE_KEYS.has(w))) {
      if (valueWords.some((w) => TEST_WORDS.has(w))) return { role: 'test', reason: tag };
      if (valueWords.some((w) => LIVE_WORDS.has(w))) live ??= { role: 'live', reason: tag };
    } else if (keyWords.some((w) => TEST_WORDS.has(w)) && TRUTHY.has(value.trim().toLowerCase())) {
      return { role: 'test', reason: tag };
    }
  }
  return live;
}

/** What a network is for, and why this function thinks so. */
export function networkRole(network: NetworkRoleInput): NetworkRoleVerdict {
  const tagged = roleFromTags(network.tags);
  if (tagged) return tagged;
  for (const text of [network.name, network.display_text ?? '']) {
    const words = nameWords(text);
    const test = words.find((w) => TEST_WORDS.has(w));
    if (test) return { role: 'test', reason: `"${test}" in its name` };
  }
  for (const text of [network.name, network.display_text ?? '']) {
    const live = nameWords(text).find((w) => LIVE_WORDS.has(w));
    if (live) return { role: 'live', reason: `"${live}" in its name` };
  }
  if ((network.network_type ?? '').toLowerCase() === 'isolated') {
    return { role: 'test', reason: 'an Isolated network' };
  }
  return {
    role: 'live',
    reason: `a ${network.network_type ?? 'non-isolated'} network without test tags or name`,
  };
}

export const isTestNetwork = (network: NetworkRoleInput): boolean => networkRole(network).role === 'test';
