// `npm start`: the whole product on one machine — the API and its jobs on the embedded database,
// talking to the Quadra simulator (its own Azurite blob store) over real HTTP.
import { join } from 'node:path';
import { loadConfig } from './config.ts';
import { mintToken } from './lib/auth.ts';
import { devSecret } from './lib/dev-secrets.ts';
import { onShutdown, startService } from './server.ts';
import { DEMO_FIRM, startSimulator } from './sim/index.ts';

const config = loadConfig({ QUADRA_SIMULATOR: 'embedded', ...process.env });
const sim = config.QUADRA_SIMULATOR === 'embedded' ? await startSimulator({ port: config.SIM_PORT, dataDir: join(config.DATA_DIR, 'simulator') }) : undefined;
const service = await startService(config, sim ? { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl } : {});
onShutdown(async () => { await service.stop(); await sim?.stop(); });

// A development user, and (first run only) the simulator's demo firm connected through the real API.
const userId = '00000000-0000-4000-8000-000000000001';
const token = config.JWT_SECRET || !config.JWT_JWKS_URL
  ? await mintToken({ secret: config.JWT_SECRET ?? devSecret(config.DATA_DIR, 'jwt.secret'), sub: userId, expiresIn: '12h' })
  : undefined;
if (sim && token) {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(service.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) })
      .then(async (r) => ({ status: r.status, body: await r.json().catch(() => undefined) as any }));
  const firms = await call('GET', '/v1/firms');
  let firm = firms.body?.firms?.find((f: { sicCode: string }) => f.sicCode === DEMO_FIRM.sic);
  if (!firm) {
    firm = (await call('POST', '/v1/firms', { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic })).body;
    const conn = await call('PUT', `/v1/firms/${firm.id}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    service.services.log.info({ firmId: firm.id, connection: conn.body?.status }, 'demo firm connected to the simulator');
  }
  console.log(`
Quadra Sync is running.
  API           ${service.url}        (docs: ${service.url}/docs)
  Simulator     ${sim.url}            (open a dossier: POST ${sim.url}/_control/dossiers/${DEMO_FIRM.sic}/BOULANG/open)
  Demo firm     ${firm?.id}  (SIC ${DEMO_FIRM.sic}, connected to the simulator)
  Dev token     export TOKEN=${token}
  Try           curl -s -H "authorization: Bearer $TOKEN" ${service.url}/v1/firms/${firm?.id}/files
Stop with Ctrl-C. The scripted tour of every path: npm run demo
`);
}
