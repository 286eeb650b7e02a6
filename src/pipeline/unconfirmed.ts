// Settling an unconfirmed upload (the second half of the delivery rule, docs/delivery.md).
// Its blob in the container proves it landed. Its absence proves nothing (Quadra may have taken
// it), so once the import grace period has run from the first time it was seen absent, Quadra
// itself is read: an entry found means Quadra took the deposit; none found means it never arrived,
// and its entries are deposited again now, in a new deposit recording what it replaces.
import * as attempts from '../db/repos/attempts.ts';
import * as deposits from '../db/repos/deposits.ts';
import { getFile } from '../db/repos/entries.ts';
import { asService } from '../db/scoped.ts';
import { depositBlobName } from '../quadra/cfe-client.ts';
import type { Services } from '../services.ts';
import { clientsForFirm } from './firm-clients.ts';
import { applyFound, collect } from './quadra-read.ts';
import { markUploaded, uploadDeposit } from './send.ts';
import { depositEntries } from '../db/repos/due-entries.ts';
import { text } from '../i18n/index.ts';

export type Settled = 'landed' | 'waiting' | 'imported' | 'redeposited' | 'nothing';

export async function settleUnconfirmed(s: Services, depositId: string, now: Date = s.now()): Promise<Settled> {
  const dep = await asService(s.db, (tx) => deposits.get(tx, depositId));
  if (dep?.status !== 'unconfirmed') return 'nothing';
  const kind = (await asService(s.db, (tx) => deposits.isResend(tx, dep))) ? 'resend' : 'send';
  const clients = await clientsForFirm(s, dep.firm_id);
  if (await clients.cfe.exists(dep.blob_name)) {
    await markUploaded(s, dep, kind, now, {
      etag: null,
      sizeBytes: null,
      detail: text('life.upload_landed'),
    });
    return 'landed';
  }
  const seen = await asService(s.db, (tx) => deposits.tryTransition(deposits.seenAbsent(tx, depositId, now)));
  if (seen === false) return 'nothing';
  const graceMs = s.config.IMPORT_GRACE_MINUTES * 60_000;
  if (now.getTime() < seen.absent_since!.getTime() + graceMs) return 'waiting';

  const ctx = await asService(s.db, async (tx) => ({
    file: (await getFile(tx, dep.file_id))!,
    entries: await depositEntries(tx, depositId, ['sent']),
  }));
  // A failed read throws: the next sweep tries again; nothing is decided without Quadra's answer.
  const results = ctx.entries.length ? await collect(s, clients, ctx.file, ctx.entries) : new Map();
  const anyFound = [...results.values()].some((r) => r.state !== 'missing');
  if (anyFound || ctx.entries.length === 0) {
    // Quadra took it: what it shows is posted; the rest is judged by the deposit's own check.
    await asService(s.db, async (tx) => {
      await applyFound(s, tx, ctx.file, results, now, null);
      await deposits.imported(tx, [depositId], now);
    });
    return 'imported';
  }
  const replacement = await asService(s.db, async (tx) => {
    if ((await deposits.tryTransition(deposits.replaced(tx, depositId))) === false) return undefined; // another run settled it
    await attempts.record(
      tx,
      { depositId },
      {
        kind: 'resend',
        outcome: 'replaced',
        at: now,
        errorCode: 'upload_not_arrived',
        detail: text('life.upload_never_arrived', { minutes: s.config.IMPORT_GRACE_MINUTES }),
      },
    );
    const id = crypto.randomUUID();
    const claimed = await deposits.claim(tx, {
      id,
      firmId: dep.firm_id,
      fileId: dep.file_id,
      blobName: depositBlobName(ctx.file.dossier_code, id),
      now,
      leaseSeconds: s.config.DEPOSIT_LEASE_SECONDS,
      entries: { ids: ctx.entries.map((e) => e.id) },
      replacesId: depositId,
    });
    return claimed?.id;
  });
  if (!replacement) return 'nothing';
  s.log.info({ depositId, replacement, entries: ctx.entries.length }, 'unconfirmed upload never arrived: deposited again');
  await uploadDeposit(s, replacement, { kind: 'resend', now, clients });
  return 'redeposited';
}
