-- A complete list sweep confirms every application it listed without rewriting them.
--
-- Before: list_merge updated every application row on every sweep to bump observed_at, so
-- a sweep of 1M applications rewrote 1M rows (and their WAL) even when nothing changed,
-- and an incremental cycle at 1M ran past the statement timeout. Now list_merge writes only
-- new and changed rows; when the sweep is complete (it saw as many applications as the
-- API's total) it records the sweep's time in sync_state 'observed_through' and marks the
-- few applications the list no longer shows (missing_since). An application's observation
-- time is then the later of its own observed_at (its last detail fetch or change) and the
-- last complete sweep's time, unless the list stopped showing it. The read API computes
-- it: v_application.observed_at, application_observed_at().
-- It also fills application.tgl_daftar from the list (the reports order and count by it).

ALTER TABLE application ADD COLUMN missing_since timestamptz;

-- The daemon stages tgl_daftar as UTC ISO 8601 ("2026-05-02T02:10:11Z") or NULL after
-- checking it (lib/syncer.c), so the cast cannot fail; anything else is kept out.
CREATE FUNCTION staging_ts(s text) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN s ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
                THEN s::timestamptz END;

DROP FUNCTION list_merge(bigint, text[], text[]);

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

-- When the tracker last confirmed this application's state (changed or not).
CREATE FUNCTION application_observed_at(p_observed timestamptz, p_missing timestamptz)
    RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_missing IS NOT NULL THEN p_observed
                ELSE greatest(p_observed, (SELECT value::timestamptz FROM sync_state
                                             WHERE key = 'observed_through')) END
$$;

CREATE OR REPLACE VIEW v_application AS
SELECT a.id_reg, a.no_daftar, a.nib, a.msme_id, a.channel_id, a.status_code, a.stage,
       a.stage_since, a.certificate_no, a.certificate_date,
       CASE WHEN a.missing_since IS NOT NULL THEN a.observed_at
            ELSE greatest(a.observed_at, o.through) END AS observed_at
FROM application a
CROSS JOIN (SELECT (SELECT value::timestamptz FROM sync_state WHERE key = 'observed_through')
                   AS through) o;

CREATE OR REPLACE VIEW v_freshness AS
SELECT (SELECT max(observed_at) FROM v_application) AS last_observed_at,
       (SELECT max(finished_at) FROM sync_run WHERE outcome IN ('ok', 'partial'))
           AS last_sync_at,
       extract(epoch FROM now() - (SELECT max(observed_at) FROM v_application))::bigint
           AS age_seconds,
       (SELECT count(*) FROM quarantine WHERE NOT resolved) AS quarantined,
       (SELECT count(*) FROM application WHERE msme_id IS NULL) AS unmatched_applications;

-- The register view reports the same observation time as v_application.
CREATE OR REPLACE VIEW v_msme_status AS
SELECT m.id AS msme_id, m.nib, m.business_name, m.owner_name, m.kbli, m.size_class,
       m.kelurahan_code, kl.name AS kelurahan, kl.parent_code AS kecamatan_code,
       kc.name AS kecamatan, m.phone, m.programs,
       la.id_reg, la.no_daftar, la.channel_id, la.status_code,
       coalesce(la.stage, 'not_applied') AS stage,
       la.stage_since, la.waits_on, la.observed_at,
       coalesce(cert.n, 0) > 0 AS certified,
       cert.first_date AS first_certificate_date,
       coalesce(apps.n, 0) AS applications
  FROM msme m
  JOIN region kl ON kl.code = m.kelurahan_code
  LEFT JOIN region kc ON kc.code = kl.parent_code
  LEFT JOIN LATERAL (
        SELECT a.id_reg, a.no_daftar, a.channel_id, a.status_code, a.stage, a.stage_since,
               s.waits_on, application_observed_at(a.observed_at, a.missing_since) AS observed_at
          FROM application a JOIN v_application_sla s ON s.application_id = a.id
         WHERE a.msme_id = m.id
         ORDER BY a.tgl_daftar DESC NULLS LAST, a.id DESC LIMIT 1) la ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS n FROM application a WHERE a.msme_id = m.id) apps ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS n, min(a.certificate_date) AS first_date
          FROM application a WHERE a.msme_id = m.id AND a.stage = 'certified') cert ON true;
