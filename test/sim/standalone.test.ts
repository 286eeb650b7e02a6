/** `tsx src/sim/main.ts` against an Azurite given by AZURITE_BLOB_URL, and the Azurite helper itself. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/sim/index.ts';
import { useAzurite } from '../support/azurite.ts';

const az = useAzurite();
const root = path.resolve(import.meta.dirname, '../..');

describe('azurite helper', () => {
  it('serves blobs with the well-known dev account', async () => {
    const h = az.handle;
    expect(h.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    const svc = new BlobServiceClient(h.blobEndpoint, new StorageSharedKeyCredential(h.accountName, h.accountKey));
    const c = svc.getContainerClient('probe');
    await c.createIfNotExists();
    await c.getBlockBlobClient('a.txt').uploadData(Buffer.from('hello'));
    expect((await c.getBlobClient('a.txt').downloadToBuffer()).toString()).toBe('hello');
  });
});

describe('standalone simulator (tsx src/sim/main.ts)', () => {
  it('starts on SIM_PORT with the given Azurite and stops on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'src/sim/main.ts')], {
      cwd: root,
      env: { ...process.env, SIM_PORT: String(port), AZURITE_BLOB_URL: az.handle.blobEndpoint },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('Quadra simulator on')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`simulator did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(out).toContain(`CPA base URL : http://127.0.0.1:${port}/cpa`);
      expect(out).toContain(az.handle.blobEndpoint);
      const firms = (await (await fetch(`http://127.0.0.1:${port}/_control/firms`)).json()) as Array<{ sic: string }>;
      expect(firms.map((f) => f.sic)).toEqual(['100200', '999000', '555000']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
