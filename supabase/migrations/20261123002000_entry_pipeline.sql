-- Entry pipeline: our Quadra reference for each entry, 8.3 attachment names, and the user's
-- revalidation as a step of an entry's timeline.

-- 'Q' + 9 digits: unique, alphanumeric, exactly the 10 bytes of position 149.
alter table public.entries alter column quadra_ref set default 'Q' || lpad(nextval('public.quadra_ref_seq')::text, 9, '0');

alter type public.attempt_kind add value if not exists 'revalidate';
alter type public.attempt_outcome add value if not exists 'revalidated';

-- When we learned Quadra had taken a deposit (its blob gone from the container): its entries
-- appear a few minutes later, so nothing of it is re-sent or judged until a grace period passed.
alter table public.deposits add column imported_seen_at timestamptz;

-- One night's attempt per file at a time (nightly run and sweep may meet); a lease, not a lock,
-- so a crashed run cannot block the file forever.
alter table public.client_files add column night_lease_until timestamptz;
