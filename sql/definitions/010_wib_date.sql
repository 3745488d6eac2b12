-- The Asia/Jakarta civil date of an instant (UTC+7, no daylight saving).
CREATE FUNCTION wib_date(t timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (t AT TIME ZONE INTERVAL '+07:00')::date;
