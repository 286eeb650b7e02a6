-- The number of nights is configuration (NIGHTLY_ATTEMPTS, default 3, src/config.ts), no longer a
-- fact of the schema: the check that held it at 3 would refuse every night past the third of a
-- longer setting (and the night would only log a warning for the file). What stays a rule of the
-- data: a count of nights is never negative.
alter table public.entries drop constraint if exists entries_nights_tried_check;
alter table public.entries add constraint entries_nights_tried_check check (nights_tried >= 0);
