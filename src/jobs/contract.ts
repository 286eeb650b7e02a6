// The jobs' contract, a leaf module: what a job is (name, payload schema, send policy) and what a
// tick reports. The pipeline enqueues through it and services.ts names it, so it imports nothing of
// the service's own: the handlers (which call the pipeline) stay in registry.ts and index.ts.
import type { z } from 'zod';

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

/** A schedule's slots fired by one tick, and the job sent for them. */
export interface FiredSlots {
  schedule: string;
  job: string;
  slots: string[];
  jobId: string | null;
}

/** Why a tick worker stopped: the one list, for the report's type and the routes' schema. */
export const WORK_STOPS = ['idle', 'budget', 'cpu', 'error', 'busy'] as const;

export interface QueueReport {
  completed: number;
  failed: number;
}

/** What one worker (the tick's own, or one POST /v1/jobs/work) did. */
export interface WorkReport {
  queues: Record<string, QueueReport>;
  /** Jobs run (completed or failed). */
  jobs: number;
  /**
   * `idle`: no job was due; `budget`: the wall budget ran out; `cpu`: the CPU budget did (work
   * perhaps left); `error`: the queue could not be read or written; `busy`: TICK_WORKERS workers
   * were already running (an earlier tick's), so this one ran nothing.
   */
  stoppedBy: (typeof WORK_STOPS)[number];
  /** CPU of this process (user + system) during the request, and the request's wall time. */
  cpuMs: number;
  wallMs: number;
}

export interface TickReport {
  slots: FiredSlots[];
  /** The tick's own worker. */
  queues: Record<string, QueueReport>;
  stoppedBy: WorkReport['stoppedBy'];
  ms: number;
  cpuMs: number;
  /** Every worker of this tick, its own first; a worker that could not be reached says why. */
  workers: Array<WorkReport | { error: string }>;
}
