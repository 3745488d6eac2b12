-- The stable read API: one row per national application. observed_at is when the tracker
-- last confirmed the row's state (see application_observed_at). Like every view over
-- the register, it returns nothing when it cannot enforce the reader's kecamatan scope
-- (access_scope_mine.read_ok).
CREATE VIEW v_application AS
SELECT a.id_reg, a.no_daftar, a.nib, a.msme_id, a.channel_id, a.status_code, a.stage,
       a.stage_since, a.certificate_no, a.certificate_date,
       CASE WHEN a.missing_since IS NOT NULL THEN a.observed_at
            ELSE greatest(a.observed_at, o.through) END AS observed_at
FROM application a
CROSS JOIN (SELECT (SELECT value::timestamptz FROM sync_state WHERE key = 'observed_through')
                   AS through) o
WHERE (SELECT read_ok FROM access_scope_mine);
