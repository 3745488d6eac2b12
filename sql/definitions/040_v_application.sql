-- The stable read API: one row per national application. observed_at is when the tracker
-- last confirmed the row's state (see application_observed_at). id_reg is NULL while the
-- office's list gives none (the application is then known by no_daftar). history_source
-- is 'observed' when this account cannot read the application's detail (no id_reg, or
-- refused): its events are then the daemon's own observations of the list, each with an
-- uncertainty window (v_stage_event.window_from .. at); 'upstream' otherwise.
-- Like every view over the register, it returns nothing when it cannot enforce the
-- reader's kecamatan scope (access_scope_mine.read_ok).
CREATE VIEW v_application AS
SELECT a.id_reg, a.no_daftar, a.nib, a.msme_id, a.channel_id, a.status_code, a.stage,
       a.stage_since, a.certificate_no, a.certificate_date,
       CASE WHEN a.missing_since IS NOT NULL THEN a.observed_at
            ELSE greatest(a.observed_at, o.through) END AS observed_at,
       a.kode_fac,
       CASE WHEN a.id_reg IS NULL OR a.detail_denied_at IS NOT NULL THEN 'observed'
            ELSE 'upstream' END AS history_source
FROM application a
CROSS JOIN (SELECT (SELECT value::timestamptz FROM sync_state WHERE key = 'observed_through')
                   AS through) o
WHERE (SELECT read_ok FROM access_scope_mine);
