// Reference data jobs: one sync run per job (payload: the run id), and the nightly schedule that
// queues a run per connected firm.
import { REFERENCE_SYNC_JOB, runReferenceSync, scheduleNightlyReferenceSyncs } from '../pipeline/reference-sync.ts';
import { defineJob } from './registry.ts';

export const referenceSyncJob = defineJob<{ runId: string }>({
  name: REFERENCE_SYNC_JOB,
  handler: (data, s) => runReferenceSync(s, data.runId),
});

export const referenceNightlyJob = defineJob({
  name: 'reference-nightly',
  cron: (s) => s.config.REFERENCE_CRON,
  handler: async (_data, s) => { await scheduleNightlyReferenceSyncs(s); },
});

export const referenceJobs = [referenceSyncJob, referenceNightlyJob];
