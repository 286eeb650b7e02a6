import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomKeySpec } from './secret-box.ts';

/**
 * Outside production, a missing JWT secret or encryption key is generated once and kept in the
 * data directory (mode 600), so a fresh clone runs with no set-up and no secret in the repository.
 */
export function devSecret(dataDir: string, name: 'jwt.secret' | 'secrets.keys'): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value =
    name === 'jwt.secret' ? Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64url') : randomKeySpec('dev1');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
