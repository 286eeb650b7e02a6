// The Prometheus side of GET /metrics, built with prom-client: the database gauges of one scrape
// (src/db/repos/metrics.ts) in a registry of their own, and the Node process's own counters and
// histograms (ProcessMetrics). Loaded by the metrics route on its first scrape, so that an Edge
// Function instance that is never scraped never loads prom-client. Metric names and labels are
// listed, with what a bad value means, in docs/operations.md.
import { prometheus } from '@hono/prometheus';
import type { MiddlewareHandler } from 'hono';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationalGauges } from '../db/repos/metrics.ts';
import { listen } from './meter.ts';

export const PREFIX = 'quadra_sync_';

/** The process's own metrics: HTTP requests by route pattern and status, Cegid calls, deposits made. */
export interface ProcessMetrics {
  registry: Registry;
  /** The HTTP middleware (@hono/prometheus): labels are the matched route's pattern, never the raw path. */
  http: MiddlewareHandler;
  /** Stops listening to the meter (tests). */
  stop(): void;
}

export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  const { registerMetrics } = prometheus({ registry, prefix: PREFIX });
  const labelNames = ['service', 'operation', 'outcome'] as const;
  const calls = new Counter({
    name: `${PREFIX}cegid_calls_total`,
    help: 'Calls to Cegid (each attempt) by service, operation and outcome, since this process started',
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: `${PREFIX}cegid_call_duration_seconds`,
    help: "Time to Cegid's answer (headers) by service, operation and outcome",
    labelNames,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const deposits = new Counter({
    name: `${PREFIX}deposits_made_total`,
    help: 'Deposits this process put in a CFE container, by kind (send, resend)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const stop = listen({
    cegidCall(c) {
      const labels = { service: c.service, operation: c.operation, outcome: c.outcome };
      calls.inc(labels);
      latency.observe(labels, c.seconds);
    },
    depositMade(kind) {
      deposits.inc({ kind });
    },
  });
  return { registry, http: registerMetrics, stop };
}

/** The scrape's text: the database gauges, then the process's own metrics when this process keeps any. */
export async function renderMetrics(g: OperationalGauges, process?: ProcessMetrics): Promise<{ contentType: string; body: string }> {
  const reg = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name: `${PREFIX}${name}`, help, labelNames, registers: [reg] });

  const entries = gauge('entries', 'Entries per status, every firm', ['status']);
  for (const [status, v] of Object.entries(g.entries)) entries.set({ status }, v);
  const oldest = gauge(
    'entry_oldest_waiting_seconds',
    'Age of the oldest entry waiting in each status (pending: since pushed; sent: since sent; failed_check: since its last change)',
    ['status'],
  );
  for (const [status, v] of Object.entries(g.entryOldestSeconds)) oldest.set({ status }, v);
  const deposits = gauge('deposits', 'Deposits per state, every firm', ['state']);
  for (const [state, v] of Object.entries(g.deposits)) deposits.set({ state }, v);
  gauge('files_waiting_open', 'Files whose deposits wait in the container for their dossier to be opened in Quadra').set(
    g.filesWaitingOpen,
  );
  gauge('file_waiting_open_oldest_seconds', 'How long the file waiting longest for its dossier to be opened has waited').set(
    g.fileWaitingOpenOldestSeconds,
  );
  const jobs = gauge('jobs', 'pg-boss jobs per queue and state (live states)', ['queue', 'state']);
  const due = gauge('job_oldest_due_seconds', 'Age of the oldest job due and not yet taken, per queue', ['queue']);
  for (const q of g.jobs) {
    for (const [state, v] of Object.entries(q.counts)) jobs.set({ queue: q.queue, state }, v);
    due.set({ queue: q.queue }, q.oldestDueSeconds);
  }
  const deliveries = gauge(
    'webhook_deliveries',
    'Webhook deliveries not yet delivered: pending, and failing (pending after a failed attempt)',
    ['state'],
  );
  deliveries.set({ state: 'pending' }, g.webhookDeliveriesPending);
  deliveries.set({ state: 'failing' }, g.webhookDeliveriesFailing);
  gauge('webhook_oldest_pending_seconds', 'Age of the oldest webhook delivery still pending').set(g.webhookOldestPendingSeconds);
  const endpoints = gauge('webhook_endpoints', 'Webhook endpoints disabled, and enabled but failing', ['state']);
  endpoints.set({ state: 'disabled' }, g.webhookEndpointsDisabled);
  endpoints.set({ state: 'failing' }, g.webhookEndpointsFailing);
  gauge('cegid_paused_firms', 'Firms whose Cegid calls are paused (Cegid answered 429)').set(g.cegidPausedFirms);
  const paused = gauge('cegid_firm_paused_seconds', 'Seconds of pause left, per paused firm: the 20 longest pauses at most', ['firm_id']);
  for (const f of g.cegidPausedFirmList) paused.set({ firm_id: f.firmId }, f.seconds);

  const merged = process ? Registry.merge([reg, process.registry]) : reg;
  return { contentType: merged.contentType, body: await merged.metrics() };
}
