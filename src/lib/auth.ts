import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT, errors, type JWTPayload } from 'jose';
import type { CodeWithStatus } from './error-codes.ts';
import { AppError, type ErrorText } from './errors.ts';
import { msg } from '../i18n/index.ts';

export interface AuthConfig {
  secret?: string;
  jwksUrl?: string;
  audience: string;
  issuer?: string;
  /** A Supabase project: tokens signed with its asymmetric keys are checked against its JWKS (/auth/v1/.well-known/jwks.json). */
  supabase?: { url: string; anonKey: string };
}
export interface UserClaims extends JWTPayload {
  sub: string;
  role?: string;
  email?: string;
}
export type TokenVerifier = (token: string) => Promise<UserClaims>;

const unauthorized = (code: CodeWithStatus<401>, message: ErrorText) => new AppError(code, message);
/** Supabase signs with these asymmetric algorithms (RS256 and ES256, the ones its own clients verify). */
const ASYMMETRIC = ['RS256', 'ES256'];

/** How many verified tokens are remembered; the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000;
/** How long a verified token is taken on trust before it is verified again (never past its exp). */
const VERIFIED_CACHE_MS = 60_000;

/**
 * Verifies Supabase-issued access tokens: HS256 with the project's shared secret; asymmetric keys
 * against the project's JWKS (fetched once, then cached by jose's remote key set, refetched for an
 * unknown key id) or, outside Supabase, a JWKS URL. jose alone: supabase-js, which did the same
 * through `auth.getClaims()`, weighed about 0.9 MB in the Edge Function for this one check.
 * Every token must carry `exp`; `alg: none`, other keys, another audience or issuer, a future `nbf`
 * are refused the same way whichever path checked the signature.
 *
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

function createUncachedVerifier(cfg: AuthConfig, clock: () => number): TokenVerifier {
  if (!cfg.jwksUrl && !cfg.secret && !cfg.supabase) throw new Error('auth: a JWT secret, a JWKS URL or a Supabase project is required');
  const secret = cfg.secret ? new TextEncoder().encode(cfg.secret) : undefined;
  const jwks = cfg.jwksUrl ? createRemoteJWKSet(new URL(cfg.jwksUrl)) : undefined;
  // The project's keys: the JWKS Supabase Auth publishes (what supabase-js's getClaims reads).
  const supabase = cfg.supabase
    ? createRemoteJWKSet(new URL(`${cfg.supabase.url.replace(/\/+$/, '')}/auth/v1/.well-known/jwks.json`))
    : undefined;

  const checkClaims = (payload: JWTPayload): UserClaims => {
    const now = Math.floor(clock() / 1000);
    if (typeof payload.exp !== 'number') throw unauthorized('invalid_token', msg('error.token_no_expiry'));
    if (payload.exp <= now) throw unauthorized('token_expired', msg('error.token_expired'));
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + 5))
      throw unauthorized('invalid_token', msg('error.token_not_valid_here', { claim: 'nbf' }));
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.includes(cfg.audience)) throw unauthorized('invalid_token', msg('error.token_not_valid_here', { claim: 'aud' }));
    if (cfg.issuer && payload.iss !== cfg.issuer) throw unauthorized('invalid_token', msg('error.token_not_valid_here', { claim: 'iss' }));
    if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub))
      throw unauthorized('invalid_token', msg('error.token_no_subject'));
    return payload as UserClaims;
  };

  return async (token) => {
    try {
      const alg = decodeProtectedHeader(token).alg;
      if (alg === 'HS256' && secret) {
        return checkClaims(
          (await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp'], currentDate: new Date(clock()) })).payload,
        );
      }
      if (alg && ASYMMETRIC.includes(alg) && supabase) {
        checkClaims(decodeJwt(token)); // claims first (cheap, and a clear "expired"); the signature next
        return checkClaims(
          (await jwtVerify(token, supabase, { algorithms: ASYMMETRIC, requiredClaims: ['exp'], currentDate: new Date(clock()) })).payload,
        );
      }
      if (alg && [...ASYMMETRIC, 'EdDSA'].includes(alg) && jwks) {
        return checkClaims(
          (await jwtVerify(token, jwks, { algorithms: [...ASYMMETRIC, 'EdDSA'], requiredClaims: ['exp'], currentDate: new Date(clock()) }))
            .payload,
        );
      }
      throw unauthorized('invalid_token', msg('error.token_invalid'));
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof errors.JWTExpired) throw unauthorized('token_expired', msg('error.token_expired'));
      if (err instanceof errors.JWTClaimValidationFailed)
        throw unauthorized('invalid_token', msg('error.token_not_valid_here', { claim: err.claim }));
      throw unauthorized('invalid_token', msg('error.token_invalid'));
    }
  };
}

/** The verifier's settings from the configuration (the Supabase project when its URL and anon key are set). */
export function authConfig(
  c: {
    JWT_JWKS_URL?: string | undefined;
    JWT_AUDIENCE: string;
    JWT_ISSUER?: string | undefined;
    SUPABASE_URL?: string | undefined;
    SUPABASE_ANON_KEY?: string | undefined;
  },
  secret: string | undefined,
): AuthConfig {
  return {
    audience: c.JWT_AUDIENCE,
    ...(secret ? { secret } : {}),
    ...(c.JWT_JWKS_URL ? { jwksUrl: c.JWT_JWKS_URL } : {}),
    ...(c.JWT_ISSUER ? { issuer: c.JWT_ISSUER } : {}),
    ...(c.SUPABASE_URL && c.SUPABASE_ANON_KEY ? { supabase: { url: c.SUPABASE_URL, anonKey: c.SUPABASE_ANON_KEY } } : {}),
  };
}

/** A development token, shaped like Supabase's: sub, role authenticated, aud authenticated. */
export async function mintToken(opts: {
  secret: string;
  sub: string;
  email?: string;
  expiresIn?: string;
  audience?: string;
}): Promise<string> {
  return new SignJWT({ role: 'authenticated', ...(opts.email ? { email: opts.email } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.sub)
    .setAudience(opts.audience ?? 'authenticated')
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(opts.secret));
}
