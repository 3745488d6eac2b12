-- The kecamatan this session may see in msme, application and stage_event: the
-- row-level security policies (090_row_level_security.sql) and every view and SECURITY
-- DEFINER function over those tables read it. One row.
--
-- A role's scope:
--   * a superuser or a BYPASSRLS role: every kecamatan;
--   * a member of a role named in request_scoped_role (halaltrack-serve's role): what
--     the current request was granted, read from the one api_request row this
--     transaction inserted through api_request_begin (a bearer token: every kecamatan or
--     one) or self_service_verify (a proven access code: that one MSME); no row, nothing.
--     The row cannot be forged (only those functions insert it), is invisible to every
--     other transaction and never commits (sql/definitions/083), so the scope holds for
--     one request whatever the service's C code does;
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
-- it is not), nib (the one MSME a self-service request may see, else NULL), read_ok
-- (false when the views cannot enforce the scope: the schema's tables belong to a role
-- that bypasses row-level security, a superuser after a migrate before `db init-roles`
-- or after pg_restore --no-owner, and the session is scoped; the views and definer
-- functions then return nothing until `db init-roles` gives the objects back to the
-- owner role).
CREATE VIEW access_scope_mine AS
WITH who AS (
    SELECT DISTINCT r.oid, r.rolsuper OR r.rolbypassrls AS bypass,
           NOT (r.rolsuper OR r.rolbypassrls)
           AND EXISTS (SELECT 1 FROM request_scoped_role q
                         JOIN pg_roles g ON g.rolname = q.role_name
                        WHERE pg_has_role(r.oid, g.oid, 'MEMBER')) AS per_request
      FROM pg_roles r
     WHERE r.rolname IN (session_user, current_user)
), req AS (
    SELECT t.scope_kind, t.kecamatan_code, r.nib
      FROM api_request r
      LEFT JOIN api_token t ON t.id = r.token_id AND t.revoked_at IS NULL
     WHERE r.backend_pid = pg_backend_pid()
       AND (SELECT count(*) FROM api_request x WHERE x.backend_pid = pg_backend_pid()) = 1
), scoped AS (
    SELECT w.oid, s.kecamatan_code
      FROM who w
      JOIN reader_scope s ON true
      JOIN pg_roles g ON g.rolname = s.role_name
     WHERE NOT w.bypass AND NOT w.per_request AND pg_has_role(w.oid, g.oid, 'MEMBER')
    UNION ALL
    SELECT w.oid, q.kecamatan_code
      FROM who w JOIN req q ON q.scope_kind = 'kecamatan'
     WHERE w.per_request
), per_role AS (
    SELECT w.oid,
           w.bypass
           OR (w.per_request AND EXISTS (SELECT 1 FROM req q WHERE q.scope_kind = 'kota'))
           OR (NOT w.per_request
               AND NOT EXISTS (SELECT 1 FROM scoped x WHERE x.oid = w.oid)
               AND EXISTS (SELECT 1 FROM unscoped_role u
                             JOIN pg_roles g ON g.rolname = u.role_name
                            WHERE pg_has_role(w.oid, g.oid, 'MEMBER')))
               AS all_kecamatan,
           CASE WHEN w.per_request THEN (SELECT q.nib FROM req q) END AS nib
      FROM who w
), scope AS (
    SELECT bool_and(p.all_kecamatan) AS all_kecamatan,
           ARRAY(SELECT x.kecamatan_code
                   FROM scoped x JOIN per_role q ON q.oid = x.oid AND NOT q.all_kecamatan
                  GROUP BY x.kecamatan_code
                 HAVING count(DISTINCT x.oid) =
                        (SELECT count(*) FROM per_role WHERE NOT all_kecamatan)
                  ORDER BY x.kecamatan_code) AS kecamatan,
           -- The one MSME: when every role that is not unscoped is limited to it.
           CASE WHEN bool_and(p.nib IS NOT NULL) FILTER (WHERE NOT p.all_kecamatan)
                 AND count(DISTINCT p.nib) FILTER (WHERE NOT p.all_kecamatan) = 1
                THEN min(p.nib) FILTER (WHERE NOT p.all_kecamatan) END AS nib
      FROM per_role p
)
SELECT s.all_kecamatan, s.kecamatan, s.nib,
       s.all_kecamatan OR NOT (SELECT o.rolsuper OR o.rolbypassrls
                                 FROM pg_class c
                                 JOIN pg_roles o ON o.oid = c.relowner
                                WHERE c.oid = 'msme'::regclass) AS read_ok
  FROM scope s;
-- Every role that reads these tables evaluates the policies, which read this view: it
-- only tells a session its own scope.
GRANT SELECT ON access_scope_mine TO PUBLIC;
