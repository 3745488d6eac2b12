-- The kecamatan this session may see in msme, application and stage_event: the
-- row-level security policies (090_row_level_security.sql) and every view and SECURITY
-- DEFINER function over those tables read it. One row.
--
-- A role's scope:
--   * a superuser or a BYPASSRLS role: every kecamatan;
--   * a member of a role named in reader_scope: those kecamatan, and only those (a scope
--     row always restricts, also a role that is a member of an unscoped role too);
--   * a member of a role named in unscoped_role: every kecamatan;
--   * any other role: nothing (fail closed).
-- Membership is "may SET ROLE to it" (pg_has_role MEMBER), so NOINHERIT does not escape.
-- The session's scope is the intersection of session_user's and current_user's: SET ROLE
-- can only narrow it, and inside a SECURITY DEFINER function (current_user = its owner)
-- the login's scope still holds.
--
-- Columns: all_kecamatan (the session is unscoped), kecamatan (the codes it may see when
-- it is not), read_ok (false when the views cannot enforce the scope: the schema's tables
-- belong to a role that bypasses row-level security, a superuser after a migrate before
-- `db init-roles` or after pg_restore --no-owner, and the session is scoped; the views
-- and definer functions then return nothing until `db init-roles` gives the objects back
-- to the owner role).
CREATE VIEW access_scope_mine AS
WITH who AS (
    SELECT DISTINCT r.oid, r.rolsuper OR r.rolbypassrls AS bypass
      FROM pg_roles r
     WHERE r.rolname IN (session_user, current_user)
), scoped AS (
    SELECT w.oid, s.kecamatan_code
      FROM who w
      JOIN reader_scope s ON true
      JOIN pg_roles g ON g.rolname = s.role_name
     WHERE NOT w.bypass AND pg_has_role(w.oid, g.oid, 'MEMBER')
), per_role AS (
    SELECT w.oid,
           w.bypass
           OR (NOT EXISTS (SELECT 1 FROM scoped x WHERE x.oid = w.oid)
               AND EXISTS (SELECT 1 FROM unscoped_role u
                             JOIN pg_roles g ON g.rolname = u.role_name
                            WHERE pg_has_role(w.oid, g.oid, 'MEMBER')))
               AS all_kecamatan
      FROM who w
), scope AS (
    SELECT bool_and(p.all_kecamatan) AS all_kecamatan,
           ARRAY(SELECT x.kecamatan_code
                   FROM scoped x JOIN per_role q ON q.oid = x.oid AND NOT q.all_kecamatan
                  GROUP BY x.kecamatan_code
                 HAVING count(DISTINCT x.oid) =
                        (SELECT count(*) FROM per_role WHERE NOT all_kecamatan)
                  ORDER BY x.kecamatan_code) AS kecamatan
      FROM per_role p
)
SELECT s.all_kecamatan, s.kecamatan,
       s.all_kecamatan OR NOT (SELECT o.rolsuper OR o.rolbypassrls
                                 FROM pg_class c
                                 JOIN pg_roles o ON o.oid = c.relowner
                                WHERE c.oid = 'msme'::regclass) AS read_ok
  FROM scope s;
-- Every role that reads these tables evaluates the policies, which read this view: it
-- only tells a session its own scope.
GRANT SELECT ON access_scope_mine TO PUBLIC;
