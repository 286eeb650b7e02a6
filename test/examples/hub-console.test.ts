// The hub console in a real Chromium, against the Node service (real HTTP, real jobs, the simulator):
// the page lists the files, its badges match the API, Synchronize turns entries sent, opening the
// dossier and the check post them, an entry's timeline shows its attempts, a file never opened is
// flagged waiting to be opened, a failed_check entry is fixed and goes back to pending, the account
// map is changed; the same page served from an origin outside CORS_ORIGINS shows the refusal;
// axe-core finds no violation of any impact. The same screens again in a French browser, then the
// switch back to English. Screenshots of each screen, per language, go to test-artifacts/console/.
import { serve, type ServerType } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type RunningConsole } from '../../examples/hub-console/server.ts';
import type { App } from '../../src/app.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { chromiumUnavailable, launchChromium, type RunningBrowser } from '../support/browser.ts';
import { axeViolations, badges, screenshot } from '../support/console-page.ts';
import { engine } from '../support/db.ts';
import { entry, nextNightRun, purchase, push, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;
const why = chromiumUnavailable();
if (why) console.warn(`[skipped] the hub console in Chromium: ${why}`);

describe.skipIf(why)(`the hub console in Chromium, against the Node service (${engine})`, () => {
  let w: World;
  let app: App | undefined;
  let api: ServerType;
  let apiUrl: string;
  let allowed: RunningConsole;
  let elsewhere: RunningConsole;
  let browser: RunningBrowser;
  let page: Page;

  beforeAll(async () => {
    // The API's address first (the console's settings name it), the app behind it once the world is
    // built with the console's origin in CORS_ORIGINS.
    api = await new Promise<ServerType>((r) => {
      const s = serve(
        { fetch: (req) => (app ? app.fetch(req) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' },
        () => r(s),
      );
    });
    apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
    allowed = await startConsole({ port: 0, api: { kind: 'http', baseUrl: apiUrl } });
    elsewhere = await startConsole({ port: 0, api: { kind: 'http', baseUrl: apiUrl } });
    w = await createWorld({ start: '2026-11-02T09:00:00Z', config: { CORS_ORIGINS: [allowed.url] } });
    app = w.t.app;
    browser = await launchChromium({ locale: 'en-GB' });
    page = await browser.context.newPage();
    // The token a hub would hold for its signed-in user (npm start writes its development one into the page).
    await page.addInitScript((token) => sessionStorage.setItem('qs-token', token), w.token);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await allowed?.stop();
    await elsewhere?.stop();
    await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
    await w?.close();
  });

  const apiCounts = async (dossier: string) =>
    (await w.t.call('GET', `/v1/files/${w.files.get(dossier)}/entries/counts`, { token: w.token })).body.counts;
  const openFile = async (dossier: string) => {
    await page.locator(`[data-file=${dossier}] button`).click();
    await expect.poll(() => page.locator('#file-title').textContent()).toContain(dossier);
  };
  const expectAccessible = async (screen: string) => expect(await axeViolations(page), screen).toEqual([]);

  it('lists the firm and its files, then Synchronize, the check, the timeline and the preview, with badges matching the API', async () => {
    await page.goto(allowed.url);
    await page.waitForSelector('body[data-ready]');
    await expect.poll(() => page.locator('[data-connection]').getAttribute('data-connection')).toBe('connected');
    const files = (await w.t.call('GET', `/v1/firms/${w.firmId}/files`, { token: w.token })).body.files as Array<{ dossierCode: string }>;
    expect(await page.locator('[data-file]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-file')))).toEqual(
      files.map((f) => f.dossierCode),
    );
    // The fixture's dossier with failing prerequisites says why, in Quadra's words.
    expect(await page.locator('[data-file=ANCIEN] .checks').textContent()).toMatch(/period/i);
    await screenshot(page, 'en-node-1-files');
    await expectAccessible('files');

    const pushed = await push(w, 'BOULANG', [purchase({ externalId: 'WEB-1' }), purchase({ externalId: 'WEB-2', amount: 24_000 })]);
    await openFile('BOULANG');
    expect(await badges(page)).toEqual(await apiCounts('BOULANG'));
    expect((await badges(page)).pending).toBe(2);
    await expect.poll(() => page.locator('[data-entry]').count()).toBe(2);

    await page.getByRole('button', { name: 'Preview the ASCII file' }).click();
    const preview = (await w.t.call('POST', `/v1/files/${w.files.get('BOULANG')}/preview`, { token: w.token })).body;
    await expect.poll(() => page.locator('pre.ascii').textContent()).toBe(preview.ascii.replaceAll('\r\n', '\n'));
    await screenshot(page, 'en-node-2-preview');
    await expectAccessible('preview');

    await page.getByRole('button', { name: 'Synchronize' }).click();
    await expect.poll(async () => (await badges(page)).sent, { timeout: 30_000 }).toBe(2);
    expect(await badges(page)).toEqual(await apiCounts('BOULANG'));
    expect((await entry(w, pushed.entries[0]!.id!)).status).toBe('sent');
    await screenshot(page, 'en-node-3-sent');

    await w.sim.control.openDossier(SIC, 'BOULANG');
    await twelveHoursLater(w);
    await expect.poll(async () => (await badges(page)).posted, { timeout: 15_000 }).toBe(2);
    expect(await badges(page)).toEqual(await apiCounts('BOULANG'));
    await page.getByRole('tab', { name: /Posted/ }).focus();
    await page.keyboard.press('ArrowLeft'); // the tabs answer the keyboard: Posted → Sent
    await expect.poll(() => page.locator('[role=tab][aria-selected=true]').getAttribute('data-status')).toBe('sent');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-entry]').count()).toBe(2);

    await page.getByRole('button', { name: 'Open entry WEB-1' }).click();
    await expect.poll(() => page.locator('[data-entry-status]').getAttribute('data-entry-status')).toBe('posted');
    const timeline = await page.locator('ol.timeline li').evaluateAll((li) => li.map((x) => x.getAttribute('data-attempt')));
    const detail = await entry(w, pushed.entries[0]!.id!);
    expect(timeline).toEqual(detail.attempts.map((a: { kind: string; outcome: string }) => `${a.kind}:${a.outcome}`));
    expect(timeline).toEqual(['send:sent', 'verify:posted']);
    // Each step in one phrase (not "Sent: sent"), its note in words (no zip path, "2 entries"), no
    // stale "open the file in Quadra" note once posted, warnings as sentences rather than codes.
    expect(await page.locator('ol.timeline li strong').allTextContents()).toEqual([' Sent to Quadra', ' Found in Quadra']);
    const notes = await page.locator('ol.timeline li .small').allTextContents();
    expect(notes[0]).toMatch(/^Sent in a deposit of 2 entries \(\d+ lines\)$/);
    expect(notes.join(' ')).not.toMatch(/\.zip|1 entries/);
    expect(await page.locator('[data-note]').count()).toBe(0);
    for (const li of await page.locator('ul.warnings li').allTextContents()) expect(li).not.toMatch(/^account_|^label_/);
    expect(await page.locator('table.lines tbody tr').count()).toBe(3);
    await screenshot(page, 'en-node-4-entry-timeline');
    await expectAccessible('entry');
  });

  it('a failed_check entry is fixed and validated again on the page: pending', async () => {
    const good = purchase({ externalId: 'WEB-OK' });
    const bad = purchase({ externalId: 'WEB-BAD', journalCode: 'OD', label: 'Écriture rejetée' });
    const pushed = await push(w, 'CONSEIL', [good, bad]);
    const badId = pushed.entries[1]!.id!;
    w.sim.control.setJournalOpen(SIC, 'CONSEIL', 'OD', false); // Quadra refuses the OD entry on import
    await send(w, 'CONSEIL');
    // GARAGE's deposit is never opened in Quadra: after three nights the file waits to be opened.
    await push(w, 'GARAGE', [purchase({ externalId: 'WEB-WAIT' })]);
    await send(w, 'GARAGE');
    await w.sim.control.openDossier(SIC, 'CONSEIL');
    await twelveHoursLater(w);
    for (let night = 1; night <= 3; night++) {
      await nextNightRun(w);
      if (night < 3) await w.sim.control.openDossier(SIC, 'CONSEIL');
    }
    expect((await entry(w, badId)).status).toBe('failed_check');
    w.sim.control.setJournalOpen(SIC, 'CONSEIL', 'OD', true);

    await page.reload();
    await page.waitForSelector('body[data-ready]');
    const garage = (await w.t.call('GET', `/v1/firms/${w.firmId}/files`, { token: w.token })).body.files.find(
      (f: { dossierCode: string }) => f.dossierCode === 'GARAGE',
    );
    expect(garage.waitingOpenSince).not.toBeNull();
    expect(await page.locator('[data-file=GARAGE] [data-flag=waiting]').textContent()).toContain('Waiting to be opened in Quadra');
    expect(await page.locator('[data-file=CONSEIL] [data-flag=waiting]').count()).toBe(0);
    await screenshot(page, 'en-node-4b-files-waiting');
    await openFile('CONSEIL');
    expect(await badges(page)).toEqual(await apiCounts('CONSEIL'));
    expect((await badges(page)).failed_check).toBe(1);
    await page.getByRole('tab', { name: /Failed check/ }).click();
    await page.getByRole('button', { name: 'Open entry WEB-BAD' }).click();
    await expect.poll(() => page.locator('[data-entry-status]').getAttribute('data-entry-status')).toBe('failed_check');
    expect(await page.locator('ol.timeline li').last().getAttribute('data-attempt')).toBe('decide:failed_check');
    await page.getByLabel('Journal code').fill('AC');
    await screenshot(page, 'en-node-5-fix');
    await expectAccessible('fix');
    await page.getByRole('button', { name: 'Save the fix and validate again' }).click();
    await expect.poll(() => page.locator('[data-entry-status]').getAttribute('data-entry-status')).toBe('pending');
    const fixed = await entry(w, badId);
    expect([fixed.status, fixed.journalCode]).toEqual(['pending', 'AC']);
    expect(await badges(page)).toEqual(await apiCounts('CONSEIL'));
    expect(await page.locator('[role=tab][aria-selected=true]').getAttribute('data-status')).toBe('pending');
  });

  it("the account map: a mapping added and removed on the page is the API's", async () => {
    await page.getByRole('button', { name: 'Account map' }).click();
    // Checked as the API checks it, the message beside the field: a 9-character target is shown whole and refused.
    await page.getByLabel('Hub account').fill('6064000000');
    await page.getByLabel('Quadra account (8 characters at most)').fill('606400001');
    expect(await page.getByLabel('Quadra account (8 characters at most)').inputValue()).toBe('606400001');
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    await expect.poll(() => page.locator('#map-quadra-error').textContent()).toContain('this one has 9');
    expect(await page.getByLabel('Quadra account (8 characters at most)').getAttribute('aria-invalid')).toBe('true');
    expect((await w.t.call('GET', `/v1/files/${w.files.get('CONSEIL')}/account-map`, { token: w.token })).body.items).toEqual([]);
    await screenshot(page, 'en-node-6a-account-map-refused');
    await expectAccessible('account map, refused');
    await page.getByLabel('Hub account').fill('6064000000');
    await page.getByLabel('Quadra account (8 characters at most)').fill('60640000');
    await page.getByRole('button', { name: 'Map', exact: true }).click();
    await expect.poll(() => page.locator('[data-mapping]').count()).toBe(1);
    // The confirmation is said beside the form; the Remove column has a header.
    expect(await page.locator('#map-said').textContent()).toContain('6064000000 is now sent as 60640000.');
    expect(await page.locator('#account-map thead th').allTextContents()).toEqual([
      'Hub account',
      'Quadra account',
      'Quadra label',
      'Action',
    ]);
    const map = (await w.t.call('GET', `/v1/files/${w.files.get('CONSEIL')}/account-map`, { token: w.token })).body.items;
    expect(map.map((m: { hubAccount: string; quadraAccount: string }) => `${m.hubAccount}→${m.quadraAccount}`)).toEqual([
      '6064000000→60640000',
    ]);
    await screenshot(page, 'en-node-6-account-map');
    await expectAccessible('account map');
    await page.getByRole('button', { name: 'Remove the mapping of 6064000000' }).click();
    await expect.poll(() => page.locator('[data-mapping]').count()).toBe(0);
    expect((await w.t.call('GET', `/v1/files/${w.files.get('CONSEIL')}/account-map`, { token: w.token })).body.items).toEqual([]);
  });

  it('accounts to create: a supplier Quadra lacks, with the label the C record sends, as the API lists it', async () => {
    const file = w.files.get('CONSEIL')!;
    const e = purchase({ supplier: 'FNEWCO' });
    e.lines[2] = { ...e.lines[2]!, accountLabel: 'Nouvelle Coopérative' } as (typeof e.lines)[number];
    expect((await push(w, 'CONSEIL', [e])).entries[0]!.errors).toBeUndefined();
    expect((await w.t.call('PATCH', `/v1/files/${file}`, { token: w.token, body: { sendAccountLabels: true } })).status).toBe(200);
    await page.getByRole('button', { name: 'Accounts to create' }).click();
    const row = page.locator('[data-account=FNEWCO]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Nouvelle Coopérative');
    expect(await row.textContent()).toContain('Supplier');
    await screenshot(page, 'node-6b-accounts-to-create');
    await expectAccessible('accounts to create');
    await page.getByRole('button', { name: 'Preview the ASCII file' }).click();
    await expect.poll(() => page.locator('[data-account-records]').textContent()).toContain('FNEWCO "Nouvelle Coopérative"');
    expect((await w.t.call('PATCH', `/v1/files/${file}`, { token: w.token, body: { sendAccountLabels: false } })).status).toBe(200);
  });

  it('in a French browser: every screen in French (amounts, dates, plurals by Intl; the API answering in French), then the switch to English', async () => {
    const french = await launchChromium({ locale: 'fr-FR' });
    const fr = await french.context.newPage();
    try {
      await fr.addInitScript((token) => sessionStorage.setItem('qs-token', token), w.token);
      await fr.goto(allowed.url);
      await fr.waitForSelector('body[data-ready]');
      expect(await fr.locator('html').getAttribute('lang')).toBe('fr');
      expect(await fr.locator('#files-title').textContent()).toBe('Dossiers clients');
      expect(await fr.locator('[data-connection]').textContent()).toBe('Connecté');
      expect(await fr.locator('#firm').textContent()).toMatch(/Clé CPA se terminant par/);
      // The API's own message, in French: the failing prerequisite of the fixture's old dossier.
      await expect.poll(() => fr.locator('[data-file=ANCIEN] .checks').textContent()).toMatch(/exercice/);
      expect(await fr.locator('[data-file=ANCIEN] .checks').textContent()).not.toMatch(/period/i);
      await screenshot(fr, 'fr-node-1-files');
      expect(await axeViolations(fr), 'fr files').toEqual([]);

      await fr.locator('[data-file=BOULANG] button').click();
      await expect.poll(() => fr.locator('#file-title').textContent()).toContain('BOULANG');
      await fr.getByRole('tab', { name: /Intégrées/ }).click();
      await expect.poll(() => fr.locator('[data-entry]').count()).toBe(2);
      const row = fr.locator('[data-entry=WEB-2]');
      expect(await row.locator('td.num').first().textContent()).toBe('240,00\u00a0€');
      expect(await row.locator('td time').textContent()).toBe('2 nov. 2026');
      await screenshot(fr, 'fr-node-2-posted');
      expect(await axeViolations(fr), 'fr tabs').toEqual([]);

      await fr.getByRole('button', { name: 'Ouvrir l’écriture WEB-1' }).click();
      await expect.poll(() => fr.locator('[data-entry-status]').textContent()).toBe('Intégrée');
      expect(await fr.locator('ol.timeline li strong').allTextContents()).toEqual([' Envoyée à Quadra', ' Trouvée dans Quadra']);
      expect((await fr.locator('ol.timeline li .small').allTextContents())[0]).toMatch(/^Envoyée dans un dépôt de 2 écritures/);
      await screenshot(fr, 'fr-node-3-entry');
      expect(await axeViolations(fr), 'fr entry').toEqual([]);

      await push(w, 'BOULANG', [purchase({ externalId: 'WEB-FR', supplier: 'FOURNISSEUR1' })]);
      await fr.getByRole('button', { name: 'Aperçu du fichier ASCII' }).click();
      await expect.poll(() => fr.locator('#preview p').first().textContent()).toMatch(/^1 écriture, 3 lignes\./);
      expect(await fr.locator('pre.ascii mark.col-reference').count()).toBe(3);
      // Fixed width, scrolling inside its own box: the page itself never gets wider than the window.
      expect(await fr.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await fr.locator('#preview ul.warnings').textContent()).toContain('sera envoyé en FOURNISS');
      await screenshot(fr, 'fr-node-4-preview');
      expect(await axeViolations(fr), 'fr preview').toEqual([]);

      await fr.getByRole('button', { name: 'Correspondance des comptes' }).click();
      await fr.getByLabel('Compte du hub').fill('FOURNISSEUR1');
      await fr.getByLabel('Compte Quadra (8 caractères au plus)').fill('401FOURNI');
      await fr.getByRole('button', { name: 'Associer', exact: true }).click();
      await expect.poll(() => fr.locator('#map-quadra-error').textContent()).toContain('celui-ci en compte 9');
      await screenshot(fr, 'fr-node-5-account-map');
      expect(await axeViolations(fr), 'fr account map').toEqual([]);

      // The switch: English at once, the API's texts too, and kept for the next visit.
      await fr.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => fr.locator('#files-title').textContent()).toBe('Client files');
      expect(await fr.locator('html').getAttribute('lang')).toBe('en');
      await expect.poll(() => fr.locator('[data-file=ANCIEN] .checks').textContent()).toMatch(/period/i);
      expect(await fr.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
      await fr.reload();
      await fr.waitForSelector('body[data-ready]');
      expect(await fr.locator('#files-title').textContent()).toBe('Client files');
      await screenshot(fr, 'fr-node-6-switched-to-english');
      expect(await axeViolations(fr), 'after the switch').toEqual([]);
    } finally {
      await french.close();
    }
  });

  it('the same page from an origin not in CORS_ORIGINS shows the refusal', async () => {
    const other = await browser.context.newPage();
    await other.addInitScript((token) => sessionStorage.setItem('qs-token', token), w.token);
    await other.goto(elsewhere.url);
    await other.waitForSelector('body[data-ready]');
    const alert = other.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Refused');
    expect(await alert.textContent()).toContain(`add ${elsewhere.url} to CORS_ORIGINS`);
    expect(await other.locator('[data-file]').count()).toBe(0);
    await screenshot(other, 'en-node-7-refused');
    expect(await axeViolations(other)).toEqual([]);
    await other.close();
  });
});
