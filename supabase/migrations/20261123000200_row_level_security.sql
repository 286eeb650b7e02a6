-- Row-level security: a member of a firm reaches that firm's rows and nothing else.
-- User requests run as role authenticated with request.jwt.claims set (as Supabase's API does);
-- jobs run as service_role, which bypasses RLS.

create schema if not exists private;
grant usage on schema private to authenticated, service_role;

-- Security definer so the policies below can read firm_members without recursing into its own policy.
create function private.member_firm_ids() returns setof uuid
  language sql stable security definer set search_path = ''
  as $$ select m.firm_id from public.firm_members m where m.user_id = (select auth.uid()) $$;

create function private.admin_firm_ids() returns setof uuid
  language sql stable security definer set search_path = ''
  as $$ select m.firm_id from public.firm_members m where m.user_id = (select auth.uid()) and m.role = 'admin' $$;

-- Creating a firm makes the caller its admin, atomically.
create function private.create_firm(p_name text, p_sic_code text) returns uuid
  language plpgsql volatile security definer set search_path = ''
  as $$
declare
  uid uuid := (select auth.uid());
  new_id uuid;
begin
  if uid is null then
    raise exception 'not authenticated' using errcode = '42501';
  end if;
  insert into public.firms (name, sic_code) values (p_name, p_sic_code) returning id into new_id;
  insert into public.firm_members (firm_id, user_id, role) values (new_id, uid, 'admin');
  return new_id;
end $$;

revoke all on function private.member_firm_ids(), private.admin_firm_ids(), private.create_firm(text, text) from public;
grant execute on function private.member_firm_ids(), private.admin_firm_ids(), private.create_firm(text, text)
  to authenticated, service_role;

-- Every table: RLS on, no anonymous access, service_role everything.
do $$
declare t text;
begin
  foreach t in array array[
    'firms', 'firm_members', 'connections', 'client_files', 'accounts', 'journals', 'periods',
    'reference_syncs', 'documents', 'deposits', 'entries', 'entry_lines', 'entry_documents',
    'attempts', 'idempotency_keys'
  ] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('revoke all on table public.%I from anon, public', t);
    execute format('grant select, insert, update, delete on table public.%I to authenticated, service_role', t);
  end loop;
end $$;
grant usage on all sequences in schema public to authenticated, service_role;

-- firms: members read; admins rename; creation only through private.create_firm.
create policy firms_select on public.firms for select to authenticated
  using (id in (select private.member_firm_ids()));
create policy firms_update on public.firms for update to authenticated
  using (id in (select private.admin_firm_ids())) with check (id in (select private.admin_firm_ids()));

-- firm_members: members see the team; admins manage it.
create policy firm_members_select on public.firm_members for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy firm_members_insert on public.firm_members for insert to authenticated
  with check (firm_id in (select private.admin_firm_ids()));
create policy firm_members_update on public.firm_members for update to authenticated
  using (firm_id in (select private.admin_firm_ids())) with check (firm_id in (select private.admin_firm_ids()));
create policy firm_members_delete on public.firm_members for delete to authenticated
  using (firm_id in (select private.admin_firm_ids()));

-- connections: members see the state (never the secrets: the API does not select them); admins change it.
create policy connections_select on public.connections for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy connections_insert on public.connections for insert to authenticated
  with check (firm_id in (select private.admin_firm_ids()));
create policy connections_update on public.connections for update to authenticated
  using (firm_id in (select private.admin_firm_ids())) with check (firm_id in (select private.admin_firm_ids()));
create policy connections_delete on public.connections for delete to authenticated
  using (firm_id in (select private.admin_firm_ids()));

-- Everything else: the firm's members, for every operation.
do $$
declare t text;
begin
  foreach t in array array[
    'client_files', 'accounts', 'journals', 'periods', 'reference_syncs', 'documents', 'deposits',
    'entries', 'entry_lines', 'entry_documents', 'attempts', 'idempotency_keys'
  ] loop
    execute format(
      'create policy %I on public.%I for all to authenticated
         using (firm_id in (select private.member_firm_ids()))
         with check (firm_id in (select private.member_firm_ids()))',
      t || '_member_all', t);
  end loop;
end $$;
