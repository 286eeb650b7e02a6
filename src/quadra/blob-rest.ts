/**
 * The Azure Blob REST operations the CFE client uses, over fetch, on a container SAS URL: Put Blob
 * (a block blob with metadata), Get Blob Properties (existence), Delete Blob (with its snapshots)
 * and List Blobs (by prefix, with metadata, page by page through NextMarker).
 *
 * Why not @azure/storage-blob: it and the @azure/core-* packages, apache-arrow and the proxy agents
 * it brings were about 2 MB of the Edge Function's 6.64 MB plain bundle (Supabase allows 5 MB; see
 * docs/edge-function.md), for four requests. What the SDK did for these four is kept here: its
 * retry rule for every operation but the upload (network failures, 500 and 503; delays of
 * (2^(try-1) - 1) × base, capped), the server-side `timeout` parameter, Azure's error code from
 * `x-ms-error-code` or the XML body, blob names escaped per path segment, and `Encoded` names in
 * listings. The upload is tried once: a repeated PUT can re-create a blob Quadra already took.
 *
 * The SAS query authorises every request and is never put into an error: errors carry the status,
 * Azure's code, or a socket error code only — never the URL nor a runtime's message (Deno's names
 * the URL).
 */
import type { XMLParser } from 'fast-xml-parser';
import { sleep } from '../lib/sleep.ts';

/** The Blob service version sent as `x-ms-version` (one Azurite 3.37 knows without skipping its check). */
export const BLOB_API_VERSION = '2026-06-06';
// More pages than a CFE container of waiting deposits ever holds (5,000 blobs a page at most).
const MAX_LIST_PAGES = 1_000;

