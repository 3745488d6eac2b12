-- Kecamatan scoping (row-level security on msme, application and stage_event; switched on
-- and forced in 0006). Who sees what is decided by the view access_scope_mine
-- (015_access_scope_mine.sql): from session_user's and current_user's memberships, so SET
-- ROLE cannot widen it; a role that is neither scoped nor unscoped sees nothing.
-- Superusers and BYPASSRLS roles are never scoped. Roles named in reader_scope or
-- unscoped_role that no longer exist are ignored. A self-service request of
-- halaltrack-serve sees the one MSME whose access code it proved (access_scope_mine.nib).

-- The uncorrelated sub-selects are evaluated once per query (InitPlans), so unscoped roles
-- pay nothing per row. Through a view the sub-selects run with the view owner's rights,
-- while session_user and current_user stay the caller's.
DROP POLICY IF EXISTS msme_scope ON msme;
CREATE POLICY msme_scope ON msme
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR left(kelurahan_code, 8) = ANY ((SELECT kecamatan FROM access_scope_mine)::text[])
           OR nib = (SELECT nib FROM access_scope_mine));

DROP POLICY IF EXISTS application_scope ON application;
CREATE POLICY application_scope ON application
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR msme_id IN (SELECT id FROM msme));

DROP POLICY IF EXISTS stage_event_scope ON stage_event;
CREATE POLICY stage_event_scope ON stage_event
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR application_id IN (SELECT id FROM application));

-- Certificate matches (issue 14) are seen with their MSME.
DROP POLICY IF EXISTS certificate_match_scope ON certificate_match;
CREATE POLICY certificate_match_scope ON certificate_match
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR msme_id IN (SELECT id FROM msme));

-- The maintained answers (0019_maintained.sql) are seen with their MSME, like the
-- applications they answer for; only the owner's definer triggers write them.
DROP POLICY IF EXISTS app_now_scope ON app_now;
CREATE POLICY app_now_scope ON app_now
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR msme_id IN (SELECT id FROM msme))
    WITH CHECK (true);
DROP POLICY IF EXISTS goal_hit_scope ON goal_hit;
CREATE POLICY goal_hit_scope ON goal_hit
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR msme_id IN (SELECT id FROM msme))
    WITH CHECK (true);

-- The change feed (halaltrack-serve's /api/v1/changes): an entry is seen with its
-- application. Writes come from the definer triggers (sql/definitions/084-086).
DROP POLICY IF EXISTS change_log_scope ON change_log;
CREATE POLICY change_log_scope ON change_log
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR application_id IN (SELECT id FROM application))
    WITH CHECK (true);

-- Global figures (open quarantine, the last sync: the weekly report reads both) only for
-- unscoped sessions; every role keeps the access its grants give it otherwise.
DROP POLICY IF EXISTS quarantine_all ON quarantine;
CREATE POLICY quarantine_all ON quarantine USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS quarantine_unscoped ON quarantine;
CREATE POLICY quarantine_unscoped ON quarantine AS RESTRICTIVE FOR SELECT
    USING ((SELECT all_kecamatan FROM access_scope_mine));
DROP POLICY IF EXISTS sync_run_all ON sync_run;
CREATE POLICY sync_run_all ON sync_run USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS sync_run_unscoped ON sync_run;
CREATE POLICY sync_run_unscoped ON sync_run AS RESTRICTIVE FOR SELECT
    USING ((SELECT all_kecamatan FROM access_scope_mine));

-- Stored weekly reports (issue 16): a session reads and stores only its own scope's, so a
-- kecamatan's report is never served to the kota or another kecamatan, nor the other way.
DROP POLICY IF EXISTS weekly_snapshot_scope ON weekly_snapshot;
CREATE POLICY weekly_snapshot_scope ON weekly_snapshot
    USING (scope = (SELECT weekly_scope_mine()))
    WITH CHECK (scope = (SELECT weekly_scope_mine()));
