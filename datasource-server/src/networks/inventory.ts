// The destination inventory (omi_cloudstack_networks), replaced as a whole: by
// PUT /networks/available and by the CloudStack sync.
import type { CloudStackNetwork } from '@oma-insights/contracts';
import type { Db } from '../db/connect';
import { inTransaction } from '../db/dialect';
import type { OmiCloudstackNetworksTable } from '../db/schema';
import { networkToRow } from './present';

const INSERT_CHUNK = 200;

/**
 * Replaces the inventory in one transaction: readers see the old list or the new one, never a
 * mix, and a failure leaves the old one. Network ids must be unique (callers check).
 */
export async function replaceInventory(
  store: Db,
  networks: readonly CloudStackNetwork[],
): Promise<OmiCloudstackNetworksTable[]> {
  const now = store.time.toDb(Date.now());
  const rows = networks.map((n) => networkToRow(n, now));
  await inTransaction(store, async (trx) => {
    await trx.deleteFrom('omi_cloudstack_networks').execute();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('omi_cloudstack_networks')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
  });
  return rows;
}
