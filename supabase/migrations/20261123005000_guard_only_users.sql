-- The entry guard concerns users only: the service's bulk updates (tens of thousands of rows a
-- night) should not pay a function call per row to learn that.
drop trigger entries_guard_user_changes on public.entries;
create trigger entries_guard_user_changes before update on public.entries
  for each row when (current_user = 'authenticated') execute function private.guard_entry_changes();
