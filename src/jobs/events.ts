// Outgoing events: the dispatcher as a job. Each run delivers what is due (bounded by
// WEBHOOK_DISPATCH_BUDGET_MS), then queues the next run at its poll slot: the job's id is the
// slot's, so however many runs end in one slot, one run follows. The minute schedule restarts the
// chain should it ever break (a crash between the run and its follow-up).
import { deliverDueEvents, nextDispatchSlot } from '../pipeline/event-delivery.ts';
import { deliverEventsJob } from './definitions.ts';
import { handle } from './registry.ts';

export const eventJobs = [
  handle(deliverEventsJob, async (_p, s) => {
    const report = await deliverDueEvents(s);
    const next = await nextDispatchSlot(s);
    await s.jobs.send(deliverEventsJob, {}, { startAfter: next.at, id: next.id });
    return report;
  }),
];
