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
import { h, money, when } from './dom.ts';

export const TABS: Array<{ status: EntryStatus; label: string }> = [
  { status: 'pending', label: 'Pending' },
  { status: 'sent', label: 'Sent' },
  { status: 'posted', label: 'Posted' },
  { status: 'failed_check', label: 'Failed check' },
];

const CONNECTION_WORDS: Record<string, string> = {
  connected: 'Connected',
  failed: 'Connection failed',
  reconnect_required: 'Enter the keys again',
};

export function firmHeader(firm: Firm, connection: Connection | undefined) {
  const status = connection?.status ?? 'unknown';
  return h(
    'div',
    {},
    h('span', { class: 'firm-name' }, firm.name),
    ` · SIC ${firm.sicCode} · `,
    h('span', { class: `pill conn-${status}`, 'data-connection': status }, CONNECTION_WORDS[status] ?? 'Not connected'),
    connection?.message ? h('p', { class: 'small' }, connection.message) : null,
    connection
      ? h('span', { class: 'small' }, ` CPA ${connection.cpaKeyHint}, CFE ${connection.cfeKeyHint}, checked ${when(connection.checkedAt)}`)
      : null,
    ...(connection?.checks ?? [])
      .filter((c) => !c.ok)
      .map((c) => h('p', { class: 'small bad' }, `${c.name.toUpperCase()}: ${c.message ?? c.code ?? 'failed'}`)),
  );
}

export function fileList(files: ClientFile[], current: string | undefined, open: (id: string) => void) {
  if (!files.length) return h('p', {}, 'No client file yet: the reference sync has not brought any from Quadra.');
  return h(
    'table',
    { class: 'files' },
    h('caption', { class: 'sr-only' }, 'Client files, their prerequisites and flags'),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Dossier'), h('th', { scope: 'col' }, 'Prerequisites'), h('th', { scope: 'col' }, 'Flags')),
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
              ? h('span', { class: 'ok' }, 'Ready')
              : h(
                  'ul',
                  { class: 'checks' },
                  ...f.prerequisites.checks
                    .filter((c) => !c.ok)
                    .map((c) =>
                      h('li', { class: 'bad' }, c.message ?? c.name, c.remedy ? h('span', { class: 'small' }, ` — ${c.remedy}`) : null),
                    ),
                ),
          ),
          h(
            'td',
            {},
            f.waitingOpenSince
              ? h(
                  'span',
                  { class: 'pill waiting', 'data-flag': 'waiting' },
                  `Waiting to be opened in Quadra since ${when(f.waitingOpenSince)}`,
                )
              : null,
            f.gone ? h('span', { class: 'pill gone' }, 'No longer in Quadra') : null,
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
      { class: 'toolbar', role: 'group', 'aria-label': 'File actions' },
      h('button', { type: 'button', class: 'primary', onclick: a.synchronize, disabled: busy }, busy ? 'Synchronizing…' : 'Synchronize'),
      h('button', { type: 'button', onclick: a.preview }, 'Preview the ASCII file'),
      h('button', { type: 'button', onclick: a.accountMap }, 'Account map'),
      h('button', { type: 'button', onclick: a.accountsToCreate }, 'Accounts to create'),
      h('button', { type: 'button', onclick: a.refresh }, 'Refresh'),
    ),
    file.waitingOpenSince
      ? h(
          'p',
          { class: 'pill waiting' },
          `Waiting to be opened in Quadra since ${when(file.waitingOpenSince)}: open the dossier in Quadra to import what was sent.`,
        )
      : null,
  );
}

export function tabList(counts: Record<EntryStatus, number>, current: EntryStatus, a: FileActions) {
  const list = h(
    'div',
    { role: 'tablist', 'aria-label': 'Entries by status', class: 'tabs' },
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
  const label = TABS.find((t) => t.status === status)!.label;
  return h(
    'div',
    { role: 'tabpanel', id: 'tabpanel', 'aria-labelledby': `tab-${status}`, tabindex: 0 },
    list.file.message ? h('p', { class: 'pill waiting' }, list.file.message) : null,
    list.items.length === 0
      ? h('p', {}, `No entry is ${label.toLowerCase()}.`)
      : h(
          'table',
          { class: 'entries' },
          h('caption', { class: 'sr-only' }, `${label} entries`),
          h(
            'thead',
            {},
            h('tr', {}, ...['Entry', 'Date', 'Journal', 'Label', 'Amount', 'Warnings', 'Nights'].map((c) => h('th', { scope: 'col' }, c))),
          ),
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
                    { type: 'button', class: 'link', onclick: () => a.entry(e.id), 'aria-label': `Open entry ${e.externalId}` },
                    e.externalId,
                  ),
                ),
                h('td', {}, e.date),
                h('td', {}, e.journalCode),
                h('td', {}, e.label),
                h('td', { class: 'num' }, money(e.totalCents)),
                h(
                  'td',
                  {},
                  e.warnings.length ? `${e.warnings.length}` : '—',
                  e.duplicateInQuadra ? h('span', { class: 'pill bad' }, ' twice in Quadra') : null,
                ),
                h('td', { class: 'num' }, e.nightsTried),
              ),
            ),
          ),
        ),
    list.nextCursor ? h('p', { class: 'small' }, 'More entries follow (the API pages by cursor).') : null,
  );
}

