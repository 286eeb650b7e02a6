import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/db.ts';
import { createTestContext, type TestContext } from '../support/context.ts';

describe(`HTTP skeleton (${engine})`, () => {
  let t: TestContext;
  const alice = crypto.randomUUID();
  let token: string;
  beforeAll(async () => {
    t = await createTestContext({ config: { JSON_BODY_LIMIT: 64 * 1024 } });
    token = await t.token(alice);
  });
  afterAll(() => t.close());

  it('GET /health checks the database', async () => {
    const r = await t.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', database: 'ok', engine });
  });

  it('serves the OpenAPI document and the interactive docs', async () => {
    const doc = await t.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/v1/firms');
    const docs = await t.call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/docs/assets/swagger-ui-bundle.js');
    expect((await t.call('GET', '/docs/')).text).toBe(docs.text);
    expect((await t.call('GET', '/docs/init.js')).text).toContain('/openapi.json');
    const bundle = await t.app.request('/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await t.call('GET', '/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });

  describe('auth', () => {
    it('refuses a request without a token', async () => {
      const r = await t.call('GET', '/v1/firms');
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    });
    it('refuses an expired token', async () => {
      const expired = await new SignJWT({ role: 'authenticated' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(alice)
        .setAudience('authenticated')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(new TextEncoder().encode(t.jwtSecret));
      const r = await t.call('GET', '/v1/firms', { token: expired });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('token_expired');
    });
    it('refuses a token signed with another secret', async () => {
      const forged = await new SignJWT({ role: 'authenticated' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(alice)
        .setAudience('authenticated')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-another-secret-another'));
      const r = await t.call('GET', '/v1/firms', { token: forged });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_token');
    });
    it('refuses a token for another audience', async () => {
      const r = await t.call('GET', '/v1/firms', { token: await t.token(alice, { audience: 'anon' }) });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_token');
    });
    it('refuses an unsigned (alg none) token', async () => {
      const head = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ sub: alice, aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 600 })).toString(
        'base64url',
      );
      const r = await t.call('GET', '/v1/firms', { token: `${head}.${body}.` });
      expect(r.status).toBe(401);
    });
  });

  describe('bad input', () => {
    it('malformed JSON is a 400 and stores nothing', async () => {
      const r = await t.call('POST', '/v1/firms', { token, raw: '{"name": "x",', headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_json');
      expect((await t.call('GET', '/v1/firms', { token })).body.firms).toEqual([]);
    });
    it('wrong types and unknown fields are 422 with field paths', async () => {
      const r = await t.call('POST', '/v1/firms', { token, body: { name: 42, sicCode: '100200', extra: true } });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('validation_error');
      const paths = r.body.error.details.issues.map((i: { path: string }) => i.path);
      expect(paths).toContain('name');
      expect(JSON.stringify(r.body.error.details.issues)).toContain('extra');
    });
    it('an oversized body is a 413', async () => {
      const r = await t.call('POST', '/v1/firms', { token, body: { name: 'x'.repeat(100 * 1024), sicCode: '1' } });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('payload_too_large');
    });
    it('an unknown route is a JSON 404', async () => {
      const r = await t.call('GET', '/v1/nothing-here', { token });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });
  });

  describe('firms', () => {
    it("creates a firm whose creator is admin, and lists only the caller's firms", async () => {
      const created = await t.call('POST', '/v1/firms', { token, body: { name: 'Cabinet Martin', sicCode: 'HTTP01' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Cabinet Martin', sicCode: 'HTTP01', role: 'admin' });
      const bobToken = await t.token(crypto.randomUUID());
      expect((await t.call('GET', '/v1/firms', { token: bobToken })).body.firms).toEqual([]);
      const mine = await t.call('GET', '/v1/firms', { token });
      expect(mine.body.firms.map((f: { id: string }) => f.id)).toEqual([created.body.id]);
    });
    it('registering a SIC code someone else registered is allowed and reveals nothing (the claim comes with a connection)', async () => {
      const r = await t.call('POST', '/v1/firms', { token: await t.token(crypto.randomUUID()), body: { name: 'Copy', sicCode: 'HTTP01' } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name: 'Copy', sicCode: 'HTTP01', role: 'admin' });
    });
  });

  it('logs every request with its request id and never the bearer token', async () => {
    await t.call('GET', '/v1/firms', { token });
    const lines = t.logLines.join('');
    expect(lines).toContain('"requestId"');
    expect(lines).not.toContain(token);
  });
});
