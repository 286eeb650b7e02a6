// The endpoints' routes by role: administrators manage them, every member reads them (never a
// secret), another firm gets 404; the secret is shown once; hostile input and unsafe URLs are 4xx
// naming the field, never a 5xx; nothing secret reaches a response or a log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/scoped.ts';
import { WEBHOOKS_ADMIN_ONLY } from '../../src/pipeline/webhooks.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

describe(`webhook endpoint routes (${engine})`, () => {
  let t: TestContext;
  const alice = crypto.randomUUID(); // admin
  const carol = crypto.randomUUID(); // member
  const bob = crypto.randomUUID(); // admin of another firm
  const tokens = { alice: '', carol: '', bob: '' };
  let firm: string;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestContext({ config: { WEBHOOK_ALLOW_PRIVATE: false } });
    firm = await seedFirmEverywhere(t.services.db, alice, 'SICWH1');
    await seedFirmEverywhere(t.services.db, bob, 'SICWH2');
    await asService(t.services.db, (tx) =>
      tx.query(`insert into public.firm_members (firm_id, user_id, role) values ($1, $2, 'member')`, [firm, carol]),
    );
    for (const k of Object.keys(tokens) as Array<keyof typeof tokens>) tokens[k] = await t.token({ alice, carol, bob }[k]);
  });
  afterAll(() => t?.close());

  const call = (who: keyof typeof tokens, method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tokens[who], ...(body === undefined ? {} : { body }) });
  const base = () => `/v1/firms/${firm}/webhooks`;
  // A public address that needs no DNS: registration checks the address, it does not connect.
  const URL_OK = 'https://93.184.215.14/quadra-events';

  let id: string;
  it('an administrator registers an endpoint: the secret is shown once, in the Standard Webhooks form', async () => {
    const r = await call('alice', 'POST', base(), {
      url: URL_OK,
      eventTypes: ['entry.posted', 'entry.failed_check'],
      description: 'Hub production',
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      url: URL_OK,
      eventTypes: ['entry.failed_check', 'entry.posted'],
      description: 'Hub production',
      enabled: true,
      disabledReason: null,
    });
    expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    secrets.push(r.body.secret);
    id = r.body.id;
    // Sealed at rest, never the plain secret.
    const stored = (
      await t.services.db.query<{ secret_ciphertext: string }>('select secret_ciphertext from public.webhook_endpoints where id = $1', [id])
    ).rows[0]!;
    expect(stored.secret_ciphertext).not.toContain(r.body.secret.slice(6, 20));
  });

  it('every member reads the endpoints, without a secret; another firm gets 404', async () => {
    for (const who of ['alice', 'carol'] as const) {
      const list = await call(who, 'GET', base());
      expect(list.status, list.text).toBe(200);
      expect(list.body.items.map((e: { id: string }) => e.id)).toContain(id);
      const one = await call(who, 'GET', `${base()}/${id}`);
      expect(one.status).toBe(200);
      expect(one.body.secret).toBeUndefined();
      expect(JSON.stringify([list.body, one.body])).not.toMatch(/whsec_|ciphertext/);
    }
    expect((await call('bob', 'GET', base())).status).toBe(404);
    expect((await call('bob', 'GET', `${base()}/${id}`)).status).toBe(404);
    expect((await call('bob', 'GET', `${base()}/${id}/deliveries`)).status).toBe(404);
  });

  it('a member may not register, change, rotate, test, redeliver or remove (403, nothing changed)', async () => {
    const before = (await call('alice', 'GET', `${base()}/${id}`)).body;
    for (const [method, path, body] of [
      ['POST', base(), { url: URL_OK }],
      ['PATCH', `${base()}/${id}`, { enabled: false }],
      ['POST', `${base()}/${id}/rotate-secret`, undefined],
      ['POST', `${base()}/${id}/test`, undefined],
      ['POST', `/v1/firms/${firm}/events/evt_00000000000000000000000000000000/redeliver`, {}],
      ['DELETE', `${base()}/${id}`, undefined],
    ] as const) {
      const r = await call('carol', method, path, body);
      expect(r.status, `${method} ${path}: ${r.text}`).toBe(403);
      expect(r.body.error).toEqual({ code: 'forbidden', message: WEBHOOKS_ADMIN_ONLY });
    }
    expect((await call('alice', 'GET', `${base()}/${id}`)).body).toEqual(before);
  });

  it("row-level security holds on every way in (as through Supabase's REST API)", async () => {
    const asCarol = (sql: string, params: unknown[] = []) =>
      asUser(t.services.db, { sub: carol }, (tx) => tx.query(sql, params)).then(
        (r) => r.affectedRows,
        (e: { code?: string }) => e.code,
      );
    expect(await asCarol(`update public.webhook_endpoints set url = 'https://evil.example' where id = $1`, [id])).toBe('42501');
    expect(await asCarol('delete from public.webhook_endpoints where id = $1', [id])).toBe(0);
    expect(
      await asCarol(
        `insert into public.webhook_endpoints (firm_id, url, secret_ciphertext, secret_key_id) values ($1, 'https://evil.example', 'x', 'k')`,
        [firm],
      ),
    ).toBe('42501');
    // No user reads a sealed secret, administrators included; nobody writes events or deliveries.
    const asAlice = (sql: string, params: unknown[] = []) =>
      asUser(t.services.db, { sub: alice }, (tx) => tx.query(sql, params)).then(
        (r) => r.affectedRows,
        (e: { code?: string }) => e.code,
      );
    expect(await asAlice('select secret_ciphertext from public.webhook_endpoints')).toBe('42501');
    // Nor writes the table, administrators included: only the routes do, as the service, after
    // checkUrlForm and with a secret the service sealed (an http:// URL, a private address, a
    // secret nothing can open would otherwise go straight in). They still remove one as themselves.
    expect(
      await asAlice(
        `insert into public.webhook_endpoints (firm_id, url, secret_ciphertext, secret_key_id) values ($1, 'http://10.0.0.1/x', 'x', 'k')`,
        [firm],
      ),
    ).toBe('42501');
    expect(await asAlice(`insert into public.webhook_endpoints (firm_id, url) values ($1, 'http://10.0.0.1/x')`, [firm])).toBe('42501');
    for (const set of [
      `url = 'http://10.0.0.1/x'`,
      'failing_since = null',
      'enabled = true',
      `disabled_reason = null`,
      `description = 'x'`,
      'event_types = null',
      'updated_at = now()',
    ])
      expect(await asAlice(`update public.webhook_endpoints set ${set} where id = $1`, [id]), set).toBe('42501');
    const read = await asUser(t.services.db, { sub: alice }, (tx) =>
      tx.query('select id, url, failing_since from public.webhook_endpoints where id = $1', [id]),
    );
    expect(read.rows).toHaveLength(1);
    expect(await asAlice(`delete from public.webhook_endpoints where id = $1 and false`, [id])).toBe(0);
    expect(await asAlice(`insert into public.events (firm_id, type, object_id, data) values ($1, 'entry.posted', 'x', '{}')`, [firm])).toBe(
      '42501',
    );
    expect(await asAlice(`update public.webhook_deliveries set state = 'succeeded'`)).toBe('42501');
  });

  it('rotation gives a new secret, shown once, and says until when the previous one signs', async () => {
    const r = await call('alice', 'POST', `${base()}/${id}/rotate-secret`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.secret).toMatch(/^whsec_/);
    expect(r.body.secret).not.toBe(secrets[0]);
    secrets.push(r.body.secret);
    expect(Date.parse(r.body.previousSecretSignsUntil) - Date.now()).toBeGreaterThan(
      (t.services.config.WEBHOOK_SECRET_OVERLAP_HOURS - 1) * 3_600_000,
    );
  });

  it('refuses unsafe URLs at registration, naming the field: loopback, private, link-local, metadata, http in production', async () => {
    for (const url of [
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://10.0.0.8/x',
      'https://192.168.1.2/x',
      'https://172.20.0.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00:ec2::254]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://metadata.google.internal/x',
      'https://0.0.0.0/x',
      'https://100.64.0.1/x',
      'https://[fe80::1]/x',
      // special-purpose ranges: TEST-NET, site-local, discard, Teredo, NAT64, 6to4
      'https://192.0.2.10/x',
      'https://[fec0::1]/x',
      'https://[100::1]/x',
      'https://[2001::1]/x',
      'https://[64:ff9b::808:808]/x',
      'https://[2002:808:808::1]/x',
    ]) {
      const r = await call('alice', 'POST', base(), { url });
      expect(r.status, `${url}: ${r.text}`).toBe(422);
      expect(r.body.error.code, url).toBe('url_forbidden_address');
      expect(r.body.error.details.field).toBe('url');
    }
    t.services.config.NODE_ENV = 'production';
    try {
      const r = await call('alice', 'POST', base(), { url: 'http://93.184.215.14/x' });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('url_not_https');
    } finally {
      t.services.config.NODE_ENV = 'test';
    }
    const patch = await call('alice', 'PATCH', `${base()}/${id}`, { url: 'https://127.0.0.1:8443/x' });
    expect(patch.status).toBe(422);
    expect(patch.body.error.details.field).toBe('url');
  });

  it('a control character in a URL is invalid_url; a NUL is refused before any route, as validation_error (what docs/events.md says)', async () => {
    const ctl = await call('alice', 'POST', base(), { url: 'https://example.com/a\u0001b' });
    expect(ctl.status).toBe(422);
    expect(ctl.body.error.code).toBe('invalid_url');
    const nul = await call('alice', 'POST', base(), { url: 'https://example.com/a\u0000b' });
    expect(nul.status).toBe(422);
    expect(nul.body.error.code).toBe('validation_error');
    expect(nul.body.error.details.issues[0]).toMatchObject({ code: 'nul_character' });
  });

  it('hostile input is a 4xx naming the field, never a 5xx', async () => {
    const cases: Array<[unknown, string]> = [
      [{ url: 'not a url' }, 'url'],
      [{ url: 'ftp://example.com/x' }, 'url'],
      [{ url: 'https://user:pw@example.com/x' }, 'url'],
      [{ url: 'https://exa\tmple.com/x' }, 'url'],
      [{ url: `https://example.com/${'a'.repeat(2100)}` }, 'url'],
      [{ url: URL_OK, eventTypes: ['entry.teleported'] }, 'eventTypes'],
      [{ url: URL_OK, eventTypes: 'entry.posted' }, 'eventTypes'],
      [{ url: URL_OK, description: 'line\u0001break' }, 'description'],
      [{ url: URL_OK, enabled: 'yes' }, 'enabled'],
      [{ url: URL_OK, secret: 'whsec_mine' }, ''],
      [{}, 'url'],
    ];
    for (const [body, field] of cases) {
      const r = await call('alice', 'POST', base(), body);
      expect(r.status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.body.error)).toContain(field);
    }
    expect((await call('alice', 'GET', `${base()}/not-a-uuid`)).status).toBe(422);
    expect((await call('alice', 'POST', `/v1/firms/${firm}/events/nope/redeliver`, {})).status).toBe(422);
    expect((await call('alice', 'POST', `/v1/firms/${firm}/events/evt_00000000000000000000000000000000/redeliver`, {})).status).toBe(404);
    expect((await call('alice', 'GET', `${base()}/${id}/deliveries?limit=0`)).status).toBe(422);
  });

  it('an administrator changes and removes an endpoint; no secret ever reached a log line', async () => {
    const off = await call('alice', 'PATCH', `${base()}/${id}`, { enabled: false, eventTypes: null, description: 'paused' });
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ enabled: false, eventTypes: null, description: 'paused' });
    expect((await call('alice', 'DELETE', `${base()}/${id}`)).status).toBe(204);
    expect((await call('alice', 'GET', `${base()}/${id}`)).status).toBe(404);
    expect((await call('alice', 'DELETE', `${base()}/${id}`)).status).toBe(404);
    const logs = t.logLines.join('\n');
    for (const s of secrets) expect(logs).not.toContain(s.slice(6));
  });

  it('the OpenAPI document publishes every event type in its webhooks section', async () => {
    const doc = await t.call('GET', '/openapi.json');
    const { EVENT_TYPES } = await import('../../src/domain/events.ts');
    expect(Object.keys(doc.body.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const posted = doc.body.webhooks['entry.posted'].post;
    expect(posted.requestBody.content['application/json'].schema.properties).toHaveProperty('sequence');
    expect(posted.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
  });
});
