import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Real-world Quadra lines written by others (data only; provenance in the folder's README). */
export const SAMPLES_DIR = path.resolve(process.cwd(), 'test/fixtures/quadra-samples');
export const FIXTURES_DIR = path.resolve(process.cwd(), 'test/fixtures/ascii');

export function sampleBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(SAMPLES_DIR, name)));
}

export function sampleJson<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(SAMPLES_DIR, name), 'utf8')) as T;
}

export function sampleExists(name: string): boolean {
  return existsSync(path.join(SAMPLES_DIR, name));
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURES_DIR, name)));
}

/** Test-side DDMMYY -> ISO with the 1970..2069 window, kept apart from the reader's own. */
export function isoFromDdmmyy(ddmmyy: string): string {
  const yy = Number(ddmmyy.slice(4, 6));
  return `${yy < 70 ? 2000 + yy : 1900 + yy}-${ddmmyy.slice(2, 4)}-${ddmmyy.slice(0, 2)}`;
}

export function latin(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
