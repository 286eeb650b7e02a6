/**
 * One simulator (with its own in-memory Azurite) per test file, reset to the fixture before each
 * test, plus clients pointed at it with test-friendly timings.
 *
 *   const sim = useSimulator();
 *   it('...', async () => { const cpa = sim.cpa(); await cpa.listDossiers(); sim.control.openDossier(...) });
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createCfeClient, type CfeClient, type CfeClientOptions } from '../../src/quadra/cfe-client.ts';
import { createCpaClient, type CpaClient, type CpaClientOptions } from '../../src/quadra/cpa-client.ts';
import { DEMO_FIRM, startSimulator, type RunningSimulator, type SimControl, type StartSimulatorOptions } from '../../src/sim/index.ts';

export interface UseSimulatorOptions extends StartSimulatorOptions {
  /** control.reset() before each test (fixture, no faults, empty containers). Default true. */
  resetBeforeEach?: boolean;
}

export interface SimRef {
  readonly running: RunningSimulator;
  readonly url: string;
  readonly cpaBaseUrl: string;
  readonly cfeBaseUrl: string;
  readonly control: SimControl;
  /** CPA client for the demo firm (or `overrides`), fast retries: 10 ms base, 10 s timeout. */
  cpa(overrides?: Partial<CpaClientOptions>): CpaClient;
  /** CFE client for the demo firm (or `overrides`), fast retries. */
  cfe(overrides?: Partial<CfeClientOptions>): CfeClient;
}

/** Timings that keep retry tests fast; a test can override any of them. */
// Generous per-request timeout: a loaded CI machine must not turn a slow answer into a retry.
export const FAST_RETRY = { timeoutMs: 10_000, maxAttempts: 4, retryBaseMs: 10, retryMaxMs: 50 } as const;

export function useSimulator(opts: UseSimulatorOptions = {}): SimRef {
  const { resetBeforeEach = true, ...startOpts } = opts;
  let running: RunningSimulator | undefined;

  beforeAll(async () => {
    running = await startSimulator(startOpts);
  }, 30_000);
  afterAll(async () => {
    await running?.stop();
  });
  if (resetBeforeEach) {
    beforeEach(async () => {
      await running?.control.reset();
    });
  }

  const get = (): RunningSimulator => {
    if (!running) throw new Error('simulator is not started yet (use it inside a test or hook)');
    return running;
  };

  return {
    get running() {
      return get();
    },
    get url() {
      return get().url;
    },
    get cpaBaseUrl() {
      return get().cpaBaseUrl;
    },
    get cfeBaseUrl() {
      return get().cfeBaseUrl;
    },
    get control() {
      return get().control;
    },
    cpa(overrides = {}) {
      return createCpaClient({
        baseUrl: get().cpaBaseUrl,
        apiKey: DEMO_FIRM.cpa.key,
        secret: DEMO_FIRM.cpa.secret,
        ...FAST_RETRY,
        ...overrides,
      });
    },
    cfe(overrides = {}) {
      return createCfeClient({
        baseUrl: get().cfeBaseUrl,
        sicCode: DEMO_FIRM.sic,
        apiKey: DEMO_FIRM.cfe.key,
        secret: DEMO_FIRM.cfe.secret,
        ...FAST_RETRY,
        ...overrides,
      });
    },
  };
}
