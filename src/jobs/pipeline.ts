import { runNightly, runNightlyAudit, sendAllPending, sweep } from '../pipeline/scheduled.ts';
import { sendFile } from '../pipeline/send.ts';
import { verifyDeposit } from '../pipeline/check.ts';
import { defineJob } from './registry.ts';

/** "Synchronize" and the automatic sends: one file's pending entries become one deposit. */
export const sendFileJob = defineJob<{ fileId: string }>({
  name: 'send-file',
  handler: async ({ fileId }, s) => { await sendFile(s, fileId); },
});

/** The contractual check, 12 hours after a send (enqueued with startAfter by the send). */
export const verifyDepositJob = defineJob<{ depositId: string }>({
  name: 'verify-deposit',
  handler: async ({ depositId }, s) => { await verifyDeposit(s, depositId); },
});

export const autoSendJob = defineJob({
  name: 'auto-send',
  cron: (s) => s.config.SEND_CRON,
  handler: async (_data, s) => { await sendAllPending(s); },
});

/** Each night (Europe/Paris): verify, re-send what is missing, decide after the third night; then audit the week's posted entries. */
export const nightlyJob = defineJob({
  name: 'nightly-verification',
  cron: (s) => s.config.NIGHTLY_CRON,
  handler: async (_data, s) => { const now = s.now(); await runNightly(s, now); await runNightlyAudit(s, now); },
});

export const sweepJob = defineJob({
  name: 'sweep',
  cron: (s) => s.config.SWEEP_CRON,
  handler: async (_data, s) => { await sweep(s); },
});

export const pipelineJobs = [sendFileJob, verifyDepositJob, autoSendJob, nightlyJob, sweepJob];
