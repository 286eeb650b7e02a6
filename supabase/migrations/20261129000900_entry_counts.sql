-- The tab badges' counts, kept as they change instead of counted on every poll.
--
-- Counting a tab reads every entry in it: about 2 ms for 10,000 entries, 40-50 ms for the 200,000
-- posted entries a busy file gathers over a few years — for each poll of each accountant's screen.
-- Each statement that adds, removes or moves entries between statuses appends one row per
-- (file, status) it changed, with the net difference, in the same transaction: a count is the sum
-- of its file's rows, exact in every snapshot. Rows are only ever appended (never updated) and
-- carry no foreign key, so they take no lock at all: not on each other (writers of one file never
-- wait here), and not on the file's row, which pushes, sends and nights lock FOR UPDATE (a foreign
-- key's check would take a share lock on it from every status change, and could deadlock against
-- them). Their firm_id and file_id are copied from the entries themselves; rows of a file that is
-- deleted are removed by the fold. The sweep folds each file's rows into one
-- (private.compact_entry_counts).
create table public.entry_count_deltas (
  id bigint generated always as identity primary key,
  firm_id uuid not null,
  file_id uuid not null,
  status public.entry_status not null,
  n integer not null
);
create index entry_count_deltas_file_idx on public.entry_count_deltas (file_id) include (status, n, firm_id);

alter table public.entry_count_deltas enable row level security;
revoke all on table public.entry_count_deltas from anon, public, authenticated;
grant select on table public.entry_count_deltas to authenticated;
grant select, insert, delete on table public.entry_count_deltas to service_role;
create policy entry_count_deltas_member_read on public.entry_count_deltas for select to authenticated
  using (firm_id in (select private.member_firm_ids()));

-- Security definer: a member's push inserts entries, but members never write counts themselves.
create function private.entry_counts_apply() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into public.entry_count_deltas (firm_id, file_id, status, n)
    select firm_id, file_id, status, count(*) from new_rows group by firm_id, file_id, status;
  elsif tg_op = 'DELETE' then
    -- Entries deleted with their file (or firm) leave nothing to count: that file's rows go too.
    insert into public.entry_count_deltas (firm_id, file_id, status, n)
    select o.firm_id, o.file_id, o.status, -count(*) from old_rows o
     where exists (select 1 from public.client_files f where f.id = o.file_id)
     group by o.firm_id, o.file_id, o.status;
  else
    insert into public.entry_count_deltas (firm_id, file_id, status, n)
    select firm_id, file_id, status, sum(d) from (
      select firm_id, file_id, status, 1 as d from new_rows
      union all
      select firm_id, file_id, status, -1 from old_rows) x
    group by firm_id, file_id, status having sum(d) <> 0;
  end if;
  return null;
end $$;
revoke all on function private.entry_counts_apply() from public;

create trigger entries_count_insert after insert on public.entries
  referencing new table as new_rows for each statement execute function private.entry_counts_apply();
create trigger entries_count_update after update on public.entries
  referencing old table as old_rows new table as new_rows for each statement execute function private.entry_counts_apply();
create trigger entries_count_delete after delete on public.entries
  referencing old table as old_rows for each statement execute function private.entry_counts_apply();

-- TRUNCATE fires no delete trigger: it empties the counts with the entries.
create function private.entry_counts_truncate() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  delete from public.entry_count_deltas;
  return null;
end $$;
revoke all on function private.entry_counts_truncate() from public;
create trigger entries_count_truncate after truncate on public.entries
  for each statement execute function private.entry_counts_truncate();

-- Folds the rows of files that gathered more than `threshold` into one per status (dropping zeros),
-- and removes those of files deleted since. Concurrent folds of one file are safe: each sums
-- exactly the rows its own delete removed.
create function private.compact_entry_counts(threshold integer) returns integer
  language sql security definer set search_path = '' as $$
  with orphans as (
    delete from public.entry_count_deltas d
     where not exists (select 1 from public.client_files f where f.id = d.file_id)
  ), busy as (
    select d.file_id from public.entry_count_deltas d
     where exists (select 1 from public.client_files f where f.id = d.file_id)
     group by d.file_id having count(*) > threshold
  ), gone as (
    delete from public.entry_count_deltas d using busy where d.file_id = busy.file_id
    returning d.firm_id, d.file_id, d.status, d.n
  ), folded as (
    insert into public.entry_count_deltas (firm_id, file_id, status, n)
    select firm_id, file_id, status, sum(n) from gone group by firm_id, file_id, status having sum(n) <> 0
    returning 1
  )
  select count(distinct file_id)::integer from gone;
$$;
revoke all on function private.compact_entry_counts(integer) from public;
grant execute on function private.compact_entry_counts(integer) to service_role;

-- The entries already there.
insert into public.entry_count_deltas (firm_id, file_id, status, n)
select firm_id, file_id, status, count(*) from public.entries group by firm_id, file_id, status;
