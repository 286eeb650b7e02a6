// The console's screens, drawn from the API's answers: pure functions from data to elements.
// Actions (buttons, forms) come in as callbacks from console.ts.
import type {
  AccountMap,
  AccountsToCreate,
  ClientFile,
  Connection,
  EntryDetail,
  EntryUpdate as EntryFix,
  EntryList,
  EntryStatus,
  Firm,
  Preview,
} from '@quadra-sync/client';
import { day, h, money, when } from './dom.ts';
import { type Lang, tr } from './texts.ts';

const STATUSES: EntryStatus[] = ['pending', 'sent', 'posted', 'failed_check'];
/** The tabs, named in the chosen language. */
export const tabs = () => STATUSES.map((status) => ({ status, label: tr.tabs[status] }));

export function firmHeader(firm: Firm, connection: Connection | undefined) {
  const status = connection?.status ?? 'unknown';
  return h(
    'div',
    {},
    h('span', { class: 'firm-name' }, firm.name),
    ` · SIC ${firm.sicCode} · `,
    h(
      'span',
      { class: `pill conn-${status}`, 'data-connection': status },
      (tr.connection as Record<string, string>)[status] ?? tr.connection.none,
    ),
    connection?.message ? h('p', { class: 'small' }, connection.message) : null,
    connection
      ? h('span', { class: 'small' }, ` ${tr.keys(connection.cpaKeyHint, connection.cfeKeyHint, when(connection.checkedAt))}`)
      : null,
    ...(connection?.checks ?? [])
      .filter((c) => !c.ok)
      .map((c) =>
        h('p', { class: 'small bad', 'data-code': c.code ?? undefined }, `${tr.service[c.name] ?? c.name}: ${c.message ?? c.code ?? ''}`),
      ),
  );
}

export function fileList(files: ClientFile[], current: string | undefined, open: (id: string) => void) {
  if (!files.length) return h('p', {}, tr.noFile);
  return h(
    'table',
    { class: 'files' },
    h('caption', { class: 'sr-only' }, tr.filesCaption),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, tr.dossier), h('th', { scope: 'col' }, tr.prerequisites), h('th', { scope: 'col' }, tr.flags)),
    ),
    h(
      'tbody',
      {},
      ...files.map((f) =>
        h(
          'tr',
          { 'data-file': f.dossierCode, class: f.id === current ? 'current' : undefined },
          h(
            'th',
            { scope: 'row' },
            h(
              'button',
              { type: 'button', class: 'link', 'aria-current': f.id === current ? 'true' : undefined, onclick: () => open(f.id) },
              h('span', { class: 'code' }, f.dossierCode),
              ` ${f.name}`,
            ),
          ),
          h(
            'td',
            {},
            f.prerequisites.ok
              ? h('span', { class: 'ok' }, tr.ready)
              : h(
                  'ul',
                  { class: 'checks' },
                  ...f.prerequisites.checks
                    .filter((c) => !c.ok)
                    .map((c) =>
                      h(
                        'li',
                        { class: 'bad', 'data-check': c.name },
                        c.message ?? '',
                        c.remedy ? h('span', { class: 'small' }, ` — ${c.remedy}`) : null,
                      ),
                    ),
                ),
          ),
          h(
            'td',
            {},
            f.waitingOpenSince
              ? h('span', { class: 'pill waiting', 'data-flag': 'waiting' }, tr.waitingSince(when(f.waitingOpenSince)))
              : null,
            f.gone ? h('span', { class: 'pill gone' }, tr.gone) : null,
            !f.waitingOpenSince && !f.gone ? '—' : null,
          ),
        ),
      ),
    ),
  );
}

export interface FileActions {
  synchronize(): void;
  preview(): void;
  accountMap(): void;
  accountsToCreate(): void;
  refresh(): void;
  tab(status: EntryStatus): void;
  entry(id: string): void;
}