export interface BlobRestOptions {
  /** Per try, on the client (abort) and as the service's own `timeout` (whole seconds, when ≥ 1 s). */
  timeoutMs: number;
  /** Tries of every operation but the upload (the upload is tried once). */
  maxTries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** A failed blob request: an HTTP answer (`status`, Azure's `code`), a timeout, or no answer. */
export class BlobRestError extends Error {
  override readonly name = 'BlobRestError';
  constructor(
    readonly kind: 'http' | 'timeout' | 'network',
    message: string,
    readonly status?: number,
    /** Azure's error code (`BlobNotFound`, `ServerBusy`…), or the socket's (`ECONNREFUSED`…). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ListedBlob {
  name: string;
  size: number;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface BlobContainer {
  put(name: string, bytes: Uint8Array, opts: { contentType: string; metadata?: Record<string, string> }): Promise<{ etag: string }>;
  exists(name: string): Promise<boolean>;
  /** 'absent': the service said BlobNotFound. */
  delete(name: string): Promise<'deleted' | 'absent'>;
  /** Every blob under `prefix`, following NextMarker; `pageSize` sets `maxresults`. */
  list(prefix?: string, pageSize?: number): Promise<ListedBlob[]>;
}

type Query = Record<string, string>;
interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export function blobContainer(sasUrl: string, opts: BlobRestOptions): BlobContainer {
  const sas = new URL(sasUrl);
  const containerPath = sas.pathname.replace(/\/+$/, '');

  // The SAS query is kept byte for byte (re-encoding it through URLSearchParams could alter `sig`).
  function urlFor(blobName: string | undefined, query: Query): string {
    // A `.` or `..` segment would be resolved away by the URL (another blob, or outside the container).
    if (blobName?.split('/').some((seg) => seg === '.' || seg === '..'))
      throw new BlobRestError('http', 'a blob name may not hold a . or .. segment', 400, 'InvalidBlobName');
    const path = blobName === undefined ? containerPath : `${containerPath}/${blobName.split('/').map(encodeURIComponent).join('/')}`;
    const extra = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    if (opts.timeoutMs >= 1000) extra.push(`timeout=${Math.floor(opts.timeoutMs / 1000)}`);
    const search = sas.search.length > 1 ? `${sas.search}&` : '?';
    return `${sas.origin}${path}${search}${extra.join('&')}`;
  }

  async function send(method: 'PUT' | 'HEAD' | 'DELETE' | 'GET', url: string, tries: number, init: RequestInit = {}): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let failure: BlobRestError;
      try {
        const headers = new Headers(init.headers);
        headers.set('x-ms-version', BLOB_API_VERSION);
        // No redirect is followed: a 3xx answering a PUT would otherwise turn it into another request
        // whose success says nothing of this blob.
        const res = await fetch(url, { ...init, method, headers, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
        // The body is read inside the try: the timeout also covers a slow body.
        const text = method === 'HEAD' ? '' : await res.text();
        if (res.status < 300) return { status: res.status, headers: res.headers, text };
        failure = await httpError(res, text);
      } catch (e) {
        failure = transportError(e);
      }
      const again = failure.kind !== 'http' || failure.status === 500 || failure.status === 503;
      if (!again || attempt >= tries) throw failure;
      await sleep(Math.min((2 ** (attempt - 1) - 1) * opts.retryDelayMs, opts.maxRetryDelayMs));
    }
  }

  return {
    async put(name, bytes, { contentType, metadata }) {
      const headers: Record<string, string> = { 'x-ms-blob-type': 'BlockBlob', 'x-ms-blob-content-type': contentType };
      for (const [k, v] of Object.entries(metadata ?? {})) headers[`x-ms-meta-${k}`] = v;
      const res = await send('PUT', urlFor(name, {}), 1, { headers, body: bytes as Uint8Array<ArrayBuffer> });
      return { etag: res.headers.get('etag') ?? '' };
    },

    async exists(name) {
      try {
        await send('HEAD', urlFor(name, {}), opts.maxTries);
        return true;
      } catch (e) {
        if (e instanceof BlobRestError && e.status === 404) return false;
        // The blob is there, only encrypted with a key we do not hold (what the SDK answered too).
        if (e instanceof BlobRestError && e.status === 409 && /^Blob(Uses|DoesNotUse)CustomerSpecifiedEncryption$/.test(e.code ?? ''))
          return true;
        throw e;
      }
    },

    async delete(name) {
      try {
        await send('DELETE', urlFor(name, {}), opts.maxTries, { headers: { 'x-ms-delete-snapshots': 'include' } });
        return 'deleted';
      } catch (e) {
        // Only the blob's absence: a missing container (ContainerNotFound) is an error, not "taken".
        if (e instanceof BlobRestError && e.status === 404 && e.code === 'BlobNotFound') return 'absent';
        throw e;
      }
    },

    async list(prefix, pageSize) {
      const out: ListedBlob[] = [];
      let marker = '';
      // Bounded: a marker seen twice, or more pages than any container of deposits holds, is a bad answer, not a loop.
      const seen = new Set<string>();
      do {
        if (seen.size >= MAX_LIST_PAGES)
          throw new BlobRestError('http', `the listing ran past ${MAX_LIST_PAGES} pages`, 200, 'BadResponse');
        const query: Query = { restype: 'container', comp: 'list', include: 'metadata' };
        if (prefix) query.prefix = prefix;
        if (marker) query.marker = marker;
        if (pageSize) query.maxresults = String(pageSize);
        const res = await send('GET', urlFor(undefined, query), opts.maxTries);
        const page = await parseBlobListing(res.text);
        out.push(...page.blobs);
        marker = page.nextMarker;
        if (marker && seen.has(marker)) throw new BlobRestError('http', 'the listing repeated a page marker', 200, 'BadResponse');
        seen.add(marker);
      } while (marker);
      return out;
    },
  };
}

// The XML parser is loaded with the first listing or XML error body, not with the client.
let parser: XMLParser | undefined;
async function xmlParser(): Promise<XMLParser> {
  if (parser) return parser;
  const { XMLParser } = await import('fast-xml-parser');
  // Every value stays a string (a blob named "007" or metadata "1e3" must not become a number); the
  // `Encoded` attribute is read; `Blob` is always a list, even of one.
  parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    isArray: (_tag, jpath) => jpath === 'EnumerationResults.Blobs.Blob',
  });
  return parser;
}

/** One List Blobs page (exported for a test of `Encoded` names, which Azurite never sends). */
export async function parseBlobListing(xml: string): Promise<{ blobs: ListedBlob[]; nextMarker: string }> {
  return parseListing(await xmlParser(), xml);
}

type Node = Record<string, unknown>;
const text = (v: unknown): string => (typeof v === 'string' ? v : v && typeof v === 'object' ? String((v as Node)['#text'] ?? '') : '');

function parseListing(p: XMLParser, xml: string): { blobs: ListedBlob[]; nextMarker: string } {
  const bad = (why: string) => new BlobRestError('http', `the listing ${why}`, 200, 'BadResponse');
  // The service never sends a DOCTYPE: one is refused rather than its entities expanded.
  if (/<!DOCTYPE/i.test(xml)) throw bad('carries a DOCTYPE');
  try {
    return readListing(p, xml);
  } catch (e) {
    // Anything the parser or a name's decoding refuses (a reserved metadata name, a bad % escape)
    // is a bad answer of the service, not a transport failure to retry.
    if (e instanceof BlobRestError) throw e;
    throw bad('could not be read');
  }
}

function readListing(p: XMLParser, xml: string): { blobs: ListedBlob[]; nextMarker: string } {
  const root = (p.parse(xml) as Node).EnumerationResults as Node | undefined;
  if (!root || typeof root !== 'object')
    throw new BlobRestError('http', 'the listing is not an EnumerationResults document', 200, 'BadResponse');
  // `<Blobs />` (an empty page) parses as '', not as an object.
  const list = root.Blobs;
  const blobs = list && typeof list === 'object' ? ((list as Node).Blob as Node[] | undefined) : undefined;
  return {
    nextMarker: text(root.NextMarker),
    blobs: (blobs ?? []).map((b) => {
      const nameNode = b.Name;
      const raw = text(nameNode);
      // Names holding characters XML cannot carry come percent-encoded, flagged Encoded="true".
      const encoded = nameNode && typeof nameNode === 'object' && (nameNode as Node)['@Encoded'] === 'true';
      const props = (b.Properties as Node | undefined) ?? {};
      const meta = b.Metadata && typeof b.Metadata === 'object' ? (b.Metadata as Node) : {};
      return {
        name: encoded ? decodeURIComponent(raw) : raw,
        size: Number(text(props['Content-Length']) || 0),
        lastModified: new Date(text(props['Last-Modified'])),
        metadata: Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, text(v)])),
      };
    }),
  };
}

