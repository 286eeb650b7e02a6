import { loadSealedConnection, notConnected, type KeyPair } from '../db/repos/connections.ts';
import { asService } from '../db/scoped.ts';
import { cegidClients, type CegidClients, type FirmCredentials } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';

/**
 * The firm's decrypted credentials. Only a connection whose last check passed is used: keys that
 * failed their check would only fail again at Cegid.
 */
export async function firmCredentials(s: Services, firmId: string): Promise<FirmCredentials> {
  const row = await asService(s.db, (tx) => loadSealedConnection(tx, firmId));
  if (!row || row.status !== 'connected') throw notConnected();
  const plain = JSON.parse(await s.secrets.open({ keyId: row.secrets_key_id, ciphertext: row.secrets_ciphertext })) as { cpa: KeyPair; cfe: KeyPair };
  return { sicCode: row.sic_code, cpa: plain.cpa, cfe: plain.cfe };
}

/** A firm's Cegid clients, from its stored (decrypted) credentials; built per unit of work. */
export async function clientsForFirm(s: Services, firmId: string): Promise<CegidClients> {
  return cegidClients(s.cegid, await firmCredentials(s, firmId));
}
