// Where an event may be sent: a firm's endpoint is an address the service connects to on its own,
// so it must never reach the service's own network (loopback, private ranges, link-local, the cloud
// metadata service). Checked when the endpoint is registered and again at every delivery, against
// the address actually connected to (src/lib/webhook-http.ts), so a name that resolves elsewhere
// later (DNS rebinding) is refused too.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface AddressPolicy {
  /** Only https in production. */
  httpsOnly: boolean;
  /** WEBHOOK_ALLOW_PRIVATE: loopback and private addresses allowed (development and tests). */
  allowPrivate: boolean;
}

/** Why a URL is refused, in the words the API answers with (field `url`). */
export class UnsafeUrl extends Error {
  constructor(
    readonly code: 'invalid_url' | 'url_not_https' | 'url_forbidden_address' | 'url_unresolvable',
    message: string,
  ) {
    super(message);
    this.name = 'UnsafeUrl';
  }
}

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** The URL's form: absolute http(s), no credentials, no control character, a host. Throws UnsafeUrl. */
export function checkUrlForm(raw: string, policy: AddressPolicy): URL {
  if (raw.length > 2000) throw new UnsafeUrl('invalid_url', 'The URL is longer than 2000 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) throw new UnsafeUrl('invalid_url', 'The URL holds a space or a control character');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrl('invalid_url', 'The URL is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrl('invalid_url', 'The URL must start with https://');
  if (policy.httpsOnly && url.protocol !== 'https:') throw new UnsafeUrl('url_not_https', 'Only https URLs are accepted');
  if (url.username || url.password) throw new UnsafeUrl('invalid_url', 'The URL may not carry a user name or password');
  if (!url.hostname) throw new UnsafeUrl('invalid_url', 'The URL has no host');
  const host = hostOf(url);
  if (!policy.allowPrivate) {
    if (host === 'localhost' || host.endsWith('.localhost') || METADATA_NAMES.has(host) || host.endsWith('.internal')) {
      throw new UnsafeUrl('url_forbidden_address', 'The URL points to a local or internal host');
    }
    if (isIP(host) && forbiddenAddress(host))
      throw new UnsafeUrl('url_forbidden_address', 'The URL points to a loopback, private, link-local or metadata address');
  }
  return url;
}

/** The URL's host as a name or a bare IP (IPv6 without its brackets), lower case. */
export const hostOf = (url: URL) =>
  url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');

/**
 * The addresses to connect to for `url`, each checked: a literal IP as it is, a name resolved here
 * (every address it resolves to must be allowed — the one connected to is one of them).
 */
export async function resolveChecked(url: URL, policy: AddressPolicy): Promise<Array<{ address: string; family: 4 | 6 }>> {
  const host = hostOf(url);
  let found: Array<{ address: string; family: number }>;
  if (isIP(host)) found = [{ address: host, family: isIP(host) }];
  else {
    try {
      found = await lookup(host, { all: true, verbatim: true });
    } catch {
      throw new UnsafeUrl('url_unresolvable', `The host name ${host} does not resolve`);
    }
  }
  if (found.length === 0) throw new UnsafeUrl('url_unresolvable', `The host name ${host} does not resolve`);
  if (!policy.allowPrivate && found.some((a) => forbiddenAddress(a.address))) {
    throw new UnsafeUrl('url_forbidden_address', 'The URL resolves to a loopback, private, link-local or metadata address');
  }
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** Loopback, private, shared, link-local (metadata included), multicast, reserved, unspecified. */
export function forbiddenAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) return forbiddenV4(ip.split('.').map(Number));
  if (v !== 6) return true;
  const words = v6Words(ip);
  if (!words) return true;
  const [a] = words as [number];
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), ::ffff:0:a.b.c.d (translated, RFC 2765),
  // 64:ff9b::a.b.c.d (NAT64): judged as the IPv4 inside.
  const v4 = [words[6]! >> 8, words[6]! & 255, words[7]! >> 8, words[7]! & 255];
  if (words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || words[5] === 0))
    return words[5] === 0 && words[6] === 0 && words[7]! <= 1 ? true : forbiddenV4(v4);
  if (words.slice(0, 4).every((w) => w === 0) && words[4] === 0xffff && words[5] === 0) return forbiddenV4(v4);
  if (a === 0x64 && words[1] === 0xff9b) {
    // Only the well-known /96 embeds an address the same way; the rest of 64:ff9b::/32 (the local-use
    // 64:ff9b:1::/48 included) is not public.
    return words.slice(2, 6).every((w) => w === 0) ? forbiddenV4(v4) : true;
  }
  // 6to4 (2002::/16): the relay is the IPv4 in the next two words.
  if (a === 0x2002) return forbiddenV4([words[1]! >> 8, words[1]! & 255, words[2]! >> 8, words[2]! & 255]);
  if ((a & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local (AWS fd00:ec2::254 metadata included)
  if ((a & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && words[1] === 0x0db8) return true; // documentation
  return false;
}

function forbiddenV4([a, b, c]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a! >= 224 ||
    (a === 100 && b! >= 64 && b! < 128) || // shared address space (carrier NAT)
    (a === 169 && b === 254) || // link-local, the cloud metadata service (169.254.169.254)
    (a === 172 && b! >= 16 && b! < 32) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 192 && b === 88 && c === 99) || // the 6to4 relay anycast (deprecated, RFC 7526)
    (a === 198 && (b === 18 || b === 19))
  );
}

function v6Words(ip: string): number[] | undefined {
  let s = ip.toLowerCase().split('%')[0]!;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const p = tail[1]!.split('.').map(Number);
    s = s.slice(0, -tail[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest === undefined ? [] : rest ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  const words = [...h, ...Array(fill).fill('0'), ...r].map((w) => parseInt(w, 16));
  return words.length === 8 && words.every((w) => w >= 0 && w <= 0xffff) ? words : undefined;
}
