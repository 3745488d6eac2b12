-- Row-level security fails closed: a role sees the rows of msme, application and
-- stage_event only when it is named here (every kecamatan) or in reader_scope (its
-- kecamatan), itself or through a role it is a member of. The roles' grants
-- (lib/store/roles.c, re-applied by `db migrate` once `db init-roles` ran) fill this
-- table with the owner, daemon, reader, report and self-service roles; the rule is the
-- view access_scope_mine in sql/definitions/.
CREATE TABLE unscoped_role (
    role_name text PRIMARY KEY CHECK (role_name ~ '^[a-z][a-z0-9_]{0,62}$')
);
