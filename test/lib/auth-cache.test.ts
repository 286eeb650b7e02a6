import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, mintToken } from '../../src/lib/auth.ts';

const secret = `auth-test-${'x'.repeat(40)}`;
const sub = '3f1c2b9e-0d7a-4a51-9a55-5b0c1f7e2d10';

describe('token verifier', () => {
  it('accepts a token again from memory, as the same frozen claims', async () => {
    const verify = createTokenVerifier({ secret, audience: 'authenticated' });
    const token = await mintToken({ secret, sub });
    const first = await verify(token);
    const again = await verify(token);
    expect(first.sub).toBe(sub);
    expect(again).toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
  });

  it('never takes a remembered token past its expiry', async () => {
    let clock = Date.now();
    const verify = createTokenVerifier({ secret, audience: 'authenticated' }, () => clock);
    const token = await mintToken({ secret, sub, expiresIn: '30s' });
    await verify(token);
    clock += 40_000; // inside the memory's minute, past the token's exp
    await expect(verify(token)).rejects.toMatchObject({ status: 401, code: 'token_expired' });
  });

  it('checks the signature again once the memory lapses', async () => {
    let clock = Date.now();
    const verify = createTokenVerifier({ secret, audience: 'authenticated' }, () => clock);
    const token = await mintToken({ secret, sub, expiresIn: '2h' });
    await verify(token);
    clock += 61_000;
    expect((await verify(token)).sub).toBe(sub);
  });

  it('refuses a forged token every time, even one that differs from a remembered token only in its signature', async () => {
    const verify = createTokenVerifier({ secret, audience: 'authenticated' });
    const token = await mintToken({ secret, sub });
    await verify(token);
    const forged = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setAudience('authenticated')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(`other-${secret}`));
    for (let i = 0; i < 2; i++) await expect(verify(forged)).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verify(tampered)).rejects.toMatchObject({ status: 401 });
  });
});
