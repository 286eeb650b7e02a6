// The accounts a file's waiting entries use but Quadra's chart lacks (for the accountant to create
// them beforehand, as the brief advises, or for the `C` records to create), and the file's opt-in
// to sending account labels (admins only: it changes what Quadra's chart receives).
import type { Queryable } from '../db/database.ts';
import { fileChart, setSendAccountLabels, waitingAccountUses } from '../db/repos/account-labels.ts';
import { getFile } from '../db/repos/entries.ts';
import { myRoleForFile } from '../db/repos/firms.ts';
import { asService, asUser, type Claims } from '../db/scoped.ts';
import { sentAccountLabel } from '../domain/entries/account-labels.ts';
import { accountClassifier, type AccountKind } from '../domain/entries/account-kind.ts';
import { truncateAccount } from '../format/quadra-format.ts';
import { msg } from '../i18n/index.ts';
import { AppError, forbidden, notFound } from '../lib/errors.ts';
import type { Services } from '../services.ts';

export interface AccountToCreate {
  /** As it will be sent: the account map applied, folded, cut to 8 and padded as the file says. */
  account: string;
  /** The label a `C` record would carry (the first pushed, folded, cut to 30); null when none. */
  label: string | null;
  /** Every label the hub gave it, the first pushed first, as the hub wrote them. */
  labels: string[];
  kind: AccountKind;
  type: 'C' | 'F' | 'G';
  collective: string | null;
  entries: number;
  firstDate: string;
}

/** Must run in a user-scoped transaction: RLS decides whether the caller reaches the file. */
export async function accountsToCreate(
  tx: Queryable,
  fileId: string,
): Promise<{ sendAccountLabels: boolean; accounts: AccountToCreate[] }> {
  const file = await getFile(tx, fileId);
  if (!file) throw notFound('File');
  const chart = await fileChart(tx, fileId);
  const inChart = new Set(chart.map((a) => a.number));
  const classify = accountClassifier(chart);
  const uses = (await waitingAccountUses(tx, fileId)).sort((a, b) => (a.first_pushed < b.first_pushed ? -1 : 1));
  // Accounts written differently can reach one 8-character account: Quadra sees them as one.
  const byShort = new Map<string, AccountToCreate>();
  for (const u of uses) {
    const account = truncateAccount(u.written, { accountPadding: file.account_padding });
    if (account === '' || inChart.has(account)) continue;
    const seen = byShort.get(account);
    if (seen) {
      seen.labels.push(...u.labels.filter((l) => !seen.labels.includes(l)));
      seen.entries += u.entries;
      if (u.first_date < seen.firstDate) seen.firstDate = u.first_date;
      continue;
    }
    byShort.set(account, {
      account,
      label: null,
      labels: [...u.labels],
      ...classify(account),
      entries: u.entries,
      firstDate: u.first_date,
    });
  }
  const accounts = [...byShort.values()]
    .map((a) => ({ ...a, label: a.labels[0] ? sentAccountLabel(a.labels[0]) : null }))
    .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  return { sendAccountLabels: file.send_account_labels, accounts };
}

const TYPE_WORD = { C: 'Client', F: 'Fournisseur', G: 'Général' } as const;

/** A field Excel reads as text: quoted when it holds the separator, a quote or a line end; never a formula. */
function csvField(text: string): string {
  // A cell starting with = + - @ (or a tab or CR) is a formula to a spreadsheet: an apostrophe keeps it text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[;"\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * The list as a CSV for the accountant's spreadsheet: `;` between fields and dates as DD/MM/YYYY,
 * as Excel reads them with French settings; UTF-8 with a byte order mark, without which Excel
 * reads the file as Windows-1252 and garbles accented labels; CRLF line ends.
 */
export function accountsToCreateCsv(accounts: readonly AccountToCreate[]): string {
  const head = ['Compte', 'Libellé envoyé', 'Libellés du hub', 'Type', 'Compte collectif', 'Écritures', 'Première date'];
  const rows = accounts.map((a) => [
    a.account,
    a.label ?? '',
    a.labels.join(' | '),
    TYPE_WORD[a.type],
    a.collective ?? '',
    String(a.entries),
    `${a.firstDate.slice(8, 10)}/${a.firstDate.slice(5, 7)}/${a.firstDate.slice(0, 4)}`,
  ]);
  return `\uFEFF${[head, ...rows].map((r) => r.map(csvField).join(';')).join('\r\n')}\r\n`;
}

/**
 * Turns the file's `C` records on or off. The caller's role is checked under RLS; the change is
 * written as the service (users are granted no update on client files).
 */
export async function setFileAccountLabels(
  s: Services,
  user: Claims,
  fileId: string,
  value: boolean,
): Promise<{ id: string; sendAccountLabels: boolean }> {
  await asUser(s.db, user, async (tx) => {
    const role = await myRoleForFile(tx, user.sub, fileId);
    if (!role) throw notFound('File');
    if (role !== 'admin') throw forbidden(msg('error.account_labels_admin_only'));
    const file = await getFile(tx, fileId);
    if (!file) throw notFound('File');
    if (file.gone_at) throw new AppError('file_gone', msg('error.file_gone'));
  });
  const row = await asService(s.db, (tx) => setSendAccountLabels(tx, fileId, value));
  if (!row) throw notFound('File');
  return { id: row.id, sendAccountLabels: row.send_account_labels };
}
