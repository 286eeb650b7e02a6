// `npm start`: the whole product on one machine — the API and its jobs on the embedded database,
// talking to the Quadra simulator (its own Azurite blob store) over real HTTP, and the hub console
// on its own origin. The banner comes once the demo firm is ready to use (its client files are in),
// so what it says to paste works at once.
import { join } from 'node:path';
import { startConsole } from '../examples/hub-console/server.ts';
import { loadConfig } from './config.ts';
import { mintToken } from './lib/auth.ts';
import { devSecret } from './lib/dev-secrets.ts';
import { busyPortLine, exitIfBusy, isPortBusy } from './lib/ports.ts';
import { onShutdown, startService } from './server.ts';
import { DEMO_FIRM, startSimulator } from './sim/index.ts';

const config = loadConfig({ QUADRA_SIMULATOR: 'embedded', ...process.env });
const embedded = config.QUADRA_SIMULATOR === 'embedded';
await exitIfBusy([
  ...(embedded ? [{ port: config.SIM_PORT, host: '127.0.0.1', variable: 'SIM_PORT' }] : []),
  { port: config.PORT, host: config.HOST, variable: 'PORT' },
  ...(config.NODE_ENV === 'production' ? [] : [{ port: config.CONSOLE_PORT, host: '127.0.0.1', variable: 'CONSOLE_PORT' }]),
]);
// Taken between the check and the start (another program was quicker): the same one line.
const orBusy =
  (port: number, variable: string) =>
  (err: unknown): never => {
    if (isPortBusy(err)) {
      console.error(busyPortLine(port, variable));
      process.exit(1);
    }
    throw err;
  };
const sim = embedded
  ? await startSimulator({ port: config.SIM_PORT, dataDir: join(config.DATA_DIR, 'simulator') }).catch(orBusy(config.SIM_PORT, 'SIM_PORT'))
  : undefined;
const service = await startService(config, sim ? { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl } : {}).catch(
  orBusy(config.PORT, 'PORT'),
);
let stopConsole: (() => Promise<void>) | undefined;
onShutdown(async () => {
  await stopConsole?.();
  await service.stop();
  await sim?.stop();
});

// A development user, and (first run only) the simulator's demo firm connected through the real API.
const userId = '00000000-0000-4000-8000-000000000001';
const token =
  config.JWT_SECRET || !config.JWT_JWKS_URL
    ? await mintToken({ secret: config.JWT_SECRET ?? devSecret(config.DATA_DIR, 'jwt.secret'), sub: userId, expiresIn: '12h' })
    : undefined;

// biome-ignore lint/suspicious/noExplicitAny: the banner reads a few fields of our own API's answers, which its tests type
type Answer = { status: number; body: any };
const call = (method: string, path: string, body?: unknown): Promise<Answer> =>
  fetch(service.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => undefined) }));

/** The demo firm's client files, once its reference sync has brought them; or what is still missing. */
async function demoFirmReady(firmId: string, timeoutMs = 120_000): Promise<{ files: number; pending?: string }> {
  const until = Date.now() + timeoutMs;
  let asked = false;
  for (;;) {
    const files = (await call('GET', `/v1/firms/${firmId}/files`)).body?.files ?? [];
    if (files.length) return { files: files.length };
    const runs: Array<{ status: string; error?: unknown }> = (await call('GET', `/v1/firms/${firmId}/reference-sync`)).body?.runs ?? [];
    const latest = runs[0];
    if (latest?.status === 'failed') return { files: 0, pending: `its reference sync failed: ${JSON.stringify(latest.error)}` };
    // A firm left without files and without a run under way (a first start stopped mid-way): ask again.
    if (!asked && (!latest || latest.status === 'succeeded')) {
      asked = true;
      await call('POST', `/v1/firms/${firmId}/reference-sync`);
    }
    if (Date.now() > until)
      return {
        files: 0,
        pending: `its client files are still loading (reference sync ${latest?.status ?? 'not started'}); list them in a moment`,
      };
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (sim && token) {
  const firms = await call('GET', '/v1/firms');
  let firm = firms.body?.firms?.find((f: { sicCode: string }) => f.sicCode === DEMO_FIRM.sic);
  if (!firm) {
    const created = await call('POST', '/v1/firms', { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic });
    if (created.status !== 201 || !created.body?.id) {
      // Nothing to wait for: say why and stop, rather than poll a firm that does not exist.
      console.error(`The demo firm could not be created (${created.status}: ${created.body?.error?.message ?? 'no answer'})`);
      process.exit(1);
    }
    firm = created.body;
    const conn = await call('PUT', `/v1/firms/${firm.id}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    service.services.log.info({ firmId: firm.id, connection: conn.body?.status }, 'demo firm connected to the simulator');
  }
  console.log("Loading the demo firm's client files from the simulator…");
  const ready = await demoFirmReady(firm.id);
  // The console gets the development token written into its page, so it is served on loopback only
  // (whatever HOST the API listens on) and never in production, where that token would be a real one.
  const hubConsole =
    config.NODE_ENV === 'production'
      ? { url: 'not started (NODE_ENV=production: the console carries a development token; run npm run console)', stop: async () => {} }
      : await startConsole({
          port: config.CONSOLE_PORT,
          host: '127.0.0.1',
          api: { kind: 'http', baseUrl: service.url, token },
        }).catch((err: Error) => ({ url: `not started (${err.message}; choose another CONSOLE_PORT)`, stop: async () => {} }));
  stopConsole = hubConsole.stop;
  console.log(`
Quadra Sync is running.
  API           ${service.url}        (docs: ${service.url}/docs)
  Console       ${hubConsole.url}        (the hub console: files, tabs, Synchronize, preview, timeline, account map)
  Simulator     ${sim.url}            (open a dossier: POST ${sim.url}/_control/dossiers/${DEMO_FIRM.sic}/BOULANG/open)
  Demo firm     ${firm?.id}  (SIC ${DEMO_FIRM.sic}, connected to the simulator, ${ready.pending ? `not ready: ${ready.pending}` : `${ready.files} client files ready`})
  Dev token     export TOKEN=${token}
  Addresses     export API=${service.url} SIM=${sim.url}   (the README's walkthrough reads them)
  Try           curl -s -H "authorization: Bearer $TOKEN" ${service.url}/v1/firms/${firm?.id}/files
Stop with Ctrl-C. The scripted tour of every path: npm run demo
`);
}
