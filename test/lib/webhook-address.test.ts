import { describe, expect, it } from 'vitest';
import { checkUrlForm, forbiddenAddress, resolveChecked } from '../../src/lib/webhook-address.ts';

const strict = { httpsOnly: true, allowPrivate: false };

describe('where events may be sent', () => {
  it('refuses loopback, private, shared, link-local, metadata, multicast and unspecified addresses, v4 and v6', () => {
    for (const ip of [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '::ffff:7f00:1',
    ]) {
      expect(forbiddenAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(forbiddenAddress(ip), ip).toBe(false);
  });

  it('refuses every special-purpose range, IPv4 hidden in IPv6 included: only the mapped form is judged as its IPv4', () => {
    for (const ip of [
      // translated (::ffff:0:0/96), 6to4 (2002::/16, to a public relay too), NAT64 (both prefixes), Teredo
      '::ffff:0:7f00:1',
      '::ffff:0:808:808',
      '2002:7f00:1::',
      '2002:808:808::1',
      '64:ff9b::127.0.0.1',
      '64:ff9b::808:808',
      '64:ff9b:1:2::808:808',
      '2001::1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      // site-local (fec0::/10), discard (100::/64), documentation, benchmarking, ORCHID, the IPv4-compatible form
      'fec0::1',
      '100::1',
      '2001:db8::1',
      '2001:2::1',
      '2001:20::1',
      '::7f00:1',
      '::8.8.8.8',
      // IPv4: the TEST-NETs, the 6to4 relay anycast, AS112, reserved 240/4, broadcast
      '192.0.2.1',
      '198.51.100.7',
      '203.0.113.9',
      '192.88.99.1',
      '192.175.48.1',
      '240.0.0.1',
      '::ffff:192.0.2.1',
      // not an address at all
      'not-an-ip',
      '1.2.3',
    ]) {
      expect(forbiddenAddress(ip), ip).toBe(true);
    }
    for (const ip of ['192.88.98.1', '192.88.100.1', '203.0.114.1', '2a00:1450:4007:80e::200e', '::ffff:93.184.215.14'])
      expect(forbiddenAddress(ip), ip).toBe(false);
  });

  it('checks the form: https in production, no credentials, no control character or space', () => {
    expect(() => checkUrlForm('http://93.184.215.14/x', strict)).toThrow(/Only https/);
    expect(checkUrlForm('http://93.184.215.14/x', { ...strict, httpsOnly: false }).toString()).toBe('http://93.184.215.14/x');
    for (const bad of [
      'https://u:p@example.com/',
      'https://exa mple.com/',
      'javascript:alert(1)',
      'https://example.com/\n',
      '//example.com',
      'https://localhost/',
      'https://x.internal/',
    ]) {
      expect(() => checkUrlForm(bad, strict), bad).toThrow();
    }
    expect(() => checkUrlForm('https://127.0.0.1/x', { ...strict, allowPrivate: true })).not.toThrow();
  });

  it('checks every address a name resolves to', async () => {
    await expect(resolveChecked(new URL('https://localhost/x'), strict)).rejects.toThrow(/loopback/);
    await expect(resolveChecked(new URL('https://localhost/x'), { ...strict, allowPrivate: true })).resolves.not.toHaveLength(0);
    await expect(resolveChecked(new URL('https://no-such-host.invalid/x'), strict)).rejects.toThrow(/does not resolve/);
  });
});
