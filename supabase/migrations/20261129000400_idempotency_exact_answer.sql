-- A replayed push returns the first answer byte for byte. jsonb normalises what it stores (key
-- order, whitespace), so the answer is kept as the exact text that was sent.
alter table public.idempotency_keys alter column response type text using response::text;
