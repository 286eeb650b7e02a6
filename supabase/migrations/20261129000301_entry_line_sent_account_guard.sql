-- The account a line was sent as (entry_lines.quadra_account) is the service's to set, when the
-- entry first goes into a deposit; the deposit writes it in preference to the account map. Users
-- may write lines of unsent entries (through Supabase's REST API too), so without this a member
-- could pre-set it and send a line to an account the map, and its collision check, never saw.
-- Row triggers whose WHEN decides without calling a function: a push of thousands of lines (none
-- carrying it) pays nothing.
create function private.refuse_user_sent_account() returns trigger
  language plpgsql set search_path = '' as $$
begin
  raise exception 'the account a line was sent as is set by the sync service' using errcode = '42501';
end $$;

create trigger entry_lines_sent_account_ins before insert on public.entry_lines
  for each row when (current_user = 'authenticated' and new.quadra_account is not null)
  execute function private.refuse_user_sent_account();
create trigger entry_lines_sent_account_upd before update of quadra_account on public.entry_lines
  for each row when (current_user = 'authenticated' and new.quadra_account is distinct from old.quadra_account)
  execute function private.refuse_user_sent_account();