export function fileHeader(file: ClientFile, a: FileActions, busy: boolean) {
  return h(
    'div',
    { class: 'file-head' },
    h('h2', { id: 'file-title' }, h('span', { class: 'code' }, file.dossierCode), ` ${file.name}`),
    h(
      'div',
      { class: 'toolbar', role: 'group', 'aria-label': tr.fileActions },
      h('button', { type: 'button', class: 'primary', onclick: a.synchronize, disabled: busy }, busy ? tr.synchronizing : tr.synchronize),
      h('button', { type: 'button', onclick: a.preview }, tr.preview),
      h('button', { type: 'button', onclick: a.accountMap }, tr.accountMap),
      h('button', { type: 'button', onclick: a.accountsToCreate }, tr.accountsToCreate),
      h('button', { type: 'button', onclick: a.refresh }, tr.refresh),
    ),
    file.waitingOpenSince ? h('p', { class: 'pill waiting' }, tr.waitingLong(when(file.waitingOpenSince))) : null,
  );
}

export function tabList(counts: Record<EntryStatus, number>, current: EntryStatus, a: FileActions) {
  const TABS = tabs();
  const list = h(
    'div',
    { role: 'tablist', 'aria-label': tr.byStatus, class: 'tabs' },
    ...TABS.map((t) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${t.status}`,
          'data-status': t.status,
          'aria-selected': String(t.status === current),
          'aria-controls': 'tabpanel',
          tabindex: t.status === current ? 0 : -1,
          onclick: () => a.tab(t.status),
        },
        t.label,
        ' ',
        h('span', { class: 'badge', 'data-count': counts[t.status] }, counts[t.status]),
      ),
    ),
  );
  // The tabs pattern: arrows move between tabs, Home and End to the ends.
  list.addEventListener('keydown', (ev) => {
    const k = (ev as KeyboardEvent).key;
    const from = (ev.target as HTMLElement).closest<HTMLElement>('[role=tab]')?.dataset.status ?? current;
    const i = TABS.findIndex((t) => t.status === from);
    const next =
      k === 'ArrowRight'
        ? (i + 1) % TABS.length
        : k === 'ArrowLeft'
          ? (i + TABS.length - 1) % TABS.length
          : k === 'Home'
            ? 0
            : k === 'End'
              ? TABS.length - 1
              : -1;
    if (next >= 0) {
      ev.preventDefault();
      a.tab(TABS[next]!.status);
    }
  });
  return list;
}

export function entryTable(list: EntryList, status: EntryStatus, a: FileActions) {
  const label = tr.tabs[status];
  return h(
    'div',
    { role: 'tabpanel', id: 'tabpanel', 'aria-labelledby': `tab-${status}`, tabindex: 0 },
    list.file.message ? h('p', { class: 'pill waiting' }, list.file.message) : null,
    list.items.length === 0
      ? h('p', {}, tr.noEntry(label))
      : h(
          'table',
          { class: 'entries' },
          h('caption', { class: 'sr-only' }, tr.entriesCaption(label)),
          h('thead', {}, h('tr', {}, ...tr.columns.map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...list.items.map((e) =>
              h(
                'tr',
                { 'data-entry': e.externalId, 'data-status': e.status },
                h(
                  'th',
                  { scope: 'row' },
                  h(
                    'button',
                    { type: 'button', class: 'link', onclick: () => a.entry(e.id), 'aria-label': tr.openEntry(e.externalId) },
                    e.externalId,
                  ),
                ),
                h('td', { class: 'nowrap' }, h('time', { datetime: e.date }, day(e.date))),
                h('td', {}, e.journalCode),
                h('td', {}, e.label),
                h('td', { class: 'num' }, money(e.totalCents)),
                h(
                  'td',
                  {},
                  e.warnings.length ? `${e.warnings.length}` : '—',
                  e.duplicateInQuadra ? h('span', { class: 'pill bad' }, ` ${tr.twice}`) : null,
                ),
                h('td', { class: 'num' }, e.nightsTried),
              ),
            ),
          ),
        ),
    list.nextCursor ? h('p', { class: 'small' }, tr.moreFollow) : null,
  );
}

/**
 * The status message, as the entry's state calls for it: a warning while it waits or was
 * refused, a plain note while sent (what to do in Quadra), nothing once posted (stored text from an
 * earlier state is not shown as if it still held).
 */
function statusNote(e: EntryDetail) {
  if (!e.statusMessage || e.status === 'posted') return null;
  return h('p', { class: e.status === 'sent' ? 'note' : 'bad', 'data-note': e.status }, e.statusMessage);
}

export function entryView(e: EntryDetail, close: () => void, fix: ((f: EntryFix) => void) | undefined) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'entry-title', id: 'entry' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'entry-title' }, tr.entry(e.externalId)),
      h('button', { type: 'button', onclick: close }, tr.close),
    ),
    h(
      'p',
      {},
      h('span', { class: `pill st-${e.status}`, 'data-entry-status': e.status }, tr.status[e.status] ?? e.status),
      ` ${tr.summary(tr.kinds[e.kind] ?? e.kind, e.journalCode, day(e.date), e.label, e.quadraReference)}`,
    ),
    statusNote(e),
    h('h4', {}, tr.lines),
    h(
      'table',
      { class: 'lines' },
      h('thead', {}, h('tr', {}, ...tr.lineColumns.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        ...e.lines.map((l) =>
          h(
            'tr',
            {},
            h('td', {}, l.lineNo),
            h('td', { class: 'code' }, l.account),
            h('td', {}, l.label ?? ''),
            h('td', { class: 'num' }, l.debit ? money(l.debit) : ''),
            h('td', { class: 'num' }, l.credit ? money(l.credit) : ''),
          ),
        ),
      ),
    ),
    h('h4', {}, tr.warnings),
    e.warnings.length
      ? h('ul', { class: 'warnings' }, ...e.warnings.map((w) => h('li', { 'data-code': w.code }, w.message)))
      : h('p', {}, tr.none),
    e.documents.length ? h('p', {}, tr.documents(e.documents.map((d) => d.fileName).join(', '))) : null,
    h('h4', { id: 'timeline-title' }, tr.attempts),
    e.attempts.length
      ? h(
          'ol',
          { class: 'timeline', 'aria-labelledby': 'timeline-title' },
          ...e.attempts.map((t) =>
            h(
              'li',
              { class: `step out-${t.outcome}`, 'data-attempt': `${t.kind}:${t.outcome}` },
              h('time', { datetime: t.at }, when(t.at)),
              h('strong', {}, ` ${tr.steps[`${t.kind}:${t.outcome}`] ?? `${t.kind} · ${t.outcome}`}`),
              t.night ? ` · ${tr.night(t.night)}` : '',
              t.detail && t.detail !== tr.steps[`${t.kind}:${t.outcome}`] ? h('div', { class: 'small' }, t.detail) : null,
            ),
          ),
        )
      : h('p', {}, tr.noAttempt),
    fix ? fixForm(e, fix) : null,
  );
}

function fixForm(e: EntryDetail, fix: (f: EntryFix) => void) {
  const field = (name: string, label: string, value: string, type = 'text') =>
    h('p', {}, h('label', { for: `fix-${name}` }, label), h('input', { id: `fix-${name}`, name, type, value, required: true }));
  const lineRows = e.lines.map((l, i) =>
    h(
      'tr',
      {},
      h(
        'td',
        {},
        h('label', { class: 'sr-only', for: `fix-account-${i}` }, tr.lineAccount(i + 1)),
        h('input', { id: `fix-account-${i}`, name: `account-${i}`, value: l.account, required: true, size: 12 }),
      ),
      h(
        'td',
        {},
        h('label', { class: 'sr-only', for: `fix-debit-${i}` }, tr.lineDebit(i + 1)),
        h('input', { id: `fix-debit-${i}`, name: `debit-${i}`, value: (l.debit / 100).toFixed(2), inputmode: 'decimal', size: 10 }),
      ),
      h(
        'td',
        {},
        h('label', { class: 'sr-only', for: `fix-credit-${i}` }, tr.lineCredit(i + 1)),
        h('input', { id: `fix-credit-${i}`, name: `credit-${i}`, value: (l.credit / 100).toFixed(2), inputmode: 'decimal', size: 10 }),
      ),
    ),
  );
  const form = h(
    'form',
    { class: 'fix', 'aria-labelledby': 'fix-title' },
    h('h4', { id: 'fix-title' }, tr.fixTitle),
    h('p', { class: 'small' }, tr.fixHelp),
    field('journalCode', tr.journalCode, e.journalCode),
    field('date', tr.date, e.date, 'date'),
    field('label', tr.label, e.label),
    h(
      'table',
      { class: 'lines' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, tr.account),
          h('th', { scope: 'col' }, tr.debitEuros),
          h('th', { scope: 'col' }, tr.creditEuros),
        ),
      ),
      h('tbody', {}, ...lineRows),
    ),
    h('button', { type: 'submit', class: 'primary' }, tr.saveFix),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    const cents = (k: string) => Math.round(Number(text(k).replace(',', '.') || '0') * 100);
    fix({
      kind: e.kind as EntryFix['kind'],
      journalCode: text('journalCode'),
      date: text('date'),
      label: text('label'),
      ...(e.pieceRef ? { pieceRef: e.pieceRef } : {}),
      ...(e.documents.length ? { documentIds: e.documents.map((d) => d.id) } : {}),
      lines: e.lines.map((l, i) => ({
        account: text(`account-${i}`),
        ...(l.label ? { label: l.label } : {}),
        debit: cents(`debit-${i}`),
        credit: cents(`credit-${i}`),
      })),
    });
  });
  return form;
}

/** Where an M line carries what a person recognises: its label (22, 20 wide; 117, 30 wide) and our reference (149, 10 wide). */
const MARKED: Array<[start: number, width: number, kind: string]> = [
  [22, 20, 'label'],
  [117, 30, 'label'],
  [149, 10, 'reference'],
];

/** One line of the ASCII file, its label and reference marked (the text itself unchanged). */
function asciiLine(line: string) {
  if (!line.startsWith('M')) return [line];
  const out: Array<Node | string> = [];
  let at = 0;
  for (const [start, width, kind] of MARKED) {
    const from = start - 1;
    if (from >= line.length) break;
    out.push(line.slice(at, from), h('mark', { class: `col-${kind}` }, line.slice(from, from + width)));
    at = from + width;
  }
  out.push(line.slice(at));
  return out;
}

export function previewView(p: Preview, close: () => void, lang: Lang) {
  const lines = p.ascii ? p.ascii.replaceAll('\r\n', '\n').split('\n') : [];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'preview-title', id: 'preview' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'preview-title' }, tr.previewTitle),
      h('button', { type: 'button', onclick: close }, tr.close),
    ),
    h('p', {}, `${tr.counts(lang, p.entryCount, p.lineCount)} ${p.prerequisites.ok ? tr.prerequisitesMet : tr.prerequisiteFails}`),
    ...p.prerequisites.checks.filter((c) => !c.ok).map((c) => h('p', { class: 'bad' }, [c.message, c.remedy].filter(Boolean).join(' '))),
    h('h4', { id: 'ascii-title' }, tr.asciiTitle),
    p.ascii
      ? h(
          'div',
          { class: 'ascii-box' },
          h('p', { class: 'small', id: 'ascii-help' }, tr.asciiHelp),
          h(
            'pre',
            { class: 'ascii', tabindex: 0, 'aria-labelledby': 'ascii-title', 'aria-describedby': 'ascii-help' },
            ...lines.flatMap((l, i) => [...asciiLine(l), i < lines.length - 1 ? '\n' : '']),
          ),
        )
      : h('p', {}, tr.nothingToSend),
    h('h4', {}, tr.warnings),
    p.warnings.length
      ? h(
          'ul',
          { class: 'warnings' },
          ...p.warnings.map((w) => h('li', { 'data-code': w.code }, h('span', { class: 'code' }, w.externalId), ` ${w.message}`)),
        )
      : h('p', {}, tr.none),
    p.mappedAccounts.length ? h('p', {}, tr.mapped(p.mappedAccounts.map((m) => `${m.hubAccount} → ${m.quadraAccount}`).join(', '))) : null,
    p.accountRecords.length
      ? h(
          'p',
          { 'data-account-records': p.accountRecords.length },
          tr.createdWithLabel(p.accountRecords.map((r) => `${r.account} "${r.label ?? ''}"`).join(', ')),
        )
      : null,
    p.held.length ? h('ul', {}, ...p.held.map((x) => h('li', { class: 'bad' }, tr.held(x.externalId, x.reason)))) : null,
  );
}

/** What the waiting entries use that Quadra's chart lacks, and whether C records create it with its label. */
export function accountsToCreateView(list: AccountsToCreate, close: () => void) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'create-title', id: 'accounts-to-create' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'create-title' }, tr.createTitle),
      h('button', { type: 'button', onclick: close }, tr.close),
    ),
    h('p', { class: 'small' }, list.sendAccountLabels ? tr.createWithLabels : tr.createBeforehand),
    list.accounts.length
      ? h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...tr.createColumns.map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...list.accounts.map((a) =>
              h(
                'tr',
                { 'data-account': a.account },
                h('td', { class: 'code' }, a.account),
                h('td', {}, a.label ?? '—'),
                h('td', {}, tr.accountTypes[a.type] ?? a.type),
                h('td', { class: 'code' }, a.collective ?? '—'),
                h('td', {}, String(a.entries)),
                h('td', {}, day(a.firstDate)),
              ),
            ),
          ),
        )
      : h('p', {}, tr.noneToCreate),
  );
}

/** The API's own checks of a mapping (src/routes/schemas/account-map.ts), so a refusal shows beside its field at once. */
const QUADRA_ACCOUNT = /^[!-~\u00C0-\u00FF]{1,8}$/;
export function mappingProblem(hub: string, quadra: string): { field: 'hub' | 'quadra'; message: string } | undefined {
  if (!hub) return { field: 'hub', message: tr.hubRequired };
  if (hub.length > 40 || hub.trim() !== hub || /\p{Cc}/u.test(hub)) return { field: 'hub', message: tr.hubInvalid };
  if (!QUADRA_ACCOUNT.test(quadra)) return { field: 'quadra', message: tr.quadraInvalid([...quadra].length) };
  return undefined;
}

export interface MapActions {
  close(): void;
  /** Resolves with what to say beside the form (the mapping made, or the refusal). */
  map(hub: string, quadra: string): Promise<{ ok: boolean; message: string } | undefined>;
  unmap(hub: string): void;
}

export function accountMapView(map: AccountMap, a: MapActions, said?: { ok: boolean; message: string }) {
  const fieldNote = (id: string) => h('p', { id, class: 'field-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'inline', 'aria-label': tr.addMapping, novalidate: true },
    h(
      'p',
      {},
      h('label', { for: 'map-hub' }, tr.hubAccount),
      h('input', { id: 'map-hub', name: 'hub', required: true, 'aria-describedby': 'map-hub-error' }),
      fieldNote('map-hub-error'),
    ),
    h(
      'p',
      {},
      h('label', { for: 'map-quadra' }, tr.quadraAccount),
      // No maxlength: a 9th character typed is shown and refused, never silently cut.
      h('input', { id: 'map-quadra', name: 'quadra', required: true, size: 10, 'aria-describedby': 'map-quadra-error' }),
      fieldNote('map-quadra-error'),
    ),
    h('button', { type: 'submit', class: 'primary' }, tr.map),
    h('p', { id: 'map-said', class: said ? (said.ok ? 'note' : 'bad') : 'small', role: 'status' }, said?.message ?? ''),
  );
  const show = (field: 'hub' | 'quadra', message: string | undefined) => {
    const note = form.querySelector<HTMLElement>(`#map-${field}-error`)!;
    const input = form.querySelector<HTMLInputElement>(`#map-${field}`)!;
    note.textContent = message ?? '';
    note.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    const hub = String(d.get('hub') ?? '').trim();
    const quadra = String(d.get('quadra') ?? '').trim();
    const problem = mappingProblem(hub, quadra);
    show('hub', problem?.field === 'hub' ? problem.message : undefined);
    show('quadra', problem?.field === 'quadra' ? problem.message : undefined);
    if (problem) {
      form.querySelector<HTMLInputElement>(`#map-${problem.field}`)!.focus();
      return;
    }
    void a.map(hub, quadra);
  });
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'map-title', id: 'account-map' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'map-title' }, tr.mapTitle),
      h('button', { type: 'button', onclick: a.close }, tr.close),
    ),
    h('p', { class: 'small' }, tr.mapHelp),
    map.items.length
      ? h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...tr.mapColumns.map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...map.items.map((m) =>
              h(
                'tr',
                { 'data-mapping': m.hubAccount },
                h('td', { class: 'code' }, m.hubAccount),
                h('td', { class: 'code' }, m.quadraAccount),
                m.quadraLabel === null
                  ? h('td', { class: 'warn', 'data-flag': 'not-in-quadra' }, tr.notInQuadra)
                  : h('td', {}, m.quadraLabel),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    { type: 'button', onclick: () => a.unmap(m.hubAccount), 'aria-label': tr.removeMapping(m.hubAccount) },
                    tr.remove,
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', {}, tr.noMapping),
    form,
  );
}
