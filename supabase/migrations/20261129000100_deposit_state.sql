-- The delivery rule: an upload whose answer was lost (or that a crash interrupted) is
-- `unconfirmed` until the container or Quadra itself settles it. Absence from the container
-- proves nothing: the deposit is settled by reading Quadra once the import grace period has run
-- from the first time its blob was seen absent.
alter type public.deposit_status add value if not exists 'unconfirmed';
alter table public.deposits add column unconfirmed_at timestamptz;
alter table public.deposits add column absent_since timestamptz;
comment on column public.deposits.unconfirmed_at is 'When the upload was found unconfirmed (answer lost, interrupted).';
comment on column public.deposits.absent_since is 'First time an unconfirmed deposit''s blob was seen absent from the container.';
