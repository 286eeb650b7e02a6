// Embedded under `npm start`, the simulator keeps Quadra's state and its blobs under DATA_DIR:
// a restart finds what it had (here: a period closed, an account added, a blob waiting).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_FIRM, startSimulator } from '../../src/sim/index.ts';

describe('simulator state under a data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qs-sim-persist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a restart: dossiers, accounts, periods and blobs', async () => {
    const first = await startSimulator({ dataDir: dir });
    const period = first.control.periods(DEMO_FIRM.sic, 'BOULANG').find((p) => p.status === 'open')!;
    first.control.setPeriodStatus(DEMO_FIRM.sic, 'BOULANG', period.start, 'closed');
    first.control.addAccount(DEMO_FIRM.sic, 'BOULANG', { number: '61350000', label: 'Locations', kind: 'general' });
    const az = first.azurite;
    const blobs = new BlobServiceClient(az.blobEndpoint, new StorageSharedKeyCredential(az.accountName, az.accountKey));
    const container = [] as string[];
    for await (const c of blobs.listContainers()) container.push(c.name);
    await blobs.getContainerClient(container[0]!).getBlockBlobClient('BOULANG/waiting.zip').upload('zip', 3);
    const blobsBefore = await first.control.listBlobs(DEMO_FIRM.sic);
    await first.stop();

    const second = await startSimulator({ dataDir: dir });
    try {
      expect(second.control.periods(DEMO_FIRM.sic, 'BOULANG').find((p) => p.start === period.start)!.status).toBe('closed');
      expect(second.control.accounts(DEMO_FIRM.sic, 'BOULANG').map((a) => a.number)).toContain('61350000');
      expect((await second.control.listBlobs(DEMO_FIRM.sic)).map((b) => b.name)).toEqual(blobsBefore.map((b) => b.name));
      expect(blobsBefore.length).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
    expect(readdirSync(dir).sort()).toEqual(['azurite', 'simulator.json']);
  }, 180_000); // two Azurite start-ups on disk
});
