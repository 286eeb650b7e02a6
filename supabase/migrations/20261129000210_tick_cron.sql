-- Supabase: Postgres cron calls the Edge Function's tick every minute (src/jobs/tick.ts), with the
-- function's URL and the dedicated cron secret read from Vault at each call, so no secret is
-- written here or in cron.job, and never a service-role key:
--   select vault.create_secret('https://<ref>.supabase.co/functions/v1/quadra-sync/v1/jobs/tick', 'quadra_sync_tick_url');
--   select vault.create_secret('<CRON_SECRET>', 'quadra_sync_cron_secret');
-- Until both secrets exist the job does nothing. Where pg_cron (preloaded), an HTTP function
-- (pg_net's net.http_post) or Vault is missing (a bare Postgres, PGlite, the Node service's own
-- database) this migration does nothing: the Node service schedules its jobs with pg-boss.
do $cron$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron') then
    if not exists (select 1 from pg_available_extensions where name = 'pg_cron')
       or coalesce(current_setting('shared_preload_libraries', true), '') not like '%pg_cron%'
       or current_database() <> coalesce(current_setting('cron.database_name', true), 'postgres') then
      raise notice 'pg_cron is not available in this database: the tick is not scheduled here';
      return;
    end if;
  end if;
  if not exists (select 1 from pg_extension where extname = 'pg_net')
     and exists (select 1 from pg_available_extensions where name = 'pg_net') then
    create extension pg_net;
  end if;
  if to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null
     or to_regclass('vault.decrypted_secrets') is null then
    raise notice 'pg_net or Vault is not available in this database: the tick is not scheduled here';
    return;
  end if;
  create extension if not exists pg_cron;

  perform cron.schedule('quadra-sync-tick', '* * * * *', $tick$
    select net.http_post(
      url := url.decrypted_secret,
      headers := jsonb_build_object('content-type', 'application/json', 'x-cron-secret', secret.decrypted_secret),
      body := '{}'::jsonb,
      timeout_milliseconds := 150000)
    from vault.decrypted_secrets url, vault.decrypted_secrets secret
    where url.name = 'quadra_sync_tick_url' and secret.name = 'quadra_sync_cron_secret'
  $tick$);
end
$cron$;
