-- Account labels through Quadra's `C` records (opt-in per file), due dates on third-party lines,
-- and the event that tells the hub a file's entries use an account Quadra's chart lacks.

-- The hub's label for a line's account (written, folded and cut to 30, in a `C` record when the
-- file sends labels and Quadra lacks the account). The rules check the folded length; this bounds storage.
alter table public.entry_lines add column account_label text
  constraint entry_lines_account_label_length check (char_length(account_label) between 1 and 200);

-- Written at position 64 of the entry's customer and supplier lines (DDMMYY).
alter table public.entries add column due_date date;
alter table public.entries add constraint entries_due_date_not_before_entry check (due_date is null or due_date >= entry_date);

-- Off by default: the brief's behaviour (accounts arrive without labels) until Cegid confirms
-- that its file exchange imports `C` records. Users are granted no update on client_files: the
-- route checks that the caller administers the firm, then writes as the service.
alter table public.client_files add column send_account_labels boolean not null default false;

-- The 8-character form Quadra keeps of an account as written (cut, then zero-padded when the file
-- pads numeric accounts), as src/format/quadra-format.ts computes it; characters outside
-- Windows-1252 are compared unfolded here (the event is a notice; the list route folds exactly).
create function private.quadra_short(account text, padding text) returns text
  language sql immutable parallel safe set search_path = '' as $$
  select case when padding = 'zero' and left(account, 8) ~ '^[0-9]+$' then rpad(left(account, 8), 8, '0')
              else rtrim(left(account, 8)) end
$$;
revoke all on function private.quadra_short(text, text) from public;

-- One `file.accounts_to_create` per file per push (one statement inserts a push's lines) that
-- brings accounts Quadra's chart lacks and no other waiting entry of the file used before: the
-- event names those accounts (at most 100; `count` is the whole number), the list route gives the rest.
-- Like every outbox trigger: nothing unless the firm has an enabled endpoint, no foreign key, same
-- transaction. Its cost is one pass over the file's waiting lines, paid only when a pushed account is lacking.
create function private.entry_lines_accounts_to_create() returns trigger
  language plpgsql security definer set search_path = '' as $$
begin
  insert into public.events (firm_id, type, object_id, data)
  with fresh as (
    select distinct on (e.file_id, s.short) e.firm_id, e.file_id, f.dossier_code, f.name, f.account_padding, s.short, n.account_label,
           e.created_at, n.line_no
      from new_rows n
      join public.entries e on e.id = n.entry_id and e.firm_id = n.firm_id and e.status = 'pending' and e.deposit_id is null
      join public.client_files f on f.id = e.file_id
      left join public.account_maps m on m.file_id = e.file_id and m.hub_account = n.account
      cross join lateral (select private.quadra_short(coalesce(n.quadra_account, m.quadra_account, n.account), f.account_padding) as short) s
     where exists (select 1 from public.webhook_endpoints w where w.firm_id = n.firm_id and w.enabled)
       and not exists (select 1 from public.accounts a where a.file_id = e.file_id and a.number = s.short and a.gone_at is null)
     order by e.file_id, s.short, e.created_at, e.id, n.line_no
  ), new_accounts as (
    select x.* from fresh x
     where not exists (
       select 1 from public.entries e2
         join public.entry_lines l2 on l2.entry_id = e2.id and l2.firm_id = e2.firm_id
         left join public.account_maps m2 on m2.file_id = e2.file_id and m2.hub_account = l2.account
        where e2.file_id = x.file_id and e2.status = 'pending'
          and not exists (select 1 from new_rows n2 where n2.entry_id = e2.id)
          and private.quadra_short(coalesce(l2.quadra_account, m2.quadra_account, l2.account), x.account_padding) = x.short)
  )
  select a.firm_id, 'file.accounts_to_create', a.file_id::text, jsonb_build_object(
           'fileId', a.file_id, 'dossierCode', a.dossier_code, 'name', a.name, 'count', count(*),
           'accounts', (jsonb_agg(jsonb_build_object('account', a.short, 'label', a.account_label) order by a.short)
                          filter (where a.rank <= 100)))
    from (select y.*, row_number() over (partition by y.file_id order by y.short) as rank from new_accounts y) a
   group by a.firm_id, a.file_id, a.dossier_code, a.name
   order by a.file_id;
  return null;
end $$;
revoke all on function private.entry_lines_accounts_to_create() from public;
create trigger entry_lines_accounts_to_create after insert on public.entry_lines
  referencing new table as new_rows for each statement execute function private.entry_lines_accounts_to_create();
