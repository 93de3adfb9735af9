// Probe targets per destination network, in their own table: replacing or re-syncing the
// CloudStack inventory keeps them.
import net from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, ProbeTarget, Timestamp } from '@oma-insights/contracts';
import type { Db } from '../../db/connect';
import { upsert } from '../../db/dialect';
import type { OmiNetworkProbeTargetsTable } from '../../db/schema';
import { ApiError } from '../../http/errors';
import { PROBE_DEFAULTS } from './probe';

export const ProbeTargetEntry = Type.Object({
  network_id: Type.String(),
  network_name: Nullable(Type.String({ description: 'null when the network left the inventory' })),
  host: Type.String(),
  port: Type.Integer(),
  timeout_ms: Type.Integer(),
  attempts: Type.Integer(),
  updated_by: Type.String({ description: 'Name of the API token that set it' }),
  updated_at: Timestamp,
});
export type ProbeTargetEntry = Static<typeof ProbeTargetEntry>;

/** A DNS name (RFC 1123 labels) or an IP address: anything else could never be connected to. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
export const isProbeHost = (host: string) => net.isIP(host) !== 0 || HOST_NAME.test(host);

function present(
  row: OmiNetworkProbeTargetsTable,
  networkName: string | null,
  store: Pick<Db, 'time'>,
): ProbeTargetEntry {
  return {
    network_id: row.network_id,
    network_name: networkName,
    host: row.host,
    port: Number(row.port),
    timeout_ms: Number(row.timeout_ms),
    attempts: Number(row.attempts),
    updated_by: row.updated_by,
    updated_at: store.time.toIso(row.updated_at) ?? '',
  };
}

export async function listProbeTargets(store: Db): Promise<ProbeTargetEntry[]> {
  const rows = await store.db
    .selectFrom('omi_network_probe_targets as p')
    .leftJoin('omi_cloudstack_networks as n', 'n.id', 'p.network_id')
    .selectAll('p')
    .select('n.name as network_name')
    .orderBy('p.network_id')
    .execute();
  return rows.map((r) => present(r, r.network_name, store));
}

/** Sets a network's probe target; the network must be in the inventory (a typo is a 404). */
export async function setProbeTarget(
  store: Db,
  networkId: string,
  target: ProbeTarget,
  actor: string,
): Promise<{ created: boolean; entry: ProbeTargetEntry }> {
  if (!isProbeHost(target.host)) {
    throw new ApiError(
      422,
      'invalid_probe_host',
      `"${target.host}" is neither an IP address nor a DNS host name`,
    );
  }
  return store.db.transaction().execute(async (trx) => {
    const network = await trx
      .selectFrom('omi_cloudstack_networks')
      .select('name')
      .where('id', '=', networkId)
      .executeTakeFirst();
    if (!network) {
      throw new ApiError(
        404,
        'not_found',
        `CloudStack network "${networkId}" is not in the inventory; PUT /api/v1/networks/available first`,
      );
    }
    const existing = await trx
      .selectFrom('omi_network_probe_targets')
      .select('network_id')
      .where('network_id', '=', networkId)
      .executeTakeFirst();
    const row: OmiNetworkProbeTargetsTable = {
      network_id: networkId,
      host: target.host,
      port: target.port,
      timeout_ms: target.timeout_ms ?? PROBE_DEFAULTS.timeout_ms,
      attempts: target.attempts ?? PROBE_DEFAULTS.attempts,
      updated_by: actor,
      updated_at: store.time.toDb(Date.now()),
    };
    await upsert(
      trx.insertInto('omi_network_probe_targets').values(row),
      store.dialect,
      ['network_id'],
      ['host', 'port', 'timeout_ms', 'attempts', 'updated_by', 'updated_at'],
    ).execute();
    return { created: !existing, entry: present(row, network.name, store) };
  });
}

export async function deleteProbeTarget(store: Db, networkId: string): Promise<ProbeTargetEntry> {
  return store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('omi_network_probe_targets as p')
      .leftJoin('omi_cloudstack_networks as n', 'n.id', 'p.network_id')
      .selectAll('p')
      .select('n.name as network_name')
      .where('p.network_id', '=', networkId)
      .executeTakeFirst();
    if (!row) throw new ApiError(404, 'not_found', `Network "${networkId}" has no probe target`);
    await trx.deleteFrom('omi_network_probe_targets').where('network_id', '=', networkId).execute();
    return present(row, row.network_name, store);
  });
}
