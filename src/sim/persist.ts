// The simulator's Quadra, kept on disk when it runs embedded under `npm start`: after a restart
// the dossiers still hold what they imported (their blobs live in Azurite's own --location).
// The state is plain data with Maps; it is written after each request that may have changed it
// (debounced) and once more on stop, atomically (write then rename).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SimState } from './state.ts';

const replacer = (_k: string, v: unknown) => (v instanceof Map ? { $map: [...v.entries()] } : v);
const reviver = (_k: string, v: unknown) =>
  v && typeof v === 'object' && '$map' in v && Array.isArray((v as { $map: unknown }).$map)
    ? new Map((v as { $map: Array<[unknown, unknown]> }).$map)
    : v;

interface Snapshot {
  version: 1;
  firms: SimState['firms'];
  lineSeq: number;
}
// lineSeq numbers the lines Quadra imports; private to the state, so reached past its type here.
type WithSeq = { lineSeq: number };

export function saveSimState(state: SimState, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const snapshot: Snapshot = { version: 1, firms: state.firms, lineSeq: (state as unknown as WithSeq).lineSeq };
  writeFileSync(`${file}.tmp`, JSON.stringify(snapshot, replacer));
  renameSync(`${file}.tmp`, file);
}

/** Restores a saved state; false when there is none (the caller then starts from the fixture). */
export function loadSimState(state: SimState, file: string): boolean {
  if (!existsSync(file)) return false;
  const snapshot = JSON.parse(readFileSync(file, 'utf8'), reviver) as Snapshot;
  if (snapshot.version !== 1) return false;
  state.firms = snapshot.firms;
  (state as unknown as WithSeq).lineSeq = snapshot.lineSeq;
  return true;
}

/** Saves at most every `delayMs` after changes, and on demand. */
export function debouncedSaver(state: SimState, file: string, delayMs = 250) {
  let timer: NodeJS.Timeout | undefined;
  return {
    touch() {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        saveSimState(state, file);
      }, delayMs);
      timer.unref();
    },
    flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      saveSimState(state, file);
    },
  };
}
