// Connecting a firm to Cegid: its keys checked live, the SIC code claimed (or released), the keys
// stored with the outcome, and a reference sync queued when they pass. The route only validates
// and shapes the answer (src/routes/connection.ts).
import { getConnection, saveConnection, type ConnectionView, type KeyPair } from '../db/repos/connections.ts';
import { claimSicCode, getMyFirm, releaseSicCode } from '../db/repos/firms.ts';
import { createSyncRun } from '../db/repos/reference.ts';
import { asService, asUser } from '../db/scoped.ts';
import type { UserClaims } from '../lib/auth.ts';
import { AppError, conflict, forbidden, notFound } from '../lib/errors.ts';
import { logError } from '../lib/log-error.ts';
import type { Logger } from '../lib/logger.ts';
import { checkCegidKeys } from '../quadra/connection-check.ts';
import type { Services } from '../services.ts';
import { enqueueReferenceSync } from './reference-sync.ts';
import { msg, text } from '../i18n/index.ts';

export const CEGID_UNAVAILABLE_MESSAGE = text('error.cegid_unavailable');

// Said only to an admin whose keys Cegid has just accepted for this SIC code, i.e. to the firm
// itself: it learns no more than that its own code is already connected. Nothing is saved.
export const SIC_ALREADY_CONNECTED_MESSAGE = (sic: string) => text('error.sic_already_connected', { sic });

/** Postgres's unique_violation: here, another firm's claim on the SIC code. */
const UNIQUE_VIOLATION = '23505';

/**
 * Checks the keys live and saves them with the outcome (admins only). Cegid slow or unavailable:
 * 503 `cegid_unavailable`, nothing changed. Keys Cegid accepts claim the firm's SIC code; another
 * registration's claim on it is 409 `sic_code_already_connected`, nothing saved.
 */
export async function connectFirm(
  s: Services,
  user: UserClaims,
  firmId: string,
  keys: { cpa: KeyPair; cfe: KeyPair },
  log: Logger,
): Promise<ConnectionView> {
  const firm = await asUser(s.db, user, (tx) => getMyFirm(tx, user.sub, firmId));
  if (!firm) throw notFound('Firm');
  if (firm.role !== 'admin') throw forbidden(msg('error.connection_admin_only'));

  // Live checks outside any transaction: a slow Cegid must not hold a database connection.
  const results = await checkCegidKeys(s.cegid, { sicCode: firm.sic_code, cpa: keys.cpa, cfe: keys.cfe });
  const checks = results.map(({ transient: _t, ...check }) => check);
  log.info({ firmId, checks: checks.map(({ name, ok, code }) => ({ name, ok, code })) }, 'cegid keys checked');
  if (results.some((r) => r.transient)) throw new AppError('cegid_unavailable', msg('error.cegid_unavailable'), { checks });

  const status = checks.every((x) => x.ok) ? 'connected' : 'failed';
  const now = s.now();
  // Keys Cegid accepts prove the SIC code: the firm claims it, unless another firm proved it
  // first. Keys it refuses release any claim. Both as the service: users never set a claim.
  await asService(s.db, async (tx) => {
    if (status === 'failed') return releaseSicCode(tx, firmId);
    try {
      await claimSicCode(tx, firmId, now);
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      throw conflict('sic_code_already_connected', msg('error.sic_already_connected', { sic: firm.sic_code }));
    }
  });
  const saved = await asUser(s.db, user, async (tx) => {
    const view = await saveConnection(tx, s.secrets, { firmId, cpa: keys.cpa, cfe: keys.cfe, status, checks, checkedAt: now });
    const runId = status === 'connected' ? await createSyncRun(tx, firmId, 'connection', now) : undefined;
    return { view, runId };
  });
  if (saved.runId) {
    // The keys are saved either way; a refresh that could not be queued shows as a failed run and
    // the nightly refresh catches up.
    await enqueueReferenceSync(s, saved.runId).catch((err: unknown) =>
      log.error({ err: logError(err), runId: saved.runId }, 'reference sync not queued'),
    );
  }
  return saved.view;
}

/** The firm's connection as last checked, for a member of the firm (404 otherwise, or when none yet). */
export async function firmConnection(s: Services, user: UserClaims, firmId: string): Promise<ConnectionView> {
  const view = await asUser(s.db, user, async (tx) => {
    if (!(await getMyFirm(tx, user.sub, firmId))) throw notFound('Firm');
    return getConnection(tx, firmId);
  });
  if (!view) throw new AppError('not_found', msg('error.no_connection_yet'));
  return view;
}
