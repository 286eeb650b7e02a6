-- The deposit phase's regression (docs/benchmarks.md, "Where the full cycle's time went"): three
-- statement-level triggers did work that grew with the table, or ran before asking whether there
-- was anything to do. Same rules, same errors, same events; less work.

-- 1. The balanced-entry check, read entry by entry.
-- The check (20261123000100_core_schema.sql) joined the changed lines to every line of the table:
-- with a transition table the planner guesses 200 entries and, past a few tens of thousands of
-- lines, prefers a merge join that walks the whole primary key — every line of every firm, for each
-- statement that inserts, updates or deletes lines. Profiled on the full-cycle benchmark
-- (pg_stat_statements, auto_explain): 99,977 index rows read to check the 2,000 lines of one file,
-- once at the push and once more when the deposit fixes the accounts its lines are sent as
-- (entry_lines.quadra_account, since 20261129000300). Here each changed entry's lines are summed
-- through the primary key (entry_id leads it): the cost follows the statement's own lines.
create or replace function public.check_entries_balanced() returns trigger
  language plpgsql set search_path = '' as $$
declare bad uuid;
begin
  select c.entry_id into bad
    from (select distinct entry_id from changed) c
    cross join lateral (
      select sum(l.debit_cents) as debit, sum(l.credit_cents) as credit
        from public.entry_lines l where l.entry_id = c.entry_id) s
   where s.debit <> s.credit
   limit 1;
  if bad is not null then
    raise exception 'entry % is not balanced: debits and credits differ', bad
      using errcode = '23514', constraint = 'entry_lines_balanced';
  end if;
  return null;
end $$;

-- An update can unbalance an entry only by changing a line's amounts or moving it to another
-- entry. The deposit updates every line it sends (the account it is sent as) and changes neither,
-- so the update check becomes a row trigger whose WHEN decides without calling a function: the
-- deposit's update queues nothing, and an update of amounts is checked as before, after the
-- statement (after-row triggers fire once the statement's rows are all written), on the updated
-- line's entry, and on the entry a moved line left (it is one line short).
drop trigger entry_lines_balanced_upd on public.entry_lines;
create function public.check_entry_balanced_row() returns trigger
  language plpgsql set search_path = '' as $$
declare bad uuid;
begin
  select e.id into bad
    from (select new.entry_id as id union select old.entry_id) e
   where exists (select 1 from public.entry_lines l where l.entry_id = e.id
                  having sum(l.debit_cents) <> sum(l.credit_cents))
   limit 1;
  if bad is not null then
    raise exception 'entry % is not balanced: debits and credits differ', bad
      using errcode = '23514', constraint = 'entry_lines_balanced';
  end if;
  return null;
end $$;
revoke all on function public.check_entry_balanced_row() from public;
create trigger entry_lines_balanced_upd after update on public.entry_lines
  for each row when ((new.entry_id, new.debit_cents, new.credit_cents) is distinct from (old.entry_id, old.debit_cents, old.credit_cents))
  execute function public.check_entry_balanced_row();

-- 2. An entry's events: a firm that listens to nothing pays nothing, first.
-- The trigger (20261202000300_events.sql) joined the statement's old and new rows and built each
-- event before its last condition dropped them all for a firm without an enabled endpoint: two
-- sorts of every updated entry, for each status change of a deposit or a check. It now asks first
-- whether any firm of the statement listens; when one does, the same statement as before runs.
create or replace function private.entries_events() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if not exists (select 1 from public.webhook_endpoints w
                  where w.enabled and w.firm_id in (select n.firm_id from new_rows n)) then
    return null;
  end if;
  insert into public.events (firm_id, type, object_id, data)
  select n.firm_id, t.type, n.id::text, jsonb_build_object(
           'entryId', n.id, 'externalId', n.external_id, 'fileId', n.file_id, 'status', n.status,
           'previousStatus', o.status, 'message', n.status_message, 'duplicateInQuadra', n.duplicate_in_quadra,
           'depositId', coalesce(n.deposit_id, o.deposit_id), 'nightsTried', n.nights_tried)
    from new_rows n join old_rows o on o.id = n.id
    cross join lateral (values
      (case when n.status is distinct from o.status then 'entry.' || n.status::text end),
      (case when n.duplicate_in_quadra and not o.duplicate_in_quadra then 'entry.duplicate_flagged' end),
      (case when n.status = o.status and n.status in ('pending', 'sent') and n.status_message is not null
                 and n.status_message is distinct from o.status_message then 'entry.held' end)) t(type)
   where t.type is not null
     and exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled)
   order by n.id;
  return null;
end $$;

-- 3. A file's prerequisites, as judged by the send's attempts: only holds and sends concern them.
-- The trigger (20261202000300_events.sql) joined every inserted attempt to its entry twice, also
-- for the checks' and nights' attempts (25,000 a night for 100,000 lines), which it then dropped.
-- It now returns at once when the statement holds no such attempt, and clears only a file that is
-- marked.
create or replace function private.attempts_prerequisites() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if exists (select 1 from new_rows a
              where a.outcome = 'held' and a.error_code in ('open_period', 'previous_period_closed', 'chart_of_accounts', 'open_journals')) then
    update public.client_files f set prerequisites_failing = x.detail
      from (select distinct on (e.file_id) e.file_id, a.detail from new_rows a join public.entries e on e.id = a.entry_id
             where a.outcome = 'held' and a.error_code in ('open_period', 'previous_period_closed', 'chart_of_accounts', 'open_journals')
             order by e.file_id, a.id desc) x
     where f.id = x.file_id and f.prerequisites_failing is null;
  end if;
  if exists (select 1 from new_rows a where a.outcome = 'sent')
     and exists (select 1 from public.client_files f where f.prerequisites_failing is not null) then
    update public.client_files f set prerequisites_failing = null
     where f.prerequisites_failing is not null
       and f.id in (select e.file_id from new_rows a join public.entries e on e.id = a.entry_id where a.outcome = 'sent');
  end if;
  return null;
end $$;
