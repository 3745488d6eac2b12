-- Kecamatan scoping (row-level security on msme, application and stage_event; switched on
-- and forced in 0006). Who sees what is decided by the view access_scope_mine
-- (015_access_scope_mine.sql): from session_user's and current_user's memberships, so SET
-- ROLE cannot widen it; a role that is neither scoped nor unscoped sees nothing.
-- Superusers and BYPASSRLS roles are never scoped. Roles named in reader_scope or
-- unscoped_role that no longer exist are ignored.

-- The uncorrelated sub-selects are evaluated once per query (InitPlans), so unscoped roles
-- pay nothing per row. Through a view the sub-selects run with the view owner's rights,
-- while session_user and current_user stay the caller's.
DROP POLICY IF EXISTS msme_scope ON msme;
CREATE POLICY msme_scope ON msme
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR left(kelurahan_code, 8) = ANY ((SELECT kecamatan FROM access_scope_mine)::text[]));

DROP POLICY IF EXISTS application_scope ON application;
CREATE POLICY application_scope ON application
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR msme_id IN (SELECT id FROM msme));

DROP POLICY IF EXISTS stage_event_scope ON stage_event;
CREATE POLICY stage_event_scope ON stage_event
    USING ((SELECT all_kecamatan FROM access_scope_mine)
           OR application_id IN (SELECT id FROM application));
