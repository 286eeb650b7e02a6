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

  it('refuses IPv4 hidden in IPv6 every way: translated (::ffff:0:0/96), 6to4 (2002::/16), NAT64; and the 6to4 relay range', () => {
    for (const ip of [
      '::ffff:0:7f00:1',
      '::ffff:0:127.0.0.1',
      '::ffff:0:a9fe:a9fe',
      '::ffff:0:a00:1',
      '2002:7f00:1::',
      '2002:a9fe:a9fe::1',
      '2002:c0a8:101:1::1',
      '2002:a00:1::',
      '64:ff9b::127.0.0.1',
      '64:ff9b::a00:1',
      '64:ff9b:1::a00:1',
      '64:ff9b:1:2::808:808',
      '192.88.99.1',
      '192.88.99.255',
      '::ffff:192.88.99.1',
      '2002:c058:6301::',
    ]) {
      expect(forbiddenAddress(ip), ip).toBe(true);
    }
    for (const ip of ['::ffff:0:808:808', '2002:808:808::1', '64:ff9b::808:808', '192.88.98.1', '192.88.100.1'])
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
