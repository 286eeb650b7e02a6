// One POST of an event to a receiver. The URL's form is checked again, the name resolved here and every address checked
// (src/lib/webhook-address.ts); the request then connects to that checked address itself (with the
// name kept for the Host header and TLS), so what is connected to is what was checked. No redirect
// is followed (a 3xx is an answer like any other), the whole request has a deadline, and at most
// `maxBodyBytes` of the answer are read. node:http(s) runs on Node and under Deno alike.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { checkUrlForm, hostOf, resolveChecked, UnsafeUrl, type AddressPolicy } from './webhook-address.ts';

export interface PostResult {
  /** Absent when no answer came (timeout, reset, refused, refused address). */
  status?: number;
  retryAfter?: string;
  /** What went wrong, in plain words, when no 2xx came; never the receiver's body in full. */
  error?: string;
  /**
   * The URL was refused before anything was sent: its form or the address it resolves to is not
   * allowed. A name that did not resolve is not a refusal (DNS may answer later).
   */
  refused?: boolean;
  durationMs: number;
}

export interface PostOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxBodyBytes: number;
  policy: AddressPolicy;
}

export async function postWebhook(o: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let url: URL;
  let address: string;
  try {
    // The form too (https only in production, no credentials…), not only the address: the stored
    // URL is judged by today's policy, whatever wrote it.
    url = checkUrlForm(o.url, o.policy);
    address = (await resolveChecked(url, o.policy))[0]!.address;
  } catch (err) {
    if (!(err instanceof UnsafeUrl)) return { error: 'The URL could not be used', durationMs: ms() };
    return { error: err.message, durationMs: ms(), ...(err.code === 'url_unresolvable' ? {} : { refused: true }) };
  }
  const secure = url.protocol === 'https:';
  const host = hostOf(url);
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const done = (r: Omit<PostResult, 'durationMs'>) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, durationMs: ms() });
      }
    };
    const req = (secure ? https : http).request(
      {
        method: 'POST',
        host: address,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers: { ...o.headers, host: url.host, 'content-length': String(Buffer.byteLength(o.body)), connection: 'close' },
        // TLS is checked against the name, not the address.
        ...(secure && !isIP(host) ? { servername: host } : {}),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        const chunks: Buffer[] = [];
        const finish = () => {
          const text = Buffer.concat(chunks)
            .toString('utf8')
            .replace(/[\u0000-\u001f\u007f]+/g, ' ')
            .trim()
            .slice(0, 200);
          const retryAfter = res.headers['retry-after'];
          done({
            status,
            ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
            ...(status >= 200 && status < 300 ? {} : { error: `HTTP ${status}${text ? `: ${text}` : ''}` }),
          });
          res.destroy();
        };
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read <= o.maxBodyBytes) chunks.push(c);
          else finish(); // enough: the rest is not read
        });
        res.on('end', finish);
        res.on('error', () => done({ status, error: `HTTP ${status}, the answer was cut off` }));
      },
    );
    const timer = setTimeout(() => {
      done({ error: `No answer within ${o.timeoutMs} ms` });
      req.destroy();
    }, o.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: `Connection failed (${err.code ?? err.message})` }));
    req.end(o.body);
  });
}
