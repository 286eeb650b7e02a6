import { runNightly, runNightlyAudit, sendAllPending, sweep } from '../pipeline/scheduled.ts';
import { sendFile } from '../pipeline/send.ts';
import { verifyDeposit } from '../pipeline/check.ts';
import { autoSendJob, nightlyJob, sendFileJob, sweepJob, verifyDepositJob } from './definitions.ts';
import { handle } from './registry.ts';

export const pipelineJobs = [
  handle(sendFileJob, ({ fileId }, s) => sendFile(s, fileId)),
  handle(verifyDepositJob, ({ depositId }, s) => verifyDeposit(s, depositId)),
  handle(autoSendJob, (_p, s) => sendAllPending(s)),
  handle(nightlyJob, async (_p, s) => { const now = s.now(); await runNightly(s, now); await runNightlyAudit(s, now); }),
  handle(sweepJob, (_p, s) => sweep(s)),
];
