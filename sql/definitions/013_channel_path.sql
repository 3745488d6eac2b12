-- The certification path of a channel: reguler (CH001, CH002), self-declare (CH003, CH004).
CREATE FUNCTION channel_path(ch text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN ch IN ('CH001', 'CH002') THEN 'reguler'
                WHEN ch IN ('CH003', 'CH004') THEN 'self_declare'
                ELSE 'unknown' END;
