// What GET /metrics reports from the database: the state of the work across every firm, read in
// one statement, so that every Node replica and every function instance answers the same figures
// (in-process counters would show one instance's share). Set-based: each part is one aggregate.
// Read as service_role (readAsService): row-level security lets it see every firm. pg-boss's jobs
// come through private.job_gauges() (migration 20261207000300_metrics_gauges.sql), which reads
// pg-boss's own tables for it and answers nothing before pg-boss has made them. Ages are in
// database time (now()), the clock every replica shares.
import type { Database } from '../database.ts';
import { readAsService } from '../scoped.ts';

/** Firms listed one by one in the paused gauge at most: the rest are counted only (docs/operations.md). */
export const PAUSED_FIRMS_LISTED = 20;

export interface OperationalGauges {
  /** Entries per status, every status present (0 when none). */
  entries: Record<string, number>;
  /** Seconds since the oldest entry of each waiting status began to wait (0 when none waits). */
  entryOldestSeconds: Record<string, number>;
  /** Deposits per state, every state present. */
  deposits: Record<string, number>;
  filesWaitingOpen: number;
  fileWaitingOpenOldestSeconds: number;
  /** Per pg-boss queue: jobs per live state (created, retry, active, failed), and the age of the oldest job due and not yet taken; none before pg-boss made its schema. */
  jobs: Array<{ queue: string; counts: Record<string, number>; oldestDueSeconds: number }>;
  webhookDeliveriesPending: number;
  /** Pending deliveries whose last attempt failed (they wait for a retry). */
  webhookDeliveriesFailing: number;
  webhookOldestPendingSeconds: number;
  webhookEndpointsDisabled: number;
  /** Enabled endpoints whose every attempt failed since some time. */
  webhookEndpointsFailing: number;
  cegidPausedFirms: number;
  /** At most PAUSED_FIRMS_LISTED firms, longest pause first: seconds left. */
  cegidPausedFirmList: Array<{ firmId: string; seconds: number }>;
}

// Each part yields rows (part, a, b, v): a metric's labels in a and b, its value in v.
const CORE = `
  select 'entries' as part, s.st::text as a, null::text as b, coalesce(d.n, 0)::float8 as v
    from unnest(enum_range(null::public.entry_status)) as s(st)
    left join (select status, sum(n) as n from public.entry_count_deltas group by status) d on d.status = s.st
  union all
  -- What each waiting status waits since: pending since pushed, sent since sent, failed_check since its last change (a fix is awaited).
  select 'entry_oldest', 'pending', null, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 from public.entries where status = 'pending'
  union all
  select 'entry_oldest', 'sent', null, coalesce(extract(epoch from now() - min(coalesce(sent_at, updated_at))), 0)::float8 from public.entries where status = 'sent'
  union all
  select 'entry_oldest', 'failed_check', null, coalesce(extract(epoch from now() - min(updated_at)), 0)::float8 from public.entries where status = 'failed_check'
  union all
  select 'deposits', s.st::text, null, coalesce(d.n, 0)::float8
    from unnest(enum_range(null::public.deposit_status)) as s(st)
    left join (select status, count(*) as n from public.deposits group by status) d on d.status = s.st
  union all
  select 'files_waiting_open', null, null, count(*)::float8 from public.client_files where waiting_open_since is not null
  union all
  select 'file_waiting_open_oldest', null, null, coalesce(extract(epoch from now() - min(waiting_open_since)), 0)::float8
    from public.client_files where waiting_open_since is not null
  union all
  select 'webhook_deliveries', 'pending', null, count(*)::float8 from public.webhook_deliveries where state = 'pending'
  union all
  select 'webhook_deliveries', 'failing', null, count(*)::float8 from public.webhook_deliveries where state = 'pending' and attempts > 0
  union all
  select 'webhook_oldest_pending', null, null, coalesce(extract(epoch from now() - min(created_at)), 0)::float8
    from public.webhook_deliveries where state = 'pending'
  union all
  select 'webhook_endpoints', 'disabled', null, count(*) filter (where not enabled)::float8 from public.webhook_endpoints
  union all
  select 'webhook_endpoints', 'failing', null, count(*) filter (where enabled and failing_since is not null)::float8 from public.webhook_endpoints
  union all
  select 'cegid_paused', null, null, count(*)::float8 from private.cegid_pauses where paused_until > now()
  union all
  select * from (
    select 'cegid_paused_firm', firm_id::text, null, extract(epoch from paused_until - now())::float8
      from private.cegid_pauses where paused_until > now()
     order by paused_until desc, firm_id limit ${PAUSED_FIRMS_LISTED}) listed
  union all
  select part, a, b, v from private.job_gauges()`;

interface Row {
  part: string;
  a: string | null;
  b: string | null;
  v: number;
}

/** The gauges in one statement: one round trip. */
export async function operationalGauges(db: Database): Promise<OperationalGauges> {
  const rows = (await readAsService(db, (q) => q.query<Row>(CORE))).rows;
  const g: OperationalGauges = {
    entries: {},
    entryOldestSeconds: {},
    deposits: {},
    filesWaitingOpen: 0,
    fileWaitingOpenOldestSeconds: 0,
    jobs: [],
    webhookDeliveriesPending: 0,
    webhookDeliveriesFailing: 0,
    webhookOldestPendingSeconds: 0,
    webhookEndpointsDisabled: 0,
    webhookEndpointsFailing: 0,
    cegidPausedFirms: 0,
    cegidPausedFirmList: [],
  };
  const queues = new Map<string, { queue: string; counts: Record<string, number>; oldestDueSeconds: number }>();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = { queue: name, counts: {}, oldestDueSeconds: 0 }));
    return q;
  };
  for (const r of rows) {
    const v = Number(r.v);
    switch (r.part) {
      case 'entries':
        g.entries[r.a!] = v;
        break;
      case 'entry_oldest':
        g.entryOldestSeconds[r.a!] = v;
        break;
      case 'deposits':
        g.deposits[r.a!] = v;
        break;
      case 'files_waiting_open':
        g.filesWaitingOpen = v;
        break;
      case 'file_waiting_open_oldest':
        g.fileWaitingOpenOldestSeconds = v;
        break;
      case 'jobs':
        queue(r.a!).counts[r.b!] = v;
        break;
      case 'job_oldest_due':
        queue(r.a!).oldestDueSeconds = v;
        break;
      case 'webhook_deliveries':
        if (r.a === 'pending') g.webhookDeliveriesPending = v;
        else g.webhookDeliveriesFailing = v;
        break;
      case 'webhook_oldest_pending':
        g.webhookOldestPendingSeconds = v;
        break;
      case 'webhook_endpoints':
        if (r.a === 'disabled') g.webhookEndpointsDisabled = v;
        else g.webhookEndpointsFailing = v;
        break;
      case 'cegid_paused':
        g.cegidPausedFirms = v;
        break;
      case 'cegid_paused_firm':
        g.cegidPausedFirmList.push({ firmId: r.a!, seconds: v });
        break;
    }
  }
  g.jobs = [...queues.values()].sort((x, y) => x.queue.localeCompare(y.queue));
  return g;
}
