import { describe, expect, it } from 'vitest';
import { depositBlobName, provesNothingStored } from '../../../src/quadra/cfe-client.ts';
import { DEMO_FIRM, NO_CONTAINER_FIRM } from '../../../src/sim/index.ts';
import { useSimulator } from '../../support/simulator.ts';
import { cegidFailure } from './helpers.ts';

const sim = useSimulator();
const SIC = DEMO_FIRM.sic;
const bytes = (s: string) => new TextEncoder().encode(s);

describe('CFE client: container', () => {
  it('resolves the firm container without exposing the SAS', async () => {
    const info = await sim.cfe().resolveContainer();
    expect(info.containerName).toBe('cfe-100200');
    expect(info.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/cfe-100200$/);
    expect(info.endpoint).not.toContain('?');
    expect(info.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(sim.control.requests({ service: 'cfe' }).map((r) => r.path.split('?')[0])).toEqual(['/cfe/token', '/cfe/sic/100200/container']);
  });

  it('no container for the SIC -> ContainerNotFoundInSicSettings with the Cegid Life remedy', async () => {
    const cfe = sim.cfe({ sicCode: NO_CONTAINER_FIRM.sic, apiKey: NO_CONTAINER_FIRM.cfe.key, secret: NO_CONTAINER_FIRM.cfe.secret });
    const err = await cegidFailure(cfe.resolveContainer());
    expect(err).toMatchObject({ service: 'cfe', status: 404, code: 'ContainerNotFoundInSicSettings', retryable: false });
    expect(err.remedy).toBe(
      'Regenerate the CFE API key in Cegid Life, then verify that the CFE key in Cegid Life (Administration > User Management > API Keys) ' +
        'matches the one entered in the Cegid Quadra settings (Tools > API Keys > Cegid File Exchange).',
    );
    expect(err.toUserError().code).toBe('ContainerNotFoundInSicSettings');
    // And an upload surfaces the same typed error.
    const up = await cegidFailure(cfe.upload('MAISON/x.zip', bytes('x')));
    expect(up.code).toBe('ContainerNotFoundInSicSettings');
  });

  it('wrong CFE secret -> Unauthorized, not retried', async () => {
    const err = await cegidFailure(sim.cfe({ secret: 'not-the-secret' }).resolveContainer(), ['not-the-secret']);
    expect(err).toMatchObject({ service: 'cfe', status: 401, code: 'Unauthorized', retryable: false });
    expect(err.remedy).toContain('Cegid File Exchange');
    expect(sim.control.requests({ service: 'cfe' })).toHaveLength(1);
  });

  it("a firm's key cannot open another SIC's container", async () => {
    const err = await cegidFailure(sim.cfe({ sicCode: NO_CONTAINER_FIRM.sic }).resolveContainer());
    expect(err).toMatchObject({ status: 403, code: 'Forbidden' });
  });

  it('retries 503 on the container route', async () => {
    sim.control.setFaults({ failNext: { count: 1, status: 503, service: 'cfe', pathContains: '/container', retryAfterSec: 0 } });
    await sim.cfe().resolveContainer();
    expect(sim.control.requests({ pathContains: '/container' }).map((r) => r.status)).toEqual([503, 200]);
  });
});

describe('CFE client: deposits', () => {
  it('uploads, sees, lists and removes a deposit', async () => {
    const cfe = sim.cfe();
    const name = depositBlobName('BOULANG', 'dep-001');
    expect(name).toBe('BOULANG/dep-001.zip');
    const up = await cfe.upload(name, bytes('zip bytes'), { batch: 'b1' });
    expect(up.blobName).toBe(name);
    expect(up.etag).toBeTruthy();
    expect(await cfe.exists(name)).toBe(true);
    const listed = await cfe.list('BOULANG/');
    expect(listed).toEqual([expect.objectContaining({ name, size: 9, metadata: { batch: 'b1' } })]);
    expect((await sim.control.listBlobs(SIC)).map((b) => b.name)).toEqual([name]);

    expect(await cfe.remove(name)).toBe('deleted');
    expect(await cfe.exists(name)).toBe(false);
    expect(await cfe.remove(name)).toBe('absent');
  });

  it('re-uploading the same name replaces the deposit', async () => {
    const cfe = sim.cfe();
    const name = depositBlobName('GARAGE', 'dep-002');
    const a = await cfe.upload(name, bytes('first'));
    const b = await cfe.upload(name, bytes('second version'));
    expect(b.etag).not.toBe(a.etag);
    const blobs = await sim.control.listBlobs(SIC, 'GARAGE/');
    expect(blobs).toHaveLength(1);
    expect(blobs[0]!.size).toBe('second version'.length);
  });

  it('resolves the container once for several operations', async () => {
    const cfe = sim.cfe();
    await cfe.upload('CONSEIL/a.zip', bytes('a'));
    await cfe.upload('CONSEIL/b.zip', bytes('b'));
    await cfe.exists('CONSEIL/a.zip');
    expect(sim.control.requests({ pathContains: '/container' })).toHaveLength(1);
  });

  it('re-resolves the container before its SAS expires', async () => {
    let now = Date.now();
    const cfe = sim.cfe({ now: () => now });
    await cfe.exists('CONSEIL/a.zip');
    now += 50 * 60_000; // 10 min left on a 1 h SAS: still used
    await cfe.exists('CONSEIL/a.zip');
    expect(sim.control.requests({ pathContains: '/container' })).toHaveLength(1);
    now += 6 * 60_000; // inside the 5 min margin
    await cfe.exists('CONSEIL/a.zip');
    expect(sim.control.requests({ pathContains: '/container' })).toHaveLength(2);
  });

  it('an Azure refusal becomes a CegidError without the SAS URL', async () => {
    const err = await cegidFailure(sim.cfe().upload('BOULANG/m.zip', bytes('x'), { 'bad-key': 'v' }));
    expect(err).toMatchObject({ service: 'cfe', status: 400, code: 'InvalidMetadata', retryable: false });
    expect(err.message).not.toMatch(/devstoreaccount1|sv=|se=/);
  });

  it('refuses blob names that would escape the dossier folder', () => {
    expect(() => depositBlobName('A/B', 'x')).toThrow();
    expect(() => depositBlobName('BOULANG', '../x')).toThrow();
  });
});

describe('CFE client: one PUT per upload', () => {
  it('a 503 or 429 before the body was taken is retried; the blob lands once', async () => {
    sim.control.queueUploads('refuse503', 'refuse429');
    const before = sim.running.blobs.landed().length;
    await sim.cfe().upload('BOULANG/busy.zip', bytes('zip'));
    expect(sim.running.blobs.landed().slice(before)).toHaveLength(1);
  });

  for (const fault of ['dropAnswer', 'fail500AfterLanding'] as const) {
    it(`${fault}: not repeated, and the error does not claim nothing was stored`, async () => {
      sim.control.queueUploads(fault);
      const before = sim.running.blobs.landed().length;
      const err = await cegidFailure(sim.cfe().upload(`BOULANG/${fault}.zip`, bytes('zip')));
      expect(provesNothingStored(err)).toBe(false);
      expect(sim.running.blobs.landed().slice(before)).toHaveLength(1); // the SDK did not PUT it again
      expect((await sim.control.listBlobs(SIC, 'BOULANG/')).map((b) => b.name)).toContain(`BOULANG/${fault}.zip`);
    });
  }

  it('a refusal proves nothing was stored', async () => {
    const err = await cegidFailure(sim.cfe().upload('BOULANG/m2.zip', bytes('x'), { 'bad-key': 'v' }));
    expect(provesNothingStored(err)).toBe(true);
  });
});
