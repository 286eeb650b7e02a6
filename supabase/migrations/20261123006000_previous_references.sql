-- The references an entry carried before it was corrected and validated again: if one of them
-- shows up in Quadra, an earlier version of the entry is there too, and the entry is flagged.
alter table public.entries add column previous_refs text[] not null default '{}';
