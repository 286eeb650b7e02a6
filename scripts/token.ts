// `npm run token [-- <user-uuid>] [--expires 12h]`: a development access token shaped like
// Supabase's (sub, role and aud "authenticated"), signed with JWT_SECRET or the local dev secret.
import { loadConfig } from '../src/config.ts';
import { mintToken } from '../src/lib/auth.ts';
import { devSecret } from '../src/lib/dev-secrets.ts';

const args = process.argv.slice(2);
const expiresAt = args.indexOf('--expires');
const expiresIn = expiresAt >= 0 ? (args[expiresAt + 1] ?? '12h') : '12h';
const sub = args.find((a, i) => /^[0-9a-f-]{36}$/i.test(a) && args[i - 1] !== '--expires') ?? '00000000-0000-4000-8000-000000000001';
const config = loadConfig();
if (config.JWT_JWKS_URL && !config.JWT_SECRET) {
  console.error('This service verifies tokens with a JWKS: get a token from your Supabase project instead.');
  process.exit(1);
}
console.log(
  await mintToken({ secret: config.JWT_SECRET ?? devSecret(config.DATA_DIR, 'jwt.secret'), sub, expiresIn, audience: config.JWT_AUDIENCE }),
);
