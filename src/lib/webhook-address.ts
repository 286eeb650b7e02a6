// Where an event may be sent: a firm's endpoint is an address the service connects to on its own,
// so it must never reach the service's own network (loopback, private ranges, link-local, the cloud
// metadata service). Checked when the endpoint is registered and again at every delivery, against
// the address actually connected to (src/lib/webhook-http.ts), so a name that resolves elsewhere
// later (DNS rebinding) is refused too.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

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

/**
 * Whether an address is refused as a destination. The ranges are ipaddr.js's table of the IANA
 * special-purpose registries (loopback, private, shared, link-local with the cloud metadata service,
 * multicast, documentation and benchmarking, site-local, discard, translation and tunnel prefixes:
 * NAT64, 6to4, Teredo, ...), so a range the registries add reaches us with the library instead of
 * through a list kept by hand. Only plain unicast passes, and for IPv6 only the global unicast block
 * 2000::/3. An IPv4 address written in IPv6's mapped form (::ffff:a.b.c.d, which a dual-stack socket
 * reports) is judged as the IPv4 it is; every other embedding of IPv4 is refused with its prefix.
 */
export function forbiddenAddress(ip: string): boolean {
  const bare = ip.split('%')[0]!;
  const family = isIP(bare);
  if (family === 0) return true;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // IPv6 goes through the URL parser's canonical form first: ipaddr.js reads any dotted tail as the
    // mapped form, and ::8.8.8.8 (the deprecated compatible form) is not ::ffff:8.8.8.8.
    parsed = ipaddr.parse(family === 6 ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : bare);
  } catch {
    return true;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return forbiddenAddress(v6.toIPv4Address().toString());
    if (v6.range() !== 'unicast') return true;
    return !v6.match(GLOBAL_UNICAST_V6);
  }
  return parsed.range() !== 'unicast';
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