const STEP_WORDS: Record<string, string> = {
  send: 'Sent',
  resend: 'Re-sent',
  verify: 'Checked',
  decide: 'Decided',
  revalidate: 'Validated again',
  held: 'Held',
  duplicate: 'Duplicate',
};

export function entryView(e: EntryDetail, close: () => void, fix: ((f: EntryFix) => void) | undefined) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'entry-title', id: 'entry' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'entry-title' }, `Entry ${e.externalId}`),
      h('button', { type: 'button', onclick: close }, 'Close'),
    ),
    h(
      'p',
      {},
      h('span', { class: `pill st-${e.status}`, 'data-entry-status': e.status }, e.status.replace('_', ' ')),
      ` ${e.kind} · journal ${e.journalCode} · ${e.date} · ${e.label} · reference ${e.quadraReference}`,
    ),
    e.statusMessage ? h('p', { class: 'bad' }, e.statusMessage) : null,
    h('h4', {}, 'Lines'),
    h(
      'table',
      { class: 'lines' },
      h('thead', {}, h('tr', {}, ...['#', 'Account', 'Label', 'Debit', 'Credit'].map((c) => h('th', { scope: 'col' }, c)))),
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
    h('h4', {}, 'Warnings'),
    e.warnings.length
      ? h('ul', { class: 'warnings' }, ...e.warnings.map((w) => h('li', {}, h('span', { class: 'code' }, w.code), ` ${w.message}`)))
      : h('p', {}, 'None.'),
    e.documents.length ? h('p', {}, `Documents: ${e.documents.map((d) => d.fileName).join(', ')}`) : null,
    h('h4', { id: 'timeline-title' }, 'Attempts'),
    e.attempts.length
      ? h(
          'ol',
          { class: 'timeline', 'aria-labelledby': 'timeline-title' },
          ...e.attempts.map((t) =>
            h(
              'li',
              { class: `step out-${t.outcome}`, 'data-attempt': `${t.kind}:${t.outcome}` },
              h('time', { datetime: t.at }, when(t.at)),
              h('strong', {}, ` ${STEP_WORDS[t.kind] ?? t.kind}: ${t.outcome.replaceAll('_', ' ')}`),
              t.night ? ` · night ${t.night}` : '',
              t.depositId ? h('span', { class: 'small' }, ` · deposit ${t.depositId.slice(0, 8)}`) : null,
              t.detail ? h('div', { class: 'small' }, t.detail) : null,
            ),
          ),
        )
      : h('p', {}, 'No attempt yet: it goes out at the next send.'),
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
        h('label', { class: 'sr-only', for: `fix-account-${i}` }, `Line ${i + 1} account`),
        h('input', { id: `fix-account-${i}`, name: `account-${i}`, value: l.account, required: true, size: 12 }),
      ),
      h(
        'td',
        {},
        h('label', { class: 'sr-only', for: `fix-debit-${i}` }, `Line ${i + 1} debit (euros)`),
        h('input', { id: `fix-debit-${i}`, name: `debit-${i}`, value: (l.debit / 100).toFixed(2), inputmode: 'decimal', size: 10 }),
      ),
      h(
        'td',
        {},
        h('label', { class: 'sr-only', for: `fix-credit-${i}` }, `Line ${i + 1} credit (euros)`),
        h('input', { id: `fix-credit-${i}`, name: `credit-${i}`, value: (l.credit / 100).toFixed(2), inputmode: 'decimal', size: 10 }),
      ),
    ),
  );
  const form = h(
    'form',
    { class: 'fix', 'aria-labelledby': 'fix-title' },
    h('h4', { id: 'fix-title' }, 'Fix and validate again'),
    h('p', { class: 'small' }, 'Correct what Quadra refused; validated again, the entry goes back to pending with a new reference.'),
    field('journalCode', 'Journal code', e.journalCode),
    field('date', 'Date', e.date, 'date'),
    field('label', 'Label', e.label),
    h(
      'table',
      { class: 'lines' },
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Account'), h('th', { scope: 'col' }, 'Debit (€)'), h('th', { scope: 'col' }, 'Credit (€)')),
      ),
      h('tbody', {}, ...lineRows),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Save the fix and validate again'),
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

export function previewView(p: Preview, close: () => void) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'preview-title', id: 'preview' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'preview-title' }, 'What the next deposit holds'),
      h('button', { type: 'button', onclick: close }, 'Close'),
    ),
    h(
      'p',
      {},
      `${p.entryCount} entries, ${p.lineCount} lines. ${p.prerequisites.ok ? 'Prerequisites met.' : 'A prerequisite fails: the deposit would be held.'}`,
    ),
    ...p.prerequisites.checks.filter((c) => !c.ok).map((c) => h('p', { class: 'bad' }, c.message ?? c.name)),
    h('h4', { id: 'ascii-title' }, 'The exact ASCII file'),
    p.ascii
      ? h('pre', { class: 'ascii', tabindex: 0, 'aria-labelledby': 'ascii-title' }, p.ascii.replaceAll('\r\n', '\n'))
      : h('p', {}, 'Nothing to send.'),
    h('h4', {}, 'Warnings'),
    p.warnings.length
      ? h('ul', { class: 'warnings' }, ...p.warnings.map((w) => h('li', {}, h('span', { class: 'code' }, w.externalId), ` ${w.message}`)))
      : h('p', {}, 'None.'),
    p.mappedAccounts.length
      ? h('p', {}, `Mapped: ${p.mappedAccounts.map((m) => `${m.hubAccount} → ${m.quadraAccount}`).join(', ')}`)
      : null,
    p.accountRecords.length
      ? h(
          'p',
          { 'data-account-records': p.accountRecords.length },
          `Created in Quadra with their label: ${p.accountRecords.map((r) => `${r.account} "${r.label ?? ''}"`).join(', ')}`,
        )
      : null,
    p.held.length ? h('ul', {}, ...p.held.map((x) => h('li', { class: 'bad' }, `${x.externalId} held: ${x.reason}`))) : null,
  );
}

