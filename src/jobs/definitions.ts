// Every job of the service, declared once: name, payload schema, send options. Callers (routes,
// pipeline) import these to enqueue; src/jobs/index.ts binds each to its handler. Kept free of
// pipeline imports so the pipeline can enqueue without an import cycle.
import { z } from 'zod';
import { defineJob } from './contract.ts';

const id = z.guid();
/** Scheduled runs carry the slot they fire for (ISO time), for the logs; the handler reads the clock. */
const scheduled = z.object({ slot: z.string().optional() });

/** "Synchronize" and the automatic sends: one file's pending entries become one deposit. */
export const sendFileJob = defineJob({
  name: 'send-file',
  payload: z.object({ fileId: id }),
  send: { singletonKey: (p) => p.fileId },
});

/** The contractual check, 12 hours after a send (sent with startAfter by the send). */
export const verifyDepositJob = defineJob({
  name: 'verify-deposit',
  payload: z.object({ depositId: id }),
  send: { singletonKey: (p) => p.depositId },
});

/** One reference-data refresh run (the run row exists; the payload names it). */
export const referenceSyncJob = defineJob({
  name: 'reference-sync',
  payload: z.object({ runId: z.string() }),
});

export const autoSendJob = defineJob({ name: 'auto-send', payload: scheduled, send: { retryLimit: 0 } });
/** Each night (Europe/Paris): verify, re-send what is missing, decide after the third night; then audit. */
export const nightlyJob = defineJob({ name: 'nightly-verification', payload: scheduled, send: { retryLimit: 2 } });
export const sweepJob = defineJob({ name: 'sweep', payload: scheduled, send: { retryLimit: 0 } });
/** Queues a reference-data run per connected firm. */
export const referenceNightlyJob = defineJob({ name: 'reference-nightly', payload: scheduled, send: { retryLimit: 2 } });
/**
 * Delivers the outbox's due events (src/pipeline/event-delivery.ts): each minute by the schedule,
 * and every WEBHOOK_POLL_SECONDS after a run (one job per poll slot, however many runs ask for it).
 */
export const deliverEventsJob = defineJob({ name: 'deliver-events', payload: scheduled, send: { retryLimit: 0, expireInSeconds: 5 * 60 } });
