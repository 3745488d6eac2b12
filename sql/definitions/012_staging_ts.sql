-- The daemon stages tgl_daftar as UTC ISO 8601 ("2026-05-02T02:10:11Z") or NULL after
-- checking it (lib/syncer.c), so the cast cannot fail; anything else is kept out.
CREATE FUNCTION staging_ts(s text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN s ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
                THEN s::timestamptz END;
