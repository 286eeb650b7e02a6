// Every job of the service, declared once: name, payload schema, send options. Callers (routes,
// pipeline) import these to enqueue; src/jobs/index.ts binds each to its handler. Kept free of
// pipeline imports so the pipeline can enqueue without an import cycle.
import { z } from 'zod';
import { defineJob } from './contract.ts';

const id = z.guid();
/** Scheduled runs carry the slot they fire for (ISO time), for the logs; the handler reads the clock. */
const scheduled = z.object({ slot: z.string().optional() });

/**
 * A user's "Synchronize": one file's pending entries become one deposit. The user lane: a queue of
 * its own that every worker and tick takes first, so a night's backlog never stands in front of it.
 */
export const sendFileJob = defineJob({
  name: 'send-file',
  payload: z.object({ fileId: id }),
  send: { singletonKey: (p) => p.fileId },
});

// The units the schedules fan out to (src/pipeline/fan-out.ts): one small job per file or deposit,
// each bounded so that one tick always finishes it, enqueued under an id derived from its slot and
// unit so that a slot fired twice enqueues nothing new.

/** The automatic send of one file (SEND_CRON). */
export const autoSendFileJob = defineJob({
  name: 'auto-send-file',
  payload: z.object({ fileId: id }),
  send: { singletonKey: (p) => p.fileId, retryLimit: 1 },
});

/** One file's night (verify, re-send what is missing, decide after the third), then its audit. */
export const nightFileJob = defineJob({
  name: 'night-file',
  payload: z.object({ fileId: id, night: z.boolean(), audit: z.boolean() }),
  // A unit that audits is its own: a sweep's night-only unit still waiting (the sweep also fires at
  // 02:00) must not stand in for the night's, which also owes the file its audit.
  send: { singletonKey: (p) => (p.audit ? `${p.fileId}:audit` : p.fileId), retryLimit: 2 },
});

export const SWEEP_KINDS = ['recover-deposit', 'settle-upload', 'recover-withdrawal', 'early-check'] as const;
/** One deposit the sweep found: a crashed preparation, an unconfirmed upload, a half-done withdrawal, an early check. */
export const sweepUnitJob = defineJob({
  name: 'sweep-unit',
  payload: z.object({ kind: z.enum(SWEEP_KINDS), depositId: id }),
  send: { singletonKey: (p) => `${p.kind}:${p.depositId}`, retryLimit: 0 },
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

/** The schedules' slot jobs: each only enqueues its units (set-based), nothing else. */
export const autoSendJob = defineJob({ name: 'auto-send', payload: scheduled, send: { retryLimit: 2 } });
/** Each night (Europe/Paris): verify, re-send what is missing, decide after the third night; then audit. */
export const nightlyJob = defineJob({ name: 'nightly-verification', payload: scheduled, send: { retryLimit: 2 } });
export const sweepJob = defineJob({ name: 'sweep', payload: scheduled, send: { retryLimit: 2 } });
/** Queues a reference-data run per connected firm. */
export const referenceNightlyJob = defineJob({ name: 'reference-nightly', payload: scheduled, send: { retryLimit: 2 } });
/**
 * Delivers the outbox's due events (src/pipeline/event-delivery.ts): each minute by the schedule,
 * and every WEBHOOK_POLL_SECONDS after a run (one job per poll slot, however many runs ask for it).
 */
export const deliverEventsJob = defineJob({ name: 'deliver-events', payload: scheduled, send: { retryLimit: 0, expireInSeconds: 5 * 60 } });
