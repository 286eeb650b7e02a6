import type { Services } from '../services.ts';

/** A background job: a queue name and a handler that takes ids (never data) and the shared services. */
export interface JobDefinition<T extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  handler(data: T, s: Services): Promise<void>;
  /** Cron schedule (in SCHEDULE_TZ) for recurring jobs. */
  cron?: (s: Services) => string;
}

export const defineJob = <T extends Record<string, unknown>>(def: JobDefinition<T>) => def as unknown as JobDefinition;
