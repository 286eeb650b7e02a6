/**
 * startSimulator(): Azurite (given or own) + the simulated Cegid APIs on one loopback port.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { startAzurite, type AzuriteHandle } from './azurite.ts';
import { createSimApp } from './app.ts';
import { startBlobProxy, type BlobProxy } from './blob-proxy.ts';
import { createSimControl, type SimControl } from './control.ts';
import { defaultFixture, type SimFixture } from './fixture.ts';
import { debouncedSaver, loadSimState } from './persist.ts';
import { SimState } from './state.ts';

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface StartSimulatorOptions {
  /** 0 or undefined = a random free port. */
  port?: number;
  /** Reuse this Azurite (not stopped by stop()); otherwise one is started and stopped with us. */
  azurite?: AzuriteHandle;
  /** Default: defaultFixture(now), re-derived on reset(). */
  fixture?: SimFixture | ((now: Date) => SimFixture);
  /** Delay between import and visibility through CPA. Default 0. */
  importDelayMs?: number;
  /** Token lifetime. Default 36000 s (10 h, like Quadra On Demand). */
  tokenTtlSec?: number;
  /** Prefix of container names, to share one Azurite between simulators. Default ''. */
  containerPrefix?: string;
  /** Log method, path, status per request (never headers/bodies). Default false. */
  log?: boolean;
  /**
   * Keep Quadra's state (simulator.json) and Azurite's blobs (azurite/) in this folder, so a
   * restart finds what was imported. Default: in memory, fresh from the fixture.
   */
  dataDir?: string;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  /** `${url}/cpa` */
  cpaBaseUrl: string;
  /** `${url}/cfe` */
  cfeBaseUrl: string;
  azurite: AzuriteHandle;
  control: SimControl;
  /** The blob endpoint the SAS URLs point to (faults on uploads). */
  blobs: BlobProxy;
  stop(): Promise<void>;
}

export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const ownAzurite = !opts.azurite;
  const azurite = opts.azurite ?? (await startAzurite(opts.dataDir ? { location: mkdirp(join(opts.dataDir, 'azurite')) } : {}));
  try {
    const state = new SimState({
      azurite,
      fixture: opts.fixture ?? defaultFixture,
      importDelayMs: opts.importDelayMs ?? 0,
      containerPrefix: opts.containerPrefix ?? '',
      tokenTtlSec: opts.tokenTtlSec ?? 36_000,
    });
    // Uploads and removals go through a proxy that can lose their answers; "open on landing" (and
    // "open first" on a removal) opens the dossier the blob is under (`{container}/{dossier}/{deposit}.zip`).
    const openDossierOf = async (path: string) => {
      const [, , container, dossier] = path.split('/');
      const firm = [...state.firms.values()].find((f) => f.container === container);
      if (firm && dossier) await state.openDossier(firm.sic, dossier);
    };
    const blobs = await startBlobProxy({ target: azurite.blobEndpoint, onLanded: openDossierOf, onRemoval: openDossierOf });
    state.blobEndpoint = blobs.url;
    state.onReset = async () => {
      blobs.clear();
      await blobs.release({ drop: true });
    };
    const stateFile = opts.dataDir ? join(opts.dataDir, 'simulator.json') : undefined;
    if (!stateFile || !loadSimState(state, stateFile)) await state.reset();
    const saver = stateFile ? debouncedSaver(state, stateFile) : undefined;
    const control = createSimControl(state, blobs);
    const app = createSimApp({ state, control, log: opts.log ?? false });
    // Any request (a deposit's import, a control call) may change the state: save after it.
    const fetch = saver
      ? async (req: Request) => {
          try {
            return await app.fetch(req);
          } finally {
            saver.touch();
          }
        }
      : app.fetch;

    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch, port: opts.port ?? 0, hostname: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    const port = (server.address() as AddressInfo).port;
    const url = `http://127.0.0.1:${port}`;

    return {
      url,
      cpaBaseUrl: `${url}/cpa`,
      cfeBaseUrl: `${url}/cfe`,
      azurite,
      control,
      blobs,
      async stop() {
        await blobs.stop();
        // Requests parked by a latency fault would otherwise hold close() open.
        const s = server as unknown as { closeAllConnections?: () => void };
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        s.closeAllConnections?.();
        await closed;
        saver?.flush();
        if (ownAzurite) await azurite.stop();
      },
    };
  } catch (e) {
    if (ownAzurite) await azurite.stop();
    throw e;
  }
}
