-- Quadra Sync core schema: firms and their members, the Cegid connection, the Quadra reference
-- data of each client file, entries with their lines and documents, deposits and attempts.
-- Amounts are integer cents. Every table carries firm_id so one policy shape guards them all.


create type public.member_role as enum ('admin', 'member');
create type public.connection_status as enum ('connected', 'failed');
create type public.account_kind as enum ('general', 'customer', 'supplier');
create type public.period_status as enum ('open', 'closed');
create type public.entry_kind as enum ('purchase', 'sale', 'expense_report', 'bank');
create type public.entry_status as enum ('pending', 'sent', 'posted', 'failed_check');
create type public.deposit_status as enum ('preparing', 'uploaded', 'replacing', 'replaced', 'imported', 'failed');
create type public.attempt_kind as enum ('send', 'resend', 'verify', 'decide');
create type public.attempt_outcome as enum (
  'sent',          -- a deposit holding the entry reached the exchange container
  'held',          -- the send was held back (prerequisite failing, Cegid unreachable)
  'posted',        -- verification found the entry in Quadra
  'not_found',     -- verification did not find it (yet)
  'duplicate',     -- verification found it more than once
  'replaced',      -- its earlier deposit was withdrawn before import and re-sent
  'failed_check',  -- gave up after the third night
  'file_waiting',  -- nothing of the file reached Quadra: waiting for the dossier to be opened
  'error'          -- a technical error (Cegid unavailable...) that does not count against the entry
);
create type public.sync_run_status as enum ('queued', 'running', 'succeeded', 'failed');
create type public.sync_trigger as enum ('manual', 'nightly', 'connection');

create table public.firms (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  sic_code text not null check (sic_code ~ '^[A-Za-z0-9]{1,20}$'),
  created_at timestamptz not null default now(),
  constraint firms_sic_code_key unique (sic_code)
);

create table public.firm_members (
  firm_id uuid not null references public.firms (id) on delete cascade,
  user_id uuid not null,
  role public.member_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (firm_id, user_id)
);
create index firm_members_user_id_idx on public.firm_members (user_id);

-- One connection per firm. Secrets are AES-256-GCM ciphertexts made by the service (key id beside
-- them for rotation); the database never sees them in clear.
create table public.connections (
  firm_id uuid primary key references public.firms (id) on delete cascade,
  status public.connection_status not null,
  cpa_key_hint text not null,
  cfe_key_hint text not null,
  secrets_ciphertext text not null,
  secrets_key_id text not null,
  checks jsonb not null default '[]'::jsonb,
  checked_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.client_files (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  dossier_code text not null,
  name text not null,
  -- How this dossier pads accounts shorter than 8 characters (a Quadra dossier setting).
  account_padding text not null default 'space' check (account_padding in ('space', 'zero')),
  -- Set when three nights found nothing of this file in Quadra: the dossier was likely never opened.
  waiting_open_since timestamptz,
  gone_at timestamptz,
  synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint client_files_dossier_key unique (firm_id, dossier_code),
  constraint client_files_id_firm_key unique (id, firm_id)
);

create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  number text not null,
  label text not null default '',
  kind public.account_kind not null,
  collective text,
  gone_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint accounts_number_key unique (file_id, number),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade
);
create index accounts_file_firm_idx on public.accounts (file_id, firm_id);
create index accounts_firm_id_idx on public.accounts (firm_id);

create table public.journals (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  code text not null check (length(code) between 1 and 3),
  label text not null default '',
  is_open boolean not null,
  gone_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint journals_code_key unique (file_id, code),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade
);
create index journals_firm_id_idx on public.journals (firm_id);
create index journals_file_firm_idx on public.journals (file_id, firm_id);

create table public.periods (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  starts_on date not null,
  ends_on date not null,
  status public.period_status not null,
  gone_at timestamptz,
  updated_at timestamptz not null default now(),
  constraint periods_bounds_check check (ends_on >= starts_on),
  constraint periods_start_key unique (file_id, starts_on),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade
);
create index periods_firm_id_idx on public.periods (firm_id);
create index periods_file_firm_idx on public.periods (file_id, firm_id);

