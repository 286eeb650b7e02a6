// The Blob REST client (src/quadra/blob-rest.ts), through the CFE client that uses it, against a
// real Azurite: pagination, metadata, names needing escaping, and every failure class the CFE client
// tells apart (what proves nothing was stored, what leaves an upload unconfirmed).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import { BlobRestError, blobContainer, parseBlobListing } from '../../src/quadra/blob-rest.ts';
import { createCfeClient, depositBlobName, provesNothingStored, type CfeClientOptions } from '../../src/quadra/cfe-client.ts';
import { freePort } from '../../src/sim/azurite.ts';
import { startBlobFront, type BlobFront } from '../support/blob-front.ts';
import { cegidFailure } from './clients/helpers.ts';

let front: BlobFront;
beforeAll(async () => {
  front = await startBlobFront();
}, 60_000);
afterAll(() => front?.stop());
beforeEach(() => front.reset());

const cfe = (o: Partial<CfeClientOptions> = {}) =>
  createCfeClient({
    baseUrl: front.cfeBaseUrl,
    sicCode: '100200',
    apiKey: 'front-key-0001',
    secret: 'front-secret-0001',
    timeoutMs: 10_000,
    maxAttempts: 4,
    retryBaseMs: 10,
    retryMaxMs: 50,
    ...o,
  });
const bytes = (s: string) => new TextEncoder().encode(s);
const count = (method: string) => front.requests().filter((r) => r.method === method).length;

describe('Blob REST client: what goes in comes back', () => {
  it('lists every page through NextMarker (maxresults)', async () => {
    const c = cfe({ listPageSize: 3 });
    const names = Array.from({ length: 7 }, (_, i) => `PAGED/dep-${i}.zip`);
    for (const n of names) await c.upload(n, bytes(n));
    await c.upload('OTHER/x.zip', bytes('x'));
    expect((await c.list('PAGED/')).map((b) => b.name)).toEqual(names);
    const pages = front.requests().filter((r) => r.query.get('comp') === 'list');
    expect(pages.map((p) => p.query.get('maxresults'))).toEqual(['3', '3', '3']);
    expect(pages[0]!.query.get('marker')).toBeNull();
    expect(pages[1]!.query.get('marker')).toBeTruthy();
  });

  it('round-trips metadata as strings and names that need escaping', async () => {
    const c = cfe();
    const name = 'DOSSIER É/dép 1 #?%&+=;.zip';
    const metadata = { depositid: 'a1b2c3', entries: '007', note: 'R&D <x> "q"' };
    const up = await c.upload(name, bytes('zip bytes'), metadata);
    expect(up.etag).toMatch(/^"?0x/);
    expect(await c.exists(name)).toBe(true);
    const listed = await c.list('DOSSIER É/');
    expect(listed).toEqual([{ name, size: 9, lastModified: expect.any(Date), metadata }]);
    expect(Math.abs(listed[0]!.lastModified.getTime() - Date.now())).toBeLessThan(60_000);
    // Azurite stored that exact name (not its escaped form) and the content type.
    const props = await front.container.getBlobClient(name).getProperties();
    expect(props.contentType).toBe('application/zip');
    expect(props.metadata).toEqual(metadata);
    expect(await c.remove(name)).toBe('deleted');
    expect(await c.exists(name)).toBe(false);
    expect(await c.remove(name)).toBe('absent');
  });

  it('reads names the service sends percent-encoded (Encoded="true")', async () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="c"><Blobs>' +
      '<Blob><Name Encoded="true">A%2Fb%01.zip</Name><Properties><Last-Modified>Wed, 02 Dec 2026 10:00:00 GMT</Last-Modified>' +
      '<Content-Length>12</Content-Length></Properties><Metadata /></Blob></Blobs><NextMarker /></EnumerationResults>';
    expect(await parseBlobListing(xml)).toEqual({
      nextMarker: '',
      blobs: [{ name: 'A/b\u0001.zip', size: 12, lastModified: new Date('2026-12-02T10:00:00Z'), metadata: {} }],
    });
  });
});