/** Azure's code: the `x-ms-error-code` header, else the XML body's `<Error><Code>`. */
async function httpError(res: Response, body: string): Promise<BlobRestError> {
  let code = res.headers.get('x-ms-error-code') ?? undefined;
  if (!code && body.trimStart().startsWith('<')) {
    try {
      code = text(((await xmlParser()).parse(body) as { Error?: Node }).Error?.Code) || undefined;
    } catch {
      // not XML after all (a gateway's page): the status alone speaks
    }
  }
  return new BlobRestError('http', `HTTP ${res.status}${code ? ` (${code})` : ''}`, res.status, code);
}

function transportError(e: unknown): BlobRestError {
  if (e instanceof BlobRestError) return e;
  const name = e instanceof Error ? e.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return new BlobRestError('timeout', 'timed out');
  // Node: TypeError('fetch failed') whose cause has the socket's code; Deno: one message naming
  // the URL (never copied), "Connection refused (os error 111)" when refused.
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  const message = e instanceof Error ? e.message : '';
  const code =
    typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code)
      ? cause.code
      : /connection refused|os error 111\b/i.test(message)
        ? 'ECONNREFUSED'
        : /connection reset|os error 104\b/i.test(message)
          ? 'ECONNRESET'
          : undefined;
  return new BlobRestError('network', `no answer${code ? ` (${code})` : ''}`, undefined, code);
}
