import { loadSealedConnection, notConnected, type KeyPair } from '../db/repos/connections.ts';
import { asService } from '../db/scoped.ts';
import { cegidClients, type CegidClients, type FirmCredentials } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { gatedFetch } from './cegid-gate.ts';

/**
 * The firm's decrypted credentials: the one gate every job passes before it reaches Cegid for a
 * firm (send, re-send, recovery, verification, reference data). Only a connection whose last
 * check passed, of a firm whose SIC code's claim is verified (USABLE_CONNECTION), is used: keys
 * that failed their check would only fail again, and without the claim nothing may be deposited
 * for that SIC code.
 */
export async function firmCredentials(s: Services, firmId: string): Promise<FirmCredentials> {
  const row = await asService(s.db, (tx) => loadSealedConnection(tx, firmId));
  if (!row?.usable) throw notConnected();
  const plain = JSON.parse(await s.secrets.open({ keyId: row.secrets_key_id, ciphertext: row.secrets_ciphertext })) as {
    cpa: KeyPair;
    cfe: KeyPair;
  };
  return { sicCode: row.sic_code, cpa: plain.cpa, cfe: plain.cfe };
}

/** A firm's Cegid clients, from its stored (decrypted) credentials; built per unit of work. */
export async function clientsForFirm(s: Services, firmId: string): Promise<CegidClients> {
  // Every call through the firm's slots (CEGID_CONCURRENCY_PER_FIRM across all processes) and its 429 pause.
  return cegidClients(s.cegid, await firmCredentials(s, firmId), (service) => gatedFetch(s, firmId, service));
}
