-- Merges one staged sweep into application in one set-based statement. New applications
-- are inserted (stage from the given code map, 'unknown' otherwise) and due for a detail
-- fetch at once; known ones whose list fingerprint changed become due. Unchanged rows are
-- not rewritten: when the sweep is complete (it saw as many applications as the API's
-- total) the sweep's time is recorded in sync_state 'observed_through', which confirms
-- them all, and the applications the list no longer shows get missing_since. Returns
-- (seen, inserted, changed).
CREATE FUNCTION list_merge(p_run bigint, p_codes text[], p_stages text[], p_complete boolean,
                           OUT seen bigint, OUT inserted bigint, OUT changed bigint)
LANGUAGE plpgsql AS $$
BEGIN
    WITH src AS (
        SELECT DISTINCT ON (s.id_reg) s.*,
               md5(concat_ws('|', s.status, s.no_daftar, s.nib, s.channel_id, s.tgl_daftar,
                             s.nama_pu, s.jenis_daftar, s.jenis_produk)) AS fp
        FROM list_staging s WHERE s.run_id = p_run
        ORDER BY s.id_reg, s.seq DESC
    ), m AS (
        SELECT c.code, c.stage FROM unnest(p_codes, p_stages) AS c(code, stage)
    ), up AS (
        INSERT INTO application AS a (id_reg, no_daftar, tgl_daftar, nib, msme_id, nama_pu,
                                      channel_id, jenis_daftar, jenis_produk, status_code,
                                      stage, list_fingerprint, detail_needed, next_poll_at)
        SELECT src.id_reg,
               CASE WHEN src.no_daftar ~ '^SH[0-9]{4}-[0-9]+-[0-9]{6,}$' THEN src.no_daftar END,
               staging_ts(src.tgl_daftar),
               CASE WHEN src.nib ~ '^[0-9]{13}$' THEN src.nib END,
               (SELECT id FROM msme WHERE msme.nib = src.nib),
               src.nama_pu,
               CASE WHEN src.channel_id ~ '^CH[0-9]{3}$' THEN src.channel_id END,
               src.jenis_daftar, src.jenis_produk,
               coalesce(left(src.status, 16), '?'),
               coalesce((SELECT m.stage FROM m WHERE m.code = src.status), 'unknown'),
               src.fp, true, now()
        FROM src
        ON CONFLICT (id_reg) DO UPDATE SET
            list_fingerprint = EXCLUDED.list_fingerprint,
            tgl_daftar = coalesce(EXCLUDED.tgl_daftar, a.tgl_daftar),
            missing_since = NULL,
            detail_needed = a.detail_needed OR a.list_fingerprint IS DISTINCT FROM EXCLUDED.list_fingerprint,
            next_poll_at = CASE WHEN a.list_fingerprint IS DISTINCT FROM EXCLUDED.list_fingerprint
                                THEN now() ELSE a.next_poll_at END
        -- Unchanged rows are not rewritten: the complete sweep below confirms them.
        WHERE a.list_fingerprint IS DISTINCT FROM EXCLUDED.list_fingerprint
           OR a.missing_since IS NOT NULL
           OR (a.tgl_daftar IS NULL AND EXCLUDED.tgl_daftar IS NOT NULL)
        RETURNING (xmax = 0) AS is_new, a.detail_needed AS due
    )
    SELECT (SELECT count(*) FROM src),
           count(*) FILTER (WHERE is_new),
           count(*) FILTER (WHERE NOT is_new AND due)
      INTO seen, inserted, changed
      FROM up;
    IF p_complete THEN
        UPDATE application a SET missing_since = now()
         WHERE a.missing_since IS NULL
           AND NOT EXISTS (SELECT 1 FROM list_staging s
                            WHERE s.run_id = p_run AND s.id_reg = a.id_reg);
        INSERT INTO sync_state (key, value, updated_at)
        VALUES ('observed_through', to_char(now() AT TIME ZONE 'UTC',
                                            'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), now())
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;
    END IF;
END $$;
