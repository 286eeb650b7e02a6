import { createRemoteJWKSet, jwtVerify, SignJWT, errors, type JWTPayload } from 'jose';
import { AppError } from './errors.ts';

export interface AuthConfig { secret?: string; jwksUrl?: string; audience: string; issuer?: string }
export interface UserClaims extends JWTPayload { sub: string; role?: string; email?: string }
export type TokenVerifier = (token: string) => Promise<UserClaims>;

const unauthorized = (code: string, message: string) => new AppError(401, code, message);

/** How many verified tokens are remembered; the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000;
/** How long a verified token is taken on trust before it is verified again (never past its exp). */
const VERIFIED_CACHE_MS = 60_000;

/**
 * Verifies Supabase-issued access tokens: HS256 with the project's secret, or keys from its JWKS.
 * A frontend polls with the same token for up to an hour, and a signature check (WebCrypto, async)
 * was a large share of a read's CPU time: a token that verified is remembered — exactly that token
 * string, at most a minute and never past its expiry — so repeated requests skip the check. Only
 * successes are remembered; a token that fails is checked (and refused) every time.
 */
export function createTokenVerifier(cfg: AuthConfig, now: () => number = Date.now): TokenVerifier {
  const verify = createUncachedVerifier(cfg, now);
  const verified = new Map<string, { claims: UserClaims; until: number }>();
  return async (token) => {
    const t = now();
    const hit = verified.get(token);
    if (hit && t < hit.until) return hit.claims;
    if (hit) verified.delete(token);
    const claims = Object.freeze(await verify(token)) as UserClaims;
    const until = Math.min(t + VERIFIED_CACHE_MS, typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity);
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, until });
    return claims;
  };
}

function createUncachedVerifier(cfg: AuthConfig, now: () => number): TokenVerifier {
  const key = cfg.jwksUrl
    ? createRemoteJWKSet(new URL(cfg.jwksUrl))
    : new TextEncoder().encode(cfg.secret ?? '');
  if (!cfg.jwksUrl && !cfg.secret) throw new Error('auth: a JWT secret or a JWKS URL is required');
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        audience: cfg.audience,
        currentDate: new Date(now()),
        ...(cfg.issuer ? { issuer: cfg.issuer } : {}),
        algorithms: cfg.jwksUrl ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
      });
      if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub)) {
        throw unauthorized('invalid_token', 'The token has no valid subject');
      }
      return payload as UserClaims;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw unauthorized('token_expired', 'The access token has expired');
      if (err instanceof errors.JWTClaimValidationFailed) throw unauthorized('invalid_token', `The access token is not valid here (${err.claim})`);
      throw unauthorized('invalid_token', 'The access token is invalid');
    }
  };
}

/** A development token, shaped like Supabase's: sub, role authenticated, aud authenticated. */
export async function mintToken(opts: { secret: string; sub: string; email?: string; expiresIn?: string; audience?: string }): Promise<string> {
  return new SignJWT({ role: 'authenticated', ...(opts.email ? { email: opts.email } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.sub)
    .setAudience(opts.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret));
}
