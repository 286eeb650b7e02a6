import type { Services } from '../services.ts';
import type { JobDefinition } from './contract.ts';

export { DEFAULT_SEND, defineJob, type JobDefinition, type SendPolicy } from './contract.ts';

/** A definition with its handler: what the Node workers and the tick both run. */
export interface RegisteredJob<P = unknown> {
  readonly def: JobDefinition<P>;
  handler(payload: P, s: Services, job: JobMeta): Promise<unknown>;
}

/** What a handler knows of the job it runs: its id (a slot job without a slot seeds its units' ids with it). */
export interface JobMeta {
  id: string;
}

/** Binds a handler to a definition; the payload type flows from the schema to the handler. */
export const handle = <P>(def: JobDefinition<P>, handler: (payload: P, s: Services, job: JobMeta) => Promise<unknown>): RegisteredJob =>
  ({ def, handler }) as unknown as RegisteredJob;

/** Runs one job's handler on a raw payload: validated against the definition's schema first. */
export async function runJob(
  job: RegisteredJob,
  data: unknown,
  s: Services,
  meta: JobMeta = { id: crypto.randomUUID() },
): Promise<unknown> {
  const parsed = job.def.payload.safeParse(data ?? {});
  if (!parsed.success) {
    throw new Error(
      `job ${job.def.name}: invalid payload (${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')})`,
    );
  }
  return job.handler(parsed.data, s, meta);
}
