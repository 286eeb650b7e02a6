import { fanOutAutoSend, fanOutNight, fanOutSweep, runNightUnit, runSweepUnit } from '../pipeline/fan-out.ts';
import { sendFile } from '../pipeline/send.ts';
import { verifyDeposit } from '../pipeline/check.ts';
import {
  autoSendFileJob,
  autoSendJob,
  nightFileJob,
  nightlyJob,
  sendFileJob,
  sweepJob,
  sweepUnitJob,
  verifyDepositJob,
} from './definitions.ts';
import { handle } from './registry.ts';

// A slot job's units are named by its slot (ticks) or, scheduled by pg-boss without one, by its own id.
export const pipelineJobs = [
  handle(sendFileJob, ({ fileId }, s) => sendFile(s, fileId)),
  handle(verifyDepositJob, ({ depositId }, s) => verifyDeposit(s, depositId)),
  handle(autoSendFileJob, ({ fileId }, s) => sendFile(s, fileId)),
  handle(nightFileJob, (p, s) => runNightUnit(s, p)),
  handle(sweepUnitJob, (p, s) => runSweepUnit(s, p)),
  handle(autoSendJob, (p, s, job) => fanOutAutoSend(s, p.slot ?? job.id)),
  handle(nightlyJob, (p, s, job) => fanOutNight(s, p.slot ?? job.id)),
  handle(sweepJob, (p, s, job) => fanOutSweep(s, p.slot ?? job.id)),
];
