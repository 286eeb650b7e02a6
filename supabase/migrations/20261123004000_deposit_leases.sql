-- Leases, in database time, so that concurrent runs never mistake a deposit being uploaded, or a
-- file whose night is running, for one left behind by a crash.

-- Held while a deposit is `preparing` (claim, build, upload); a crashed holder's lease runs out.
alter table public.deposits add column claimed_until timestamptz;
-- Set, and committed, just before the upload begins: a deposit that never reached this point can
-- safely be uploaded again under its own name; one that did may already be in Quadra's hands.
alter table public.deposits add column upload_started_at timestamptz;
create index deposits_preparing_idx on public.deposits (claimed_until) where status = 'preparing';

-- The night run's lease names its holder: a run releases only its own.
alter table public.client_files add column night_lease_owner uuid;
