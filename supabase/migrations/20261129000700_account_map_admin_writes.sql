-- A file's account map decides which Quadra account money is posted to, so changing it is an
-- administrator's act, as changing the Cegid connection is. Members still read it (push, preview
-- and the hub show what an account will be sent as). Enforced here too, not only by the API:
-- members reach public.account_maps through Supabase's REST API as well.
drop policy account_maps_member_all on public.account_maps;
create policy account_maps_select on public.account_maps for select to authenticated
  using (firm_id in (select private.member_firm_ids()));
create policy account_maps_insert on public.account_maps for insert to authenticated
  with check (firm_id in (select private.admin_firm_ids()));
create policy account_maps_update on public.account_maps for update to authenticated
  using (firm_id in (select private.admin_firm_ids())) with check (firm_id in (select private.admin_firm_ids()));
create policy account_maps_delete on public.account_maps for delete to authenticated
  using (firm_id in (select private.admin_firm_ids()));
