-- Takes up to want tokens from the bucket in one UPDATE (refill and take are atomic under
-- the row lock), logs the grant and returns how many were granted. One instant
-- (statement_timestamp) is used throughout so the refill is computed once.
CREATE FUNCTION budget_take(p_name text, p_want integer, p_daemon text) RETURNS integer
LANGUAGE sql AS $$
    WITH u AS (
        UPDATE rate_budget b SET
            last_grant = least(p_want, floor(least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate)))::int,
            tokens = least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate)
                - least(p_want, floor(least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate))),
            granted = b.granted + least(p_want, floor(least(b.capacity, b.tokens
                + greatest(0, extract(epoch FROM statement_timestamp() - b.updated_at)) * b.refill_rate)))::bigint,
            updated_at = greatest(b.updated_at, statement_timestamp())
        WHERE b.name = p_name
        RETURNING b.last_grant, b.updated_at
    ), g AS (
        INSERT INTO budget_grant (name, daemon, at, n)
        SELECT p_name, p_daemon, u.updated_at, u.last_grant FROM u WHERE u.last_grant > 0
    )
    SELECT coalesce((SELECT last_grant FROM u), 0)
$$;
