// `npm run cegid:check --firm <id>` reads Cegid with a connected firm's stored keys: they come back
// decrypted as they were entered, and the check passes against the simulator with them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedCredentials } from '../../src/pipeline/firm-clients.ts';
import { runConformance } from '../../src/quadra/conformance.ts';
import { DEV_VENDOR_IDENTITY } from '../../src/quadra/token-source.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { useSimulator } from '../support/simulator.ts';

const sim = useSimulator();

describe(`a firm's stored keys for the conformance check (${engine})`, () => {
  let t: TestContext;
  let firmId: string;

  beforeAll(async () => {
    t = await createTestContext({
      cegid: { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, timeoutMs: 3_000, maxAttempts: 2, retryBaseMs: 10 },
    });
    const token = await t.token(crypto.randomUUID());
    firmId = (await t.call('POST', '/v1/firms', { token, body: { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic } })).body.id;
    const keys = {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    };
    const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token, body: keys });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('come back decrypted, and the check passes with them; a firm without keys has none', async () => {
    const creds = await storedCredentials(t.services.db, t.services.secrets, firmId);
    expect(creds).toEqual({
      sicCode: DEMO_FIRM.sic,
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    const report = await runConformance({
      cpaBaseUrl: sim.cpaBaseUrl,
      cfeBaseUrl: sim.cfeBaseUrl,
      ...creds!,
      identity: DEV_VENDOR_IDENTITY,
    });
    expect(report.summary).toMatchObject({ differs: 0, failed: 0 });
    expect(await storedCredentials(t.services.db, t.services.secrets, crypto.randomUUID())).toBeUndefined();
  });
});
