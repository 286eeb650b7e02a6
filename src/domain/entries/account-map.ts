// Rules of a file's account map (hub account -> Quadra account). Pure: the caller gathers the
// file's reference data, its pending and sent accounts.
import { truncateAccount } from '../../format/quadra-format.ts';
import { accountWarnings, collidingAccounts, type AccountUse, type FileReference } from './validate.ts';
import type { Issue } from './issues.ts';

/** A Quadra account number as the map accepts it: printable, no spaces, 8 characters at most. */
export const QUADRA_ACCOUNT_PATTERN = /^[!-~\u00C0-\u00FF]{1,8}$/;

export interface MapChange {
  /** The map before and after the change. */
  before: ReadonlyMap<string, string>;
  after: ReadonlyMap<string, string>;
  /** Accounts of the file's entries still waiting to be sent. */
  pending: Iterable<string | AccountUse>;
}

/**
 * Pending entries' accounts that the change would newly merge with another account of the hub's:
 * a change that creates them is refused (the entries were accepted because nothing merged).
 */
export function collisionsIntroduced(
  change: MapChange,
  ref: Pick<FileReference, 'accountPadding' | 'sentAccounts'>,
): Array<{ account: string; truncated: string; collidesWith: string[] }> {
  const pending = [...change.pending];
  const before = collidingAccounts(pending, { ...ref, accountMap: change.before });
  const after = collidingAccounts(pending, { ...ref, accountMap: change.after });
  return [...after]
    .filter(([hub, c]) => !before.has(hub) || c.collidesWith.some((o) => !before.get(hub)!.collidesWith.includes(o)))
    .map(([account, c]) => ({ account, truncated: c.short, collidesWith: c.collidesWith }))
    .sort((a, b) => a.account.localeCompare(b.account));
}

/**
 * What the user should know about a mapping they set: Quadra lacks the target (created without a
 * label), other accounts of the hub's already go there, and entries already sent keep their account.
 */
export function mappingWarnings(
  hub: string,
  target: string,
  ref: Pick<FileReference, 'quadraAccounts' | 'accountPadding' | 'sentAccounts'>,
  others: Iterable<AccountUse>,
): Issue[] {
  const padding = ref.accountPadding ?? 'space';
  const short = truncateAccount(target, { accountPadding: padding });
  const out = accountWarnings(hub, { ...ref, accountMap: new Map([[hub, target]]) }, 'quadraAccount', target).filter(
    (w) => w.code !== 'account_mapped',
  );
  const sharing = new Set<string>();
  for (const use of [...others, ...(ref.sentAccounts ?? [])]) {
    if (use.hub !== hub && truncateAccount(use.written, { accountPadding: padding }) === short) sharing.add(use.hub);
  }
  if (sharing.size) {
    const list = [...sharing].sort();
    out.push({
      code: 'account_shared',
      field: 'quadraAccount',
      message: `Quadra account ${short} also receives your account${list.length > 1 ? 's' : ''} ${list.join(', ')}: their ledgers are one in Quadra.`,
      details: { quadraAccount: short, alsoReceives: list },
    });
  }
  const sentAs = new Set(
    [...(ref.sentAccounts ?? [])]
      .filter((u) => u.hub === hub && u.written !== target)
      .map((u) => truncateAccount(u.written, { accountPadding: padding })),
  );
  if (sentAs.size) {
    out.push({
      code: 'sent_entries_unchanged',
      field: 'quadraAccount',
      message: `Entries already sent keep account ${[...sentAs].sort().join(', ')} in Quadra; from now on ${hub} is sent as ${short}.`,
      details: { account: hub, sentAs: [...sentAs].sort(), from: short },
    });
  }
  return out;
}
