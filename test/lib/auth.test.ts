// Access tokens as Supabase issues them: asymmetric keys checked (jose) against the project's JWKS
// against the project's JWKS (served here on loopback), the HS256 shared secret still accepted,
// and on every route a token without exp, unsigned, signed by another key, for another audience or
// not yet valid is refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/lib/auth.ts';
import { createTestContext, type TestContext } from '../support/context.ts';

const user = '00000000-0000-4000-8000-00000000abcd';
const hsSecret = 'hs256-shared-secret-of-the-project-0123456789';

describe('access tokens', () => {
  let server: Server;
  let url: string;
  let jwksRequests = 0;
  const keys: Record<string, { privateKey: CryptoKey; kid: string; alg: string }> = {};

  beforeAll(async () => {
    const es = await generateKeyPair('ES256', { extractable: true });
    const rs = await generateKeyPair('RS256', { extractable: true });
    const other = await generateKeyPair('ES256', { extractable: true });
    keys.es = { privateKey: es.privateKey, kid: 'es-key-1', alg: 'ES256' };
    keys.rs = { privateKey: rs.privateKey, kid: 'rs-key-1', alg: 'RS256' };
    keys.other = { privateKey: other.privateKey, kid: 'es-key-1', alg: 'ES256' }; // same kid, not the project's key
    const jwks = {
      keys: [
        { ...(await exportJWK(es.publicKey)), kid: 'es-key-1', alg: 'ES256', use: 'sig', key_ops: ['verify'] },
        { ...(await exportJWK(rs.publicKey)), kid: 'rs-key-1', alg: 'RS256', use: 'sig', key_ops: ['verify'] },
      ],
    };
    server = createServer((req, res) => {
      if (req.url === '/auth/v1/.well-known/jwks.json') {
        jwksRequests++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"msg":"not here"}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const sign = (
    k: { privateKey: CryptoKey | Uint8Array; kid?: string; alg: string },
    claims: { exp?: number | null; aud?: string; nbf?: number; sub?: string } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: k.alg, typ: 'JWT', ...(k.kid ? { kid: k.kid } : {}) })
      .setSubject(claims.sub ?? user)
      .setAudience(claims.aud ?? 'authenticated')
      .setIssuedAt();
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? now + 600);
    if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
    return jwt.sign(k.privateKey);
  };
  const hs = { privateKey: new TextEncoder().encode(hsSecret), alg: 'HS256' };
  const verifier = () =>
    createTokenVerifier({ audience: 'authenticated', secret: hsSecret, supabase: { url, anonKey: 'anon-key-for-tests' } });
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: { code?: string }) => e.code ?? 'error',
    );

  it('accepts ES256 and RS256 tokens of the project against its JWKS (fetched once), and HS256', async () => {
    const verify = verifier();
    expect((await verify(await sign(keys.es!))).sub).toBe(user);
    expect((await verify(await sign(keys.rs!))).sub).toBe(user);
    expect((await verify(await sign(hs))).sub).toBe(user);
    expect(jwksRequests).toBe(1);
  });

  it('refuses: no exp, expired, another key, another audience, future nbf, alg none, HS256 without the secret', async () => {
    const verify = verifier();
    const now = Math.floor(Date.now() / 1000);
    const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: user, aud: 'authenticated', exp: now + 600, role: 'authenticated' })).toString(
      'base64url',
    );
    expect({
      esNoExp: await outcome(verify(await sign(keys.es!, { exp: null }))),
      hsNoExp: await outcome(verify(await sign(hs, { exp: null }))),
      expired: await outcome(verify(await sign(keys.es!, { exp: now - 10 }))),
      otherKey: await outcome(verify(await sign(keys.other!))),
      audience: await outcome(verify(await sign(keys.rs!, { aud: 'anon' }))),
      hsAudience: await outcome(verify(await sign(hs, { aud: 'anon' }))),
      futureNbf: await outcome(verify(await sign(keys.es!, { nbf: now + 3600 }))),
      hsFutureNbf: await outcome(verify(await sign(hs, { nbf: now + 3600 }))),
      algNone: await outcome(verify(`${head}.${body}.`)),
      noSubject: await outcome(verify(await sign(keys.es!, { sub: 'someone' }))),
    }).toEqual({
      esNoExp: 'invalid_token',
      hsNoExp: 'invalid_token',
      expired: 'token_expired',
      otherKey: 'invalid_token',
      audience: 'invalid_token',
      hsAudience: 'invalid_token',
      futureNbf: 'invalid_token',
      hsFutureNbf: 'invalid_token',
      algNone: 'invalid_token',
      noSubject: 'invalid_token',
    });
    const hsOnly = createTokenVerifier({ audience: 'authenticated', supabase: { url, anonKey: 'anon' } });
    expect(await outcome(hsOnly(await sign(hs)))).toBe('invalid_token');
  });

  describe('on every route', () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createTestContext();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('a token without exp (or unsigned) is refused on every /v1 route of the OpenAPI document', async () => {
      const doc = (await t.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const noExp = await sign({ privateKey: new TextEncoder().encode(t.jwtSecret), alg: 'HS256' }, { exp: null });
      const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const unsigned = `${head}.${Buffer.from(JSON.stringify({ sub: user, aud: 'authenticated', exp: 4e9 })).toString('base64url')}.`;
      const seen: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        // The tick and its workers take the cron secret, not a user's token (test/jobs/tick.test.ts).
        if (!path.startsWith('/v1/') || path === '/v1/jobs/tick' || path === '/v1/jobs/work') continue;
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        for (const method of Object.keys(methods)) {
          for (const token of [noExp, unsigned]) {
            const r = await t.call(method.toUpperCase(), concrete, { token, ...(method === 'get' ? {} : { body: {} }) });
            expect([`${method} ${path}`, r.status, r.body?.error?.code]).toEqual([`${method} ${path}`, 401, 'invalid_token']);
          }
          seen.push(`${method} ${path}`);
        }
      }
      expect(seen.length).toBeGreaterThan(15);
    });
  });
});
