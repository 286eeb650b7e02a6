-- Indexes the entries tabs can use under row-level security.
--
-- Under RLS, Postgres applies the policy's predicate before any of the query's own conditions
-- whose operators are not leakproof, and only leakproof conditions may become index conditions.
-- uuid and timestamptz comparisons are leakproof; enum comparisons (enum_eq) are not. So in
--   where file_id = $1 and status = 'pending' order by created_at, id limit 51
-- entries_file_status_idx (file_id, status, created_at, id) is only usable for file_id: the
-- status filter runs afterwards and every entry of the file is read and sorted for each page
-- (~10,000 rows for a page of 50). A partial index per status needs no status comparison at
-- run time (the predicate is proven when planning), so the page is an ordered index scan that
-- stops after 51 rows, and the (created_at, id) cursor becomes an index condition.
-- firm_id is included so the policy's check, and the tab counts, can be answered from the index.
create index entries_pending_tab_idx on public.entries (file_id, created_at, id) include (firm_id) where status = 'pending';
create index entries_sent_tab_idx on public.entries (file_id, created_at, id) include (firm_id) where status = 'sent';
create index entries_posted_tab_idx on public.entries (file_id, created_at, id) include (firm_id) where status = 'posted';
create index entries_failed_check_tab_idx on public.entries (file_id, created_at, id) include (firm_id) where status = 'failed_check';
-- The tab of all entries, whatever their status.
create index entries_file_order_idx on public.entries (file_id, created_at, id) include (firm_id);
