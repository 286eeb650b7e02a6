-- Least privilege for users. RLS already keeps each firm to its own rows; these grants keep a
-- firm's own members (who could reach the tables directly through Supabase's REST API) to what the
-- product lets them do: the sync history is append-only, deposits and Quadra's reference data are
-- written by the service alone, and an entry's sync state moves only as the service moves it.

revoke insert, update, delete on public.deposits, public.accounts, public.journals, public.periods from authenticated;
revoke update, delete on public.attempts, public.idempotency_keys, public.documents, public.reference_syncs from authenticated;
revoke delete on public.firms, public.connections, public.entries from authenticated;
revoke update on public.entry_documents from authenticated;

-- A user's only entry in the history is their own revalidation.
drop policy attempts_member_all on public.attempts;
create policy attempts_select on public.attempts for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy attempts_insert_revalidation on public.attempts for insert to authenticated
  with check (firm_id in (select private.member_firm_ids()) and kind = 'revalidate' and outcome = 'revalidated');
-- Files are read, and locked (select ... for update needs an update privilege) while a push runs.
revoke insert, update, delete on public.client_files from authenticated;
grant update (updated_at) on public.client_files to authenticated;

-- What a user may change on an entry: its content while unsent (or failed), and revalidation
-- (failed_check -> pending, which clears the sync state). Sent and posted are the service's to set.
create function private.guard_entry_changes() returns trigger
  language plpgsql set search_path = '' as $$
begin
  if current_user <> 'authenticated' then
    return new;
  end if;
  if new.status is distinct from old.status and not (old.status = 'failed_check' and new.status = 'pending') then
    raise exception 'an entry''s status is set by the sync service' using errcode = '42501';
  end if;
  if (new.deposit_id is distinct from old.deposit_id and new.deposit_id is not null)
     or (new.batch_deposit_id is distinct from old.batch_deposit_id and new.batch_deposit_id is not null)
     or (new.sent_at is distinct from old.sent_at and new.sent_at is not null)
     or (new.posted_at is distinct from old.posted_at and new.posted_at is not null)
     or (new.nights_tried is distinct from old.nights_tried and new.nights_tried <> 0)
     or (new.next_attempt_at is distinct from old.next_attempt_at and new.next_attempt_at is not null)
     or (new.duplicate_in_quadra and not old.duplicate_in_quadra)
     or new.firm_id is distinct from old.firm_id or new.file_id is distinct from old.file_id
     or new.external_id is distinct from old.external_id then
    raise exception 'an entry''s sync state is set by the sync service' using errcode = '42501';
  end if;
  if old.status in ('sent', 'posted') or (old.deposit_id is not null and old.status = 'pending') then
    raise exception 'an entry that is sent or being sent cannot be changed' using errcode = '42501';
  end if;
  return new;
end $$;

create trigger entries_guard_user_changes before update on public.entries
  for each row execute function private.guard_entry_changes();

-- Lines and documents of an entry change only while the entry itself may change. Checked once
-- per statement (a push writes thousands of lines in one).
create function private.guard_entry_children() returns trigger
  language plpgsql set search_path = '' as $$
begin
  if current_user = 'authenticated' and exists (
    select 1 from changed c join public.entries e on e.id = c.entry_id
     where e.status in ('sent', 'posted') or e.deposit_id is not null) then
    raise exception 'the lines and documents of a sent entry cannot be changed' using errcode = '42501';
  end if;
  return null;
end $$;

create trigger entry_lines_guard_ins after insert on public.entry_lines
  referencing new table as changed for each statement execute function private.guard_entry_children();
create trigger entry_lines_guard_upd after update on public.entry_lines
  referencing new table as changed for each statement execute function private.guard_entry_children();
create trigger entry_lines_guard_del after delete on public.entry_lines
  referencing old table as changed for each statement execute function private.guard_entry_children();
create trigger entry_documents_guard_ins after insert on public.entry_documents
  referencing new table as changed for each statement execute function private.guard_entry_children();
create trigger entry_documents_guard_del after delete on public.entry_documents
  referencing old table as changed for each statement execute function private.guard_entry_children();