const TYPE_WORDS = { C: 'Customer', F: 'Supplier', G: 'General' } as const;

/** What the waiting entries use that Quadra's chart lacks, and whether C records create it with its label. */
export function accountsToCreateView(list: AccountsToCreate, close: () => void) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'create-title', id: 'accounts-to-create' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'create-title' }, 'Accounts to create in Quadra'),
      h('button', { type: 'button', onclick: close }, 'Close'),
    ),
    h(
      'p',
      { class: 'small' },
      list.sendAccountLabels
        ? 'The next deposit creates them with the label shown (a C record each).'
        : 'Quadra creates them without a label: create them in Quadra beforehand, or have an administrator turn on sendAccountLabels.',
    ),
    list.accounts.length
      ? h(
          'table',
          {},
          h(
            'thead',
            {},
            h('tr', {}, ...['Account', 'Label', 'Type', 'Collective', 'Entries', 'First date'].map((c) => h('th', { scope: 'col' }, c))),
          ),
          h(
            'tbody',
            {},
            ...list.accounts.map((a) =>
              h(
                'tr',
                { 'data-account': a.account },
                h('td', { class: 'code' }, a.account),
                h('td', {}, a.label ?? '—'),
                h('td', {}, TYPE_WORDS[a.type]),
                h('td', { class: 'code' }, a.collective ?? '—'),
                h('td', {}, String(a.entries)),
                h('td', {}, a.firstDate),
              ),
            ),
          ),
        )
      : h('p', {}, 'None: Quadra has every account the waiting entries use.'),
  );
}

export function accountMapView(map: AccountMap, a: { close(): void; map(hub: string, quadra: string): void; unmap(hub: string): void }) {
  const form = h(
    'form',
    { class: 'inline', 'aria-label': 'Add a mapping' },
    h('p', {}, h('label', { for: 'map-hub' }, 'Hub account'), h('input', { id: 'map-hub', name: 'hub', required: true, maxlength: 40 })),
    h(
      'p',
      {},
      h('label', { for: 'map-quadra' }, 'Quadra account (8 characters at most)'),
      h('input', { id: 'map-quadra', name: 'quadra', required: true, maxlength: 8 }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Map'),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    a.map(String(d.get('hub') ?? '').trim(), String(d.get('quadra') ?? '').trim());
  });
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'map-title', id: 'account-map' },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', { id: 'map-title' }, 'Account map'),
      h('button', { type: 'button', onclick: a.close }, 'Close'),
    ),
    h(
      'p',
      { class: 'small' },
      'Which Quadra account a hub account is sent as: the way out when two hub accounts would merge once cut to 8 characters. Administrators change it.',
    ),
    map.items.length
      ? h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...['Hub account', 'Quadra account', 'Quadra label', ''].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...map.items.map((m) =>
              h(
                'tr',
                { 'data-mapping': m.hubAccount },
                h('td', { class: 'code' }, m.hubAccount),
                h('td', { class: 'code' }, m.quadraAccount),
                h('td', {}, m.quadraLabel ?? 'not in Quadra yet (created without a label)'),
                h(
                  'td',
                  {},
                  h(
                    'button',
                    { type: 'button', onclick: () => a.unmap(m.hubAccount), 'aria-label': `Remove the mapping of ${m.hubAccount}` },
                    'Remove',
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', {}, 'No mapping: every account is sent as the hub numbers it (cut to 8 characters).'),
    form,
  );
}
