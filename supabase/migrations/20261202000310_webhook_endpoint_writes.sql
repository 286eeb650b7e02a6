-- Webhook endpoints are written by the service only (docs/events.md). The table's grants let an
-- administrator insert an endpoint (its URL and sealed secret included) and update its URL and
-- failure clock straight through Supabase's REST API, past the API's checks: an http:// URL in
-- production, a private address, a secret_ciphertext nothing can open. The routes now check the
-- caller's role under row-level security and then write as the service (src/pipeline/webhooks.ts),
-- as rotation already did; members keep reading the non-secret columns, and administrators keep
-- removing an endpoint as themselves (the route deletes under row-level security).
revoke insert, update, truncate, references, trigger on table public.webhook_endpoints from authenticated;
drop policy webhook_endpoints_insert on public.webhook_endpoints;
drop policy webhook_endpoints_update on public.webhook_endpoints;
