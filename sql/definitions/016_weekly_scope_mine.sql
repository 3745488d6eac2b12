-- The key under which this session's weekly reports are stored (weekly_snapshot.scope):
-- 'kota' for an unscoped session, 'kecamatan:<codes, sorted, comma-separated>' for a
-- kecamatan reader (or a kecamatan token of halaltrack-serve), 'msme:<nib>' for a
-- self-service request. NULL when the session sees nothing (a halaltrack-serve session
-- outside a request) or the views cannot enforce its scope (read_ok false, 015): such a
-- session's report is not stored.
CREATE FUNCTION weekly_scope_mine() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN NOT s.read_ok THEN NULL
                WHEN s.all_kecamatan THEN 'kota'
                WHEN s.nib IS NOT NULL THEN 'msme:' || s.nib
                WHEN cardinality(s.kecamatan) = 0 THEN NULL
                ELSE 'kecamatan:' || array_to_string(
                         ARRAY(SELECT k FROM unnest(s.kecamatan) k ORDER BY k), ',') END
      FROM access_scope_mine s
$$;
