-- A connection is "connected" (the jobs then use its keys for the firm's SIC code) only for a firm
-- that proved its SIC code. The service claims the code before it saves a passing check, so the
-- product's own path always satisfies this; it stops an admin who reaches public.connections
-- through Supabase's REST API from marking a failed (or never checked) connection connected, and
-- so sending for a code another registration holds.
create function private.refuse_unproven_connection() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  if not exists (select 1 from public.firms f where f.id = new.firm_id and f.sic_verified_at is not null) then
    raise exception 'a connection is connected only once Cegid accepted the firm''s keys for its SIC code' using errcode = '42501';
  end if;
  return new;
end $$;
revoke all on function private.refuse_unproven_connection() from public;

create trigger connections_connected_needs_claim before insert or update of status on public.connections
  for each row when (current_user = 'authenticated' and new.status = 'connected')
  execute function private.refuse_unproven_connection();
