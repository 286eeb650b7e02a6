-- Local development seed: nothing is required. Firms are created through the API
-- (POST /v1/firms) and their reference data comes from Quadra (or the simulator).
select 1;
