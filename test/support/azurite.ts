/**
 * One in-memory Azurite per test file: `const az = useAzurite();` then `az.handle` inside tests.
 */
import { afterAll, beforeAll } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../src/sim/azurite.ts';

export interface AzuriteRef {
  /** Throws if used outside the file's tests (before beforeAll ran). */
  readonly handle: AzuriteHandle;
}

export function useAzurite(): AzuriteRef {
  let handle: AzuriteHandle | undefined;
  beforeAll(async () => {
    handle = await startAzurite();
  }, 30_000);
  afterAll(async () => {
    await handle?.stop();
  });
  return {
    get handle() {
      if (!handle) throw new Error('Azurite is not started yet (use it inside a test or hook)');
      return handle;
    },
  };
}
