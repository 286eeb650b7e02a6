// The hub console in a real Chromium against the Edge Function under the real Deno (Postgres),
// through supabase-js `functions.invoke` and a loopback stand-in for Supabase's gateway, with ticks
// in place of workers: the page lists the files, its badges match the API, Synchronize then a tick
// turn the entry sent, opening the dossier then a tick post it, its timeline shows the attempts, a
// failed_check entry is fixed and goes back to pending; from an origin outside CORS_ORIGINS the
// page shows the refusal; axe-core finds nothing serious. Screenshots in test-artifacts/console/.
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '../../examples/hub-console/server.ts';
import { FAILED_CHECK_MESSAGE } from '../../src/domain/entries/lifecycle.ts';
import { mintToken } from '../../src/lib/auth.ts';
import { randomKeySpec } from '../../src/lib/secret-box.ts';
import { DEMO_FIRM, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';
import { chromiumUnavailable, launchChromium, type RunningBrowser } from '../support/browser.ts';
import { axeViolations, badges, screenshot, startGateway } from '../support/console-page.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { denoUnavailable, startFunction, type RunningFunction } from '../support/deno.ts';

const why =
  chromiumUnavailable() ?? (!process.env.DATABASE_URL ? 'needs a real Postgres (runs in the DATABASE_URL pass)' : denoUnavailable());
if (why) console.warn(`[skipped] the hub console in Chromium against the Edge Function: ${why}`);

describe.skipIf(why)('the hub console in Chromium, against the Edge Function under Deno (postgres)', () => {
  const CRON_SECRET = `cron-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const JWT_SECRET = `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  let database: TestDatabase;
  let sim: RunningSimulator;
  let fn: RunningFunction | undefined;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let allowed: RunningConsole;
  let elsewhere: RunningConsole;
  let browser: RunningBrowser;
  let page: Page;
  let token: string;
  let firmId: string;
  let fileId: string;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${fn!.url}/quadra-sync${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, text };
  };
  const tick = async () => {
    const r = await call('POST', '/v1/jobs/tick', {}, { 'x-cron-secret': CRON_SECRET, authorization: '' });
    expect(r.status, r.text).toBe(200);
    return r.body as { queues: Record<string, { completed: number; failed: number }> };
  };
  const apiCounts = async () => (await call('GET', `/v1/files/${fileId}/entries/counts`)).body.counts;

  beforeAll(async () => {
    database = await freshDatabase();
    sim = await startSimulator();
    // The gateway's address first (the console's settings name it), the function behind it once it
    // runs with the console's origin in CORS_ORIGINS.
    gateway = await startGateway(() => fn?.url ?? 'http://127.0.0.1:9');
    token = await mintToken({ secret: JWT_SECRET, sub: crypto.randomUUID(), expiresIn: '1h' });
    const api = { kind: 'supabase' as const, url: gateway.url, anonKey: 'anon-key', accessToken: token };
    allowed = await startConsole({ port: 0, api });
    elsewhere = await startConsole({ port: 0, api });
    fn = await startFunction({
      SUPABASE_DB_URL: database.url!,
      CPA_BASE_URL: sim.cpaBaseUrl,
      CFE_BASE_URL: sim.cfeBaseUrl,
      SECRETS_KEYS: randomKeySpec('fn1'),
      JWT_SECRET,
      CRON_SECRET,
      CORS_ORIGINS: allowed.url,
      // Verification due 3 s after the send, so a tick after opening the dossier is "12 hours later".
      VERIFY_AFTER_HOURS: String(3 / 3600),
      IMPORT_GRACE_MINUTES: '3',
      LOG_LEVEL: 'warn',
    });
    const firm = await call('POST', '/v1/firms', { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic });
    firmId = firm.body.id;
    const conn = await call('PUT', `/v1/firms/${firmId}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    expect(conn.body.status, conn.text).toBe('connected');
    await call('POST', `/v1/firms/${firmId}/reference-sync`);
    expect((await tick()).queues['reference-sync']).toMatchObject({ failed: 0 });
    fileId = ((await call('GET', `/v1/firms/${firmId}/files`)).body.files as Array<{ id: string; dossierCode: string }>).find(
      (f) => f.dossierCode === 'BOULANG',
    )!.id;
    browser = await launchChromium();
    page = await browser.context.newPage();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await allowed?.stop();
    await elsewhere?.stop();
    await gateway?.stop();
    await fn?.stop();
    await sim?.stop();
    await database?.drop();
  });

  const today = new Date().toISOString().slice(0, 10);
  const purchase = (externalId: string, journalCode = 'AC') => ({
    externalId,
    kind: 'purchase',
    journalCode,
    date: today,
    label: 'Moulins de Savoie',
    lines: [
      { account: '60700000', debit: 10_000, credit: 0 },
      { account: 'FMOULIN', debit: 0, credit: 10_000 },
    ],
  });

  it('files, badges, Synchronize → sent, the dossier opened → posted, the timeline, through functions.invoke', async () => {
    const pushed = await call(
      'POST',
      `/v1/files/${fileId}/entries`,
      { entries: [purchase('FN-WEB-1')] },
      { 'idempotency-key': 'fn-web-1' },
    );
    expect(pushed.status, pushed.text).toBe(202);

    await page.goto(allowed.url);
    await page.waitForSelector('body[data-ready]');
    const files = (await call('GET', `/v1/firms/${firmId}/files`)).body.files as Array<{ dossierCode: string }>;
    expect(await page.locator('[data-file]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-file')))).toEqual(
      files.map((f) => f.dossierCode),
    );
    await page.locator('[data-file=BOULANG] button').click();
    await expect.poll(() => page.locator('#file-title').textContent()).toContain('BOULANG');
    expect(await badges(page)).toEqual(await apiCounts());
    expect((await badges(page)).pending).toBe(1);
    await screenshot(page, 'function-1-file');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Synchronize' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('queued');
    expect((await tick()).queues['send-file']).toEqual({ completed: 1, failed: 0 });
    await expect.poll(async () => (await badges(page)).sent, { timeout: 15_000 }).toBe(1);
    expect(await badges(page)).toEqual(await apiCounts());

    await sim.control.openDossier(DEMO_FIRM.sic, 'BOULANG');
    await new Promise((r) => setTimeout(r, 3_500)); // the verification falls due
    await tick();
    await expect.poll(async () => (await badges(page)).posted, { timeout: 15_000 }).toBe(1);
    expect(await badges(page)).toEqual(await apiCounts());

    await page.getByRole('tab', { name: /Posted/ }).click();
    await page.getByRole('button', { name: 'Open entry FN-WEB-1' }).click();
    await expect
      .poll(() => page.locator('ol.timeline li').evaluateAll((li) => li.map((x) => x.getAttribute('data-attempt'))))
      .toEqual(['send:sent', 'verify:posted']);
    await screenshot(page, 'function-2-timeline');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a failed_check entry is fixed and validated again: pending', async () => {
    const pushed = await call(
      'POST',
      `/v1/files/${fileId}/entries`,
      { entries: [purchase('FN-WEB-BAD', 'OD')] },
      { 'idempotency-key': 'fn-web-bad' },
    );
    const id = pushed.body.entries[0].id as string;
    // Three nights cannot pass on the function's wall clock: the state the third night leaves (the
    // Node service's test reaches it through the nights themselves) is written as the night writes it.
    const admin = new pg.Client({ connectionString: database.url! });
    await admin.connect();
    await admin.query(`update public.entries set status = 'failed_check', status_message = $2, nights_tried = 3 where id = $1`, [
      id,
      FAILED_CHECK_MESSAGE,
    ]);
    await admin.end();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => (await badges(page)).failed_check).toBe(1);
    await page.getByRole('tab', { name: /Failed check/ }).click();
    await page.getByRole('button', { name: 'Open entry FN-WEB-BAD' }).click();
    await page.getByLabel('Journal code').fill('AC');
    await page.getByRole('button', { name: 'Save the fix and validate again' }).click();
    await expect.poll(() => page.locator('[data-entry-status]').getAttribute('data-entry-status')).toBe('pending');
    const fixed = (await call('GET', `/v1/entries/${id}`)).body;
    expect([fixed.status, fixed.journalCode]).toEqual(['pending', 'AC']);
    expect(await badges(page)).toEqual(await apiCounts());
    await screenshot(page, 'function-3-fixed');
  });

  it('the same page from an origin not in CORS_ORIGINS shows the refusal', async () => {
    const other = await browser.context.newPage();
    await other.goto(elsewhere.url);
    await other.waitForSelector('body[data-ready]');
    await expect.poll(() => other.getByRole('alert').textContent()).toContain(`add ${elsewhere.url} to CORS_ORIGINS`);
    await screenshot(other, 'function-4-refused');
    expect(await axeViolations(other)).toEqual([]);
    await other.close();
  });
});
