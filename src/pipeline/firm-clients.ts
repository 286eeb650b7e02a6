import { loadFirmCredentials } from '../db/repos/connections.ts';
import { asService } from '../db/scoped.ts';
import { cegidClients, type CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';

/** A firm's Cegid clients, from its stored (decrypted) credentials; built per unit of work. */
export async function clientsForFirm(s: Services, firmId: string): Promise<CegidClients> {
  return cegidClients(s.cegid, await asService(s.db, (tx) => loadFirmCredentials(tx, firmId, s.secrets)));
}
