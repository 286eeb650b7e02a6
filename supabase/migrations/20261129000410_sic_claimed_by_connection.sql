-- A SIC code belongs to the firm whose Cegid keys Cegid accepts for it. Registering a firm claims
-- nothing: any number of registrations may name the same SIC code, so a stranger can neither
-- block the real firm nor learn from an error that the code is registered. The claim is made
-- when a connection check passes (sic_verified_at, set by the service) and only verified firms
-- are unique per SIC code; a later check that Cegid refuses releases it.
alter table public.firms drop constraint firms_sic_code_key;
alter table public.firms add column sic_verified_at timestamptz;

-- Firms connected before this rule proved their SIC code the same way.
update public.firms f set sic_verified_at = c.checked_at
  from public.connections c where c.firm_id = f.id and c.status = 'connected';

create unique index firms_verified_sic_code_key on public.firms (sic_code) where sic_verified_at is not null;
create index firms_sic_code_idx on public.firms (sic_code);

-- A user renames the firm; its SIC code and its claim are the service's to set (admins could
-- otherwise claim a code, or swap it, directly through Supabase's REST API).
revoke update on public.firms from authenticated;
grant update (name) on public.firms to authenticated;
