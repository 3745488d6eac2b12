-- Midnight Asia/Jakarta at the start of a date.
CREATE FUNCTION wib_midnight(d date) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (d::timestamp AT TIME ZONE INTERVAL '+07:00');
