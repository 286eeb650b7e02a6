import type { Database } from '../db/database.ts';
import { loadSealedConnection, notConnected, type KeyPair, type SealedConnection } from '../db/repos/connections.ts';
import { asService } from '../db/scoped.ts';
import type { SecretBox } from '../lib/secret-box.ts';
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
  return openCredentials(s.secrets, row);
}

/**
 * A firm's stored keys whatever their last check said, or undefined when it has none: for
 * `npm run cegid:check --firm`, which reads Cegid with them to diagnose the wire, and never deposits.
 */
export async function storedCredentials(db: Database, secrets: SecretBox, firmId: string): Promise<FirmCredentials | undefined> {
  const row = await asService(db, (tx) => loadSealedConnection(tx, firmId));
  return row ? openCredentials(secrets, row) : undefined;
}

async function openCredentials(secrets: SecretBox, row: SealedConnection): Promise<FirmCredentials> {
  const plain = JSON.parse(await secrets.open({ keyId: row.secrets_key_id, ciphertext: row.secrets_ciphertext })) as {
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
