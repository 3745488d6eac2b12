-- Kecamatan scoping follows role membership: a login role created IN ROLE a kecamatan
-- reader (CREATE ROLE officer LOGIN ... IN ROLE gadingrejo_reader) is limited like it.
-- Superusers are never scoped (they are members of every role). Roles named in
-- reader_scope that no longer exist are ignored.

CREATE VIEW reader_scope_mine AS
    SELECT s.kecamatan_code
    FROM reader_scope s JOIN pg_roles r ON r.rolname = s.role_name
    WHERE pg_has_role(current_user, r.oid, 'MEMBER')
      AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);

ALTER POLICY msme_scope ON msme
    USING (NOT EXISTS (SELECT 1 FROM reader_scope_mine)
           OR left(kelurahan_code, 8) IN (SELECT kecamatan_code FROM reader_scope_mine));

ALTER POLICY application_scope ON application
    USING (NOT EXISTS (SELECT 1 FROM reader_scope_mine)
           OR msme_id IN (SELECT id FROM msme));

ALTER POLICY stage_event_scope ON stage_event
    USING (NOT EXISTS (SELECT 1 FROM reader_scope_mine)
           OR application_id IN (SELECT id FROM application));
