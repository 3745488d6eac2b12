-- Each register MSME with its latest application (by submission, then id), who holds it
-- in its current code on its channel (step_code, by code, else by stage), whether it is
-- certified (through the office's programmes or a match of the public search:
-- msme_certification, the one rule), and the same observation time as v_application (the
-- rule of application_observed_at). Both are written out: a function called here would
-- read sync_state and step_code with the reader's rights.
CREATE VIEW v_msme_status AS
SELECT m.id AS msme_id, m.nib, m.business_name, m.owner_name, m.kbli, m.size_class,
       m.kelurahan_code, kl.name AS kelurahan, kl.parent_code AS kecamatan_code,
       kc.name AS kecamatan, m.phone, m.programs,
       la.id_reg, la.no_daftar, la.channel_id, la.status_code,
       coalesce(la.stage, 'not_applied') AS stage,
       la.stage_since, la.waits_on,
       CASE WHEN la.missing_since IS NOT NULL THEN la.observed_at
            ELSE greatest(la.observed_at, o.through) END AS observed_at,
       mc.source IS NOT NULL AS certified,
       mc.certificate_date AS first_certificate_date,
       coalesce(apps.n, 0) AS applications,
       mc.source AS certified_via, mc.certificate_no,
       mc.source IS NULL AND mc.pending > 0 AS awaiting_confirmation
  FROM msme m
  JOIN region kl ON kl.code = m.kelurahan_code
  LEFT JOIN region kc ON kc.code = kl.parent_code
  CROSS JOIN (SELECT (SELECT value::timestamptz FROM sync_state WHERE key = 'observed_through')
                     AS through) o
  LEFT JOIN LATERAL (
        SELECT a.id_reg, a.no_daftar, a.channel_id, a.status_code, a.stage, a.stage_since,
               coalesce(k1.holder, k2.holder, 'none') AS waits_on,
               a.observed_at, a.missing_since
          FROM application a
          LEFT JOIN channel_def cd ON cd.channel = a.channel_id
          LEFT JOIN step_code k1 ON k1.channel = coalesce(cd.channel, '*')
                                AND k1.code = a.status_code
          LEFT JOIN step_code k2 ON k2.channel = coalesce(cd.channel, '*')
                                AND k2.code = '*' || a.stage
         WHERE a.msme_id = m.id
         ORDER BY a.tgl_daftar DESC NULLS LAST, a.id DESC LIMIT 1) la ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS n FROM application a WHERE a.msme_id = m.id) apps ON true
  LEFT JOIN msme_certification mc ON mc.msme_id = m.id
 WHERE (SELECT read_ok FROM access_scope_mine);