describe('Blob REST client: answers it refuses to read', () => {
  const listing = (blob: string, marker = '') =>
    `<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="c"><Blobs>${blob}</Blobs><NextMarker>${marker}</NextMarker></EnumerationResults>`;
  const badResponse = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(BlobRestError);
    expect((e as BlobRestError).code).toBe('BadResponse');
  };

  it('a DOCTYPE, a reserved metadata name or a bad percent escape is a bad answer, never an expansion or a crash', async () => {
    await badResponse(parseBlobListing(`<!DOCTYPE x [<!ENTITY a "aaaa">]>${listing('<Blob><Name>&a;</Name></Blob>')}`));
    await badResponse(parseBlobListing(listing('<Blob><Name>a.zip</Name><Metadata><__proto__>x</__proto__></Metadata></Blob>')));
    await badResponse(parseBlobListing(listing('<Blob><Name Encoded="true">a%zz.zip</Name></Blob>')));
  });

  it('a listing whose marker comes back again stops with a bad answer instead of looping', async () => {
    let pages = 0;
    const server = createServer((_req, res) => {
      pages++;
      res.writeHead(200, { 'content-type': 'application/xml' }).end(listing('<Blob><Name>a.zip</Name></Blob>', 'same-marker'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const c = blobContainer(`http://127.0.0.1:${port}/acct/c?sv=1&sig=x`, {
        timeoutMs: 2_000,
        maxTries: 1,
        retryDelayMs: 1,
        maxRetryDelayMs: 1,
      });
      await badResponse(c.list());
      expect(pages).toBe(2);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a dossier code of . or .. makes no blob name (the URL would resolve it away)', () => {
    for (const code of ['.', '..']) expect(() => depositBlobName(code, 'd1')).toThrow(/invalid dossier code/);
    expect(depositBlobName('..A', 'd1')).toBe('..A/d1.zip');
  });
});

describe('Blob REST client: failures, as the CFE client classifies them', () => {
  it('404: a missing blob is absent, a missing container is an error, never "taken"', async () => {
    const c = cfe();
    expect(await c.exists('NONE/x.zip')).toBe(false);
    expect(await c.remove('NONE/x.zip')).toBe('absent');
    await front.container.delete();
    expect(await cegidFailure(c.remove('NONE/x.zip'))).toMatchObject({ status: 404, code: 'NotFound', retryable: false });
    expect(await cegidFailure(c.list())).toMatchObject({ status: 404, code: 'NotFound' });
    const up = await cegidFailure(c.upload('NONE/x.zip', bytes('x')));
    expect(up).toMatchObject({ status: 404, code: 'NotFound' });
    expect(provesNothingStored(up)).toBe(true);
  });

  it('409 from Azurite (an archived blob): refused, one PUT, proves nothing stored', async () => {
    const c = cfe();
    await c.upload('ARCH/a.zip', bytes('a'));
    await front.container.getBlobClient('ARCH/a.zip').setAccessTier('Archive');
    const before = count('PUT');
    const err = await cegidFailure(c.upload('ARCH/a.zip', bytes('b')));
    expect(err).toMatchObject({ service: 'cfe', status: 409, code: 'BlobArchived', retryable: false });
    expect(provesNothingStored(err)).toBe(true);
    expect(count('PUT') - before).toBe(1);
  });

  it('403: a SAS without write re-resolves the container once, then Forbidden; the SAS never shows', async () => {
    const readOnly = front.sasUrl('rl');
    front.handOut(readOnly);
    const err = await cegidFailure(cfe().upload('RO/a.zip', bytes('a')), [new URL(readOnly).search.slice(1)]);
    expect(err).toMatchObject({ status: 403, code: 'Forbidden' });
    expect(provesNothingStored(err)).toBe(true);
    expect(front.containerRequests()).toBe(2);
    expect(count('PUT')).toBe(2);
    expect(err.message).not.toMatch(/sv=|se=|sp=|devstoreaccount1/);
  });

  it('403: a tampered signature on a listing', async () => {
    const url = new URL(front.sasUrl());
    url.searchParams.set('sig', `AAAA${url.searchParams.get('sig')!.slice(4)}`);
    front.handOut(url.href);
    expect(await cegidFailure(cfe().list())).toMatchObject({ status: 403, code: 'Forbidden' });
  });

  it('5xx on reads: retried up to maxAttempts; 503 ServerBusy is RateLimited, a bare 500 Unavailable', async () => {
    const c = cfe();
    await c.upload('R/a.zip', bytes('a'));
    front.fault('HEAD', { status: 503 }, { status: 500 });
    expect(await c.exists('R/a.zip')).toBe(true);
    expect(count('HEAD')).toBe(3);
    front.fault('GET', ...Array.from({ length: 4 }, () => ({ status: 503, code: 'ServerBusy' })));
    expect(await cegidFailure(c.list('R/'))).toMatchObject({ status: 503, code: 'RateLimited', retryable: true });
    expect(count('GET')).toBe(4);
    front.fault('DELETE', ...Array.from({ length: 4 }, () => ({ status: 500, code: 'InternalError' })));
    expect(await cegidFailure(c.remove('R/a.zip'))).toMatchObject({ status: 500, code: 'Unavailable' });
    expect(await c.exists('R/a.zip')).toBe(true);
  });

  it('5xx on an upload: a 503 ServerBusy before storage is tried again, a 500 is not', async () => {
    const c = cfe();
    front.fault('PUT', { status: 503, code: 'ServerBusy' });
    await c.upload('U/a.zip', bytes('a'));
    expect(count('PUT')).toBe(2);
    front.fault('PUT', { status: 500, code: 'InternalError' });
    const err = await cegidFailure(c.upload('U/b.zip', bytes('b')));
    expect(err).toMatchObject({ status: 500, code: 'Unavailable', retryable: true });
    expect(provesNothingStored(err)).toBe(false);
    expect(count('PUT')).toBe(3);
  });

  it('a timeout: a read is tried again; an upload whose answer is lost stays unconfirmed, never "not stored"', async () => {
    const c = cfe({ timeoutMs: 400 });
    await c.upload('T/a.zip', bytes('a'));
    front.fault('HEAD', 'hang');
    expect(await c.exists('T/a.zip')).toBe(true);
    expect(count('HEAD')).toBe(2);
    front.fault('PUT', 'hangAfterForward');
    const before = count('PUT');
    const err = await cegidFailure(c.upload('T/b.zip', bytes('b')));
    expect(err).toMatchObject({ code: 'Timeout', retryable: true });
    expect(err.status).toBeUndefined();
    expect(provesNothingStored(err)).toBe(false);
    expect(count('PUT') - before).toBe(1);
    expect(await front.container.getBlobClient('T/b.zip').exists()).toBe(true); // it did land
  });

  it('a refused connection proves nothing was stored', async () => {
    const closed = new URL(front.sasUrl());
    closed.port = String(await freePort());
    front.handOut(closed.href);
    const err = await cegidFailure(cfe({ maxAttempts: 3 }).upload('C/a.zip', bytes('a')));
    expect(err).toMatchObject({ code: 'ConnectionRefused', retryable: true });
    expect(provesNothingStored(err)).toBe(true);
    expect(err.message).not.toContain(closed.port);
  });
});
