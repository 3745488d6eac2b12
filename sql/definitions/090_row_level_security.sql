-- Kecamatan scoping of readers (row-level security on msme, application and stage_event;
-- switched on and forced in 0006). Scoping follows role membership: a login role created
-- IN ROLE a kecamatan reader (CREATE ROLE officer LOGIN ... IN ROLE gadingrejo_reader) is
-- limited like it. Superusers are never scoped (they are members of every role). Roles
-- named in reader_scope that no longer exist are ignored.

-- The kecamatan the current role is limited to (none: unscoped).
CREATE VIEW reader_scope_mine AS
    SELECT s.kecamatan_code
    FROM reader_scope s JOIN pg_roles r ON r.rolname = s.role_name
    WHERE pg_has_role(current_user, r.oid, 'MEMBER')
      AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);

-- The uncorrelated sub-selects are evaluated once per query (InitPlans), so unscoped roles
-- pay nothing per row. Through a view the sub-selects run with the view owner's rights,
-- while current_user stays the caller.
DROP POLICY IF EXISTS msme_scope ON msme;
CREATE POLICY msme_scope ON msme
    USING (NOT EXISTS (SELECT 1 FROM reader_scope_mine)
           OR left(kelurahan_code, 8) IN (SELECT kecamatan_code FROM reader_scope_mine));

DROP POLICY IF EXISTS application_scope ON application;
CREATE POLICY application_scope ON application
    USING (NOT EXISTS (SELECT 1 FROM reader_scope_mine)
           OR msme_id IN (SELECT id FROM msme));

DROP POLICY IF EXISTS stage_event_scope ON stage_event;
CREATE POLICY stage_event_scope ON stage_event
    USING (NOT EXISTS (SELECT 1 FROM reader_scope_mine)
           OR application_id IN (SELECT id FROM application));
