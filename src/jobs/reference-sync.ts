// Reference data jobs: one sync run per job (payload: the run id), and the nightly schedule that
// queues a run per connected firm.
import { runReferenceSync, scheduleNightlyReferenceSyncs } from '../pipeline/reference-sync.ts';
import { referenceNightlyJob, referenceSyncJob } from './definitions.ts';
import { handle } from './registry.ts';

export const referenceJobs = [
  handle(referenceSyncJob, ({ runId }, s) => runReferenceSync(s, runId)),
  handle(referenceNightlyJob, (_p, s) => scheduleNightlyReferenceSyncs(s)),
];
