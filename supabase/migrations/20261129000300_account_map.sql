-- The account map of a client file: which Quadra account (8 characters at most) a hub account is
-- sent as. Hub charts often number accounts on 10 digits where Quadra keeps 8; when two of the
-- hub's accounts would be cut to the same 8 characters, the map is how the firm keeps their
-- ledgers apart (or says on purpose that they are one).
-- Per file, not per firm: Quadra's chart of accounts is per dossier, each target is checked against
-- that dossier's accounts, and a collision is a fact of one dossier.
create table public.account_maps (
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  hub_account text not null check (length(hub_account) between 1 and 40),
  quadra_account text not null check (length(quadra_account) between 1 and 8),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (file_id, hub_account),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade
);
create index account_maps_file_firm_idx on public.account_maps (file_id, firm_id);
create index account_maps_firm_id_idx on public.account_maps (firm_id);

alter table public.account_maps enable row level security;
revoke all on table public.account_maps from anon, public;
grant select, insert, update, delete on table public.account_maps to authenticated, service_role;
create policy account_maps_member_all on public.account_maps for all to authenticated
  using (firm_id in (select private.member_firm_ids()))
  with check (firm_id in (select private.member_firm_ids()));

-- The account a line was sent as, before the 8-character cut (the map applied), fixed when the
-- entry first goes into a deposit: a later change of the map never rewrites what Quadra received,
-- and verification matches on it. Null until then.
alter table public.entry_lines add column quadra_account text
  check (quadra_account is null or length(quadra_account) between 1 and 40);
