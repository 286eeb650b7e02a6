/**
 * Standalone simulator: `tsx src/sim/main.ts`.
 *   SIM_PORT (default 4010), AZURITE_BLOB_URL (use that Azurite, with the well-known
 *   devstoreaccount1 key, instead of starting one), SIM_IMPORT_DELAY_MS, SIM_LOG=1.
 */
import { exitIfBusy } from '../lib/ports.ts';
import { connectAzurite } from './azurite.ts';
import { DEMO_FIRM, NO_CONTAINER_FIRM, NO_PORTAL_FIRM } from './fixture.ts';
import { startSimulator } from './server.ts';

const port = Number(process.env.SIM_PORT ?? 4010);
const azuriteUrl = process.env.AZURITE_BLOB_URL;
await exitIfBusy([{ port, host: '127.0.0.1', variable: 'SIM_PORT' }], 'npm run sim');

const sim = await startSimulator({
  port,
  ...(azuriteUrl ? { azurite: connectAzurite(azuriteUrl) } : {}),
  importDelayMs: Number(process.env.SIM_IMPORT_DELAY_MS ?? 0),
  log: process.env.SIM_LOG === '1',
});

// Fixture credentials are fake and public (see fixture.ts): printing them helps a demo.
console.log(`Quadra simulator on ${sim.url}
  CPA base URL : ${sim.cpaBaseUrl}
  CFE base URL : ${sim.cfeBaseUrl}
  Azurite      : ${sim.azurite.blobEndpoint}
  Demo firm    : SIC ${DEMO_FIRM.sic}, CPA ${DEMO_FIRM.cpa.key}, CFE ${DEMO_FIRM.cfe.key} (fixture)
  No container : SIC ${NO_CONTAINER_FIRM.sic}; no portal access: SIC ${NO_PORTAL_FIRM.sic}
  Open a dossier: curl -X POST ${sim.url}/_control/dossiers/${DEMO_FIRM.sic}/BOULANG/open`);

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    void sim.stop().finally(() => process.exit(0));
  });
}
