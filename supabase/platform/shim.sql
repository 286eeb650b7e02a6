-- What Supabase provides built in, for plain Postgres and PGlite only.
-- Applied before the migrations by src/db/migrate.ts and by .ci/run; skipped on a Supabase
-- project (detected by its supabase_admin role) so Supabase's own auth functions stay untouched.
do $shim$
begin
  if exists (select 1 from pg_roles where rolname = 'supabase_admin') then
    raise notice 'Supabase detected: platform shim skipped';
    return;
  end if;

  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;

  create schema if not exists auth;
  grant usage on schema auth to anon, authenticated, service_role;

  -- Same definitions as Supabase's: claims come from the request.jwt.claims setting.
  create or replace function auth.jwt() returns jsonb
    language sql stable set search_path = ''
    as $f$ select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $f$;
  create or replace function auth.uid() returns uuid
    language sql stable set search_path = ''
    as $f$ select nullif(auth.jwt() ->> 'sub', '')::uuid $f$;
  create or replace function auth.role() returns text
    language sql stable set search_path = ''
    as $f$ select auth.jwt() ->> 'role' $f$;
  grant execute on function auth.jwt(), auth.uid(), auth.role() to anon, authenticated, service_role;

  grant usage on schema public to anon, authenticated, service_role;
end
$shim$;
