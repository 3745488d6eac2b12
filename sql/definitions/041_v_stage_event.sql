-- The stable read API: every stage event, oldest first per application. source is
-- 'upstream' (the application's tracking) or 'observed' (seen on the list by the daemon:
-- the change happened between window_from, NULL when unknown, and at).
CREATE VIEW v_stage_event AS
SELECT a.id_reg, e.status_code, e.stage, e.at, e.observed_at, a.no_daftar, e.source,
       e.window_from
FROM stage_event e JOIN application a ON a.id = e.application_id
WHERE (SELECT read_ok FROM access_scope_mine);
