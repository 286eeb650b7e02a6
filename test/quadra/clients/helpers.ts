import { expect } from 'vitest';
import { CegidError } from '../../../src/quadra/errors.ts';
import { DEMO_FIRM, NO_CONTAINER_FIRM, NO_PORTAL_FIRM } from '../../../src/sim/index.ts';

/** Every credential the fixture knows, plus markers of tokens and SAS signatures. */
export const SECRET_STRINGS = [DEMO_FIRM, NO_CONTAINER_FIRM, NO_PORTAL_FIRM].flatMap((f) => [
  f.cpa.key,
  f.cpa.secret,
  f.cfe.key,
  f.cfe.secret,
]);
const SECRET_MARKERS = ['sim_cpa_', 'sim_cfe_', 'sig=', 'client_secret=', 'Bearer '];

/** Awaits a rejection, checks it is a CegidError that leaks nothing, returns it. */
export async function cegidFailure(p: Promise<unknown>, extraSecrets: string[] = []): Promise<CegidError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a rejection').toBeInstanceOf(CegidError);
  const err = caught as CegidError;
  expectNoSecrets(err, extraSecrets);
  return err;
}

export function expectNoSecrets(err: CegidError, extraSecrets: string[] = []): void {
  const surfaces = [err.message, err.remedy, JSON.stringify(err), JSON.stringify(err.toUserError()), String(err), err.stack ?? ''];
  for (const s of surfaces) {
    for (const secret of [...SECRET_STRINGS, ...extraSecrets]) expect(s, `leaks ${secret}`).not.toContain(secret);
    for (const marker of SECRET_MARKERS) expect(s, `leaks ${marker}`).not.toContain(marker);
  }
}
