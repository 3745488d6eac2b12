-- True when an MSME falls in a goal's scope. A 'kode_fac' goal takes every MSME here: its
-- applications narrow it (goal_hits_at counts only those carrying the code).
CREATE FUNCTION goal_in_scope(kind text, val text, kelurahan_code text, kbli text,
                              programs text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind
        WHEN 'kota' THEN val IS NULL OR starts_with(kelurahan_code, val || '.')
        WHEN 'kecamatan' THEN starts_with(kelurahan_code, val || '.')
        WHEN 'kelurahan' THEN kelurahan_code = val
        WHEN 'kbli' THEN starts_with(coalesce(kbli, ''), val)
        WHEN 'program' THEN val = ANY (programs)
        WHEN 'kode_fac' THEN true
        ELSE false END;
