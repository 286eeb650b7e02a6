import type { z } from 'zod';
import type { Services } from '../services.ts';

/** How a job is sent: pg-boss options, the singleton key computed from the payload. */
export interface SendPolicy<P> {
  /** One live job per key (pg-boss `singletonKey`): e.g. one send per file at a time. */
  singletonKey?: (payload: P) => string;
  retryLimit: number;
  retryBackoff: boolean;
  retryDelaySeconds: number;
  /** How long a fetched job may run before pg-boss takes it back; longer than any tick's budget. */
  expireInSeconds: number;
}

/**
 * A job as callers know it: its queue name, the schema of its payload (ids, never data) and how it
 * is sent. Callers enqueue by this object (`s.jobs.send(verifyDepositJob, { depositId })`), so a
 * payload of the wrong shape is a type error, and a wrong one at run time is refused before it is stored.
 */
export interface JobDefinition<P = unknown> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
  readonly send: SendPolicy<P>;
}

export const DEFAULT_SEND: SendPolicy<never> = { retryLimit: 5, retryBackoff: true, retryDelaySeconds: 30, expireInSeconds: 15 * 60 };

export function defineJob<P>(def: { name: string; payload: z.ZodType<P>; send?: Partial<SendPolicy<P>> }): JobDefinition<P> {
  return { name: def.name, payload: def.payload, send: { ...DEFAULT_SEND, ...def.send } as SendPolicy<P> };
}

/** A definition with its handler: what the Node workers and the tick both run. */
export interface RegisteredJob<P = unknown> {
  readonly def: JobDefinition<P>;
  handler(payload: P, s: Services): Promise<unknown>;
}

/** Binds a handler to a definition; the payload type flows from the schema to the handler. */
export const handle = <P>(def: JobDefinition<P>, handler: (payload: P, s: Services) => Promise<unknown>): RegisteredJob =>
  ({ def, handler }) as unknown as RegisteredJob;

/** Runs one job's handler on a raw payload: validated against the definition's schema first. */
export async function runJob(job: RegisteredJob, data: unknown, s: Services): Promise<unknown> {
  const parsed = job.def.payload.safeParse(data ?? {});
  if (!parsed.success) {
    throw new Error(`job ${job.def.name}: invalid payload (${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')})`);
  }
  return job.handler(parsed.data, s);
}