create table public.reference_syncs (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  trigger public.sync_trigger not null,
  status public.sync_run_status not null default 'queued',
  counts jsonb not null default '{}'::jsonb,
  error_code text,
  error_message text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index reference_syncs_firm_created_idx on public.reference_syncs (firm_id, created_at desc);

create table public.documents (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  file_name text not null,
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null,
  content bytea not null,
  -- The 8.3 name the document carries inside a deposit (position 182 of the M record).
  attachment_name text not null,
  created_at timestamptz not null default now(),
  constraint documents_attachment_key unique (file_id, attachment_name),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade,
  constraint documents_id_firm_key unique (id, firm_id)
);
create index documents_firm_id_idx on public.documents (firm_id);
create index documents_file_firm_idx on public.documents (file_id, firm_id);

create sequence public.document_seq;
create sequence public.quadra_ref_seq;

-- The deposit sequence orders a file's batches: "a later batch of the same file".
create table public.deposits (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  seq bigint generated always as identity,
  status public.deposit_status not null default 'preparing',
  blob_name text not null,
  replaces_id uuid,
  entry_count integer not null default 0,
  line_count integer not null default 0,
  size_bytes integer,
  etag text,
  error_code text,
  created_at timestamptz not null default now(),
  uploaded_at timestamptz,
  verify_at timestamptz,
  verified_at timestamptz,
  constraint deposits_blob_name_key unique (blob_name),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade,
  constraint deposits_id_firm_key unique (id, firm_id),
  foreign key (replaces_id, firm_id) references public.deposits (id, firm_id)
);
create index deposits_firm_id_idx on public.deposits (firm_id);
create index deposits_file_seq_idx on public.deposits (file_id, firm_id, seq);
create index deposits_replaces_id_idx on public.deposits (replaces_id, firm_id);
create index deposits_due_idx on public.deposits (verify_at) where verified_at is null and status in ('uploaded', 'imported');

create table public.entries (
  id uuid primary key default gen_random_uuid(),
  firm_id uuid not null references public.firms (id) on delete cascade,
  file_id uuid not null,
  external_id text not null check (length(external_id) between 1 and 200),
  kind public.entry_kind not null,
  journal_code text not null,
  entry_date date not null,
  piece_ref text,
  label text not null,
  status public.entry_status not null default 'pending',
  -- Our reference written at position 149: how verification recognises the entry in Quadra.
  quadra_ref text not null unique,
  warnings jsonb not null default '[]'::jsonb,
  status_message text,
  duplicate_in_quadra boolean not null default false,
  -- The deposit that holds it now, and the first one (its batch, for the failed-check rule).
  deposit_id uuid,
  batch_deposit_id uuid,
  nights_tried smallint not null default 0 check (nights_tried between 0 and 3),
  next_attempt_at timestamptz,
  sent_at timestamptz,
  posted_at timestamptz,
  total_cents bigint not null default 0 check (total_cents >= 0),
  line_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint entries_external_id_key unique (firm_id, external_id),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade,
  constraint entries_id_firm_key unique (id, firm_id),
  foreign key (deposit_id, firm_id) references public.deposits (id, firm_id),
  foreign key (batch_deposit_id, firm_id) references public.deposits (id, firm_id)
);
create index entries_file_status_idx on public.entries (file_id, status, created_at, id);
create index entries_file_firm_idx on public.entries (file_id, firm_id);
create index entries_deposit_id_idx on public.entries (deposit_id, firm_id);
create index entries_batch_deposit_id_idx on public.entries (batch_deposit_id, firm_id);
create index entries_due_idx on public.entries (next_attempt_at) where next_attempt_at is not null;

create table public.entry_lines (
  entry_id uuid not null,
  line_no integer not null check (line_no between 1 and 10000),
  firm_id uuid not null references public.firms (id) on delete cascade,
  account text not null check (length(account) between 1 and 40),
  label text,
  debit_cents bigint not null default 0 check (debit_cents >= 0),
  credit_cents bigint not null default 0 check (credit_cents >= 0),
  -- exactly one side carries the amount
  constraint entry_lines_one_side_check check ((debit_cents > 0) <> (credit_cents > 0)),
  primary key (entry_id, firm_id, line_no),
  foreign key (entry_id, firm_id) references public.entries (id, firm_id) on delete cascade
);
create index entry_lines_firm_id_idx on public.entry_lines (firm_id);

create table public.entry_documents (
  entry_id uuid not null,
  document_id uuid not null,
  firm_id uuid not null references public.firms (id) on delete cascade,
  primary key (entry_id, document_id),
  foreign key (entry_id, firm_id) references public.entries (id, firm_id) on delete cascade,
  foreign key (document_id, firm_id) references public.documents (id, firm_id) on delete restrict
);
create index entry_documents_document_id_idx on public.entry_documents (document_id, firm_id);
create index entry_documents_entry_firm_idx on public.entry_documents (entry_id, firm_id);
create index entry_documents_firm_id_idx on public.entry_documents (firm_id);

create table public.attempts (
  id bigint generated always as identity primary key,
  firm_id uuid not null references public.firms (id) on delete cascade,
  entry_id uuid not null,
  deposit_id uuid,
  kind public.attempt_kind not null,
  outcome public.attempt_outcome not null,
  night smallint,
  error_code text,
  detail text,
  at timestamptz not null default now(),
  foreign key (entry_id, firm_id) references public.entries (id, firm_id) on delete cascade,
  foreign key (deposit_id, firm_id) references public.deposits (id, firm_id)
);
create index attempts_entry_idx on public.attempts (entry_id, firm_id, id);
create index attempts_deposit_id_idx on public.attempts (deposit_id, firm_id);
create index attempts_firm_id_idx on public.attempts (firm_id);

-- A replayed push (same Idempotency-Key) returns the first answer.
create table public.idempotency_keys (
  firm_id uuid not null references public.firms (id) on delete cascade,
  key text not null check (length(key) between 1 and 200),
  file_id uuid not null,
  request_hash text not null,
  status_code integer not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (firm_id, key),
  foreign key (file_id, firm_id) references public.client_files (id, firm_id) on delete cascade
);
create index idempotency_keys_file_id_idx on public.idempotency_keys (file_id, firm_id);

-- Balanced entries, enforced per statement so a bulk push pays one check, not one per line.
create function public.check_entries_balanced() returns trigger
  language plpgsql set search_path = '' as $$
declare bad uuid;
begin
  select l.entry_id into bad
  from public.entry_lines l
  where l.entry_id in (select entry_id from changed)
  group by l.entry_id
  having sum(l.debit_cents) <> sum(l.credit_cents)
  limit 1;
  if bad is not null then
    raise exception 'entry % is not balanced: debits and credits differ', bad
      using errcode = '23514', constraint = 'entry_lines_balanced';
  end if;
  return null;
end $$;

create trigger entry_lines_balanced_ins after insert on public.entry_lines
  referencing new table as changed for each statement execute function public.check_entries_balanced();
create trigger entry_lines_balanced_upd after update on public.entry_lines
  referencing new table as changed for each statement execute function public.check_entries_balanced();
create trigger entry_lines_balanced_del after delete on public.entry_lines
  referencing old table as changed for each statement execute function public.check_entries_balanced();
