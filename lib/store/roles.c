/* Least-privilege roles and their grants on the current schema. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_int.h"
#include "halaltrack/buf.h"
#include "halaltrack/store_roles.h"
#include "halaltrack/banned.h"

static int valid_prefix(const char *p)
{
    size_t n = p ? strlen(p) : 0;

    if (n < 1 || n > 30 || !(p[0] >= 'a' && p[0] <= 'z'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') ||
              p[i] == '_'))
            return 0;
    return 1;
}

/* The roles and the ownership of the schema, as one DO block; @P@ stands for the prefix.
 * Needs a role that may create roles and owns the database (`db init-roles`, run as a
 * superuser). */
static const char roles_sql[] =
    "DO $do$\n"
    "DECLARE r text; t record;\n"
    "BEGIN\n"
    "  -- The owner: a non-superuser role owning the schema and everything in it, so "
    "that\n"
    "  -- forced row-level security also holds through the views it owns.\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '@P@_owner') THEN\n"
    "    CREATE ROLE @P@_owner NOLOGIN;\n"
    "  END IF;\n"
    "  EXECUTE format('ALTER SCHEMA %I OWNER TO @P@_owner', current_schema());\n"
    "  FOR t IN SELECT c.relname, c.relkind FROM pg_class c\n"
    "           WHERE c.relnamespace = current_schema()::regnamespace\n"
    "             AND c.relkind IN ('r', 'v', 'm', 'p') LOOP\n"
    "    EXECUTE format('ALTER %s %I OWNER TO @P@_owner',\n"
    "                   CASE t.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED "
    "VIEW'\n"
    "                   ELSE 'TABLE' END, t.relname);\n"
    "  END LOOP;\n"
    "  FOR t IN SELECT p.oid::regprocedure AS sig FROM pg_proc p\n"
    "           WHERE p.pronamespace = current_schema()::regnamespace LOOP\n"
    "    EXECUTE format('ALTER ROUTINE %s OWNER TO @P@_owner', t.sig);\n"
    "  END LOOP;\n"
    "  FOREACH r IN ARRAY ARRAY['@P@_daemon', '@P@_reader', '@P@_report', "
    "'@P@_self_service', '@P@_serve'] LOOP\n"
    "    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN\n"
    "      EXECUTE format('CREATE ROLE %I NOLOGIN', r);\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "  -- Temporary objects are how a caller would stand in for one of ours: only the "
    "weekly\n"
    "  -- report (its as-of table, also made by halaltrack-serve's weekly pages) and the "
    "owner\n"
    "  -- may create them in this database.\n"
    "  IF has_database_privilege('public', current_database(), 'TEMPORARY') THEN\n"
    "    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', "
    "current_database());\n"
    "  END IF;\n"
    "  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO @P@_report, @P@_serve, "
    "@P@_owner',\n"
    "                 current_database());\n"
    "END\n"
    "$do$";

/* The grants, as one DO block; @P@ stands for the prefix. Runs as the schema's owner too
 * (`db migrate` re-applies it after it re-created the definitions). Tables the daemon
 * writes get INSERT/UPDATE (and DELETE where it keeps scratch or lease state); everything
 * else it only reads. Readers (the unscoped one and every kecamatan reader role) get the
 * v_* views and nothing else; the report role reads the tables and records its runs;
 * halaltrack-serve's role (_serve) reads the tables its pages show, scoped per request by
 * row-level security (it is named in request_scoped_role, not in unscoped_role), and is
 * the only one to execute the self-service and request-scope functions; the daemon
 * alone the retention (prune_history); the other
 * functions (the SECURITY DEFINER ones behind v_sla_breach and v_goal_progress among
 * them) go to the daemon, report, reader and serve roles. The self-service role of
 * earlier versions (_self_service, kiosk logins) keeps nothing, not even the schema.
 * Access codes, attempts, tickets, tokens, request scopes and the role tables stay the
 * owner's. A role that does not exist (yet) is left out: `db migrate` re-applies these
 * grants after an upgrade that brought a new role, before `db init-roles` created it. */
static const char grants_sql[] =
    "DO $do$\n"
    "DECLARE\n"
    "  d text := CASE WHEN to_regrole('@P@_daemon') IS NOT NULL THEN '@P@_daemon' END;\n"
    "  rep text := CASE WHEN to_regrole('@P@_report') IS NOT NULL THEN '@P@_report' "
    "END;\n"
    "  ss text := CASE WHEN to_regrole('@P@_self_service') IS NOT NULL THEN "
    "'@P@_self_service' END;\n"
    "  sv text := CASE WHEN to_regrole('@P@_serve') IS NOT NULL THEN '@P@_serve' END;\n"
    "  readers text[]; r text; t record; cols text;\n"
    "BEGIN\n"
    "  SELECT array_remove(ARRAY[CASE WHEN to_regrole('@P@_reader') IS NOT NULL\n"
    "                                 THEN '@P@_reader' END], NULL)\n"
    "         || coalesce(array_agg(DISTINCT s.role_name ORDER BY s.role_name), '{}')\n"
    "    INTO readers FROM reader_scope s JOIN pg_roles g ON g.rolname = s.role_name;\n"
    "  INSERT INTO unscoped_role (role_name) VALUES ('@P@_owner'), ('@P@_daemon'), "
    "('@P@_reader'),\n"
    "         ('@P@_report') ON CONFLICT DO NOTHING;\n"
    "  -- The kiosk role of earlier versions keeps nothing: kiosks call "
    "halaltrack-serve.\n"
    "  DELETE FROM unscoped_role WHERE role_name = '@P@_self_service';\n"
    "  INSERT INTO request_scoped_role (role_name) VALUES ('@P@_serve') ON CONFLICT DO "
    "NOTHING;\n"
    "  FOREACH r IN ARRAY array_remove(ARRAY[d, rep, ss, sv], NULL) || readers LOOP\n"
    "    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', "
    "current_schema(), r);\n"
    "    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', "
    "current_schema(), r);\n"
    "    EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM %I', "
    "current_schema(), r);\n"
    "    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), r);\n"
    "  END LOOP;\n"
    "  IF ss IS NOT NULL THEN\n"
    "    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), ss);\n"
    "  END IF;\n"
    "  SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols\n"
    "    FROM pg_attribute a WHERE a.attrelid = 'msme'::regclass AND a.attnum > 0\n"
    "     AND NOT a.attisdropped AND a.attname NOT LIKE 'access\\_%';\n"
    "";
/* The second part of the grants (C strings stay under 4095 bytes). */
static const char grants_sql_tables[] =
    "  FOR t IN SELECT c.relname, c.relkind FROM pg_class c\n"
    "           WHERE c.relnamespace = current_schema()::regnamespace\n"
    "             AND c.relkind IN ('r', 'v', 'm', 'p') LOOP\n"
    "    IF t.relname IN ('schema_migration', 'schema_definitions', "
    "'self_service_attempt',\n"
    "                     'reader_scope', 'unscoped_role', 'msme_access_code',\n"
    "                     'self_service_ticket', 'api_token', 'api_request',\n"
    "                     'request_scoped_role', 'change_counter', 'change_pending') "
    "THEN\n"
    "      CONTINUE;\n"
    "    END IF;\n"
    "    FOREACH r IN ARRAY array_remove(ARRAY[d, rep], NULL) LOOP\n"
    "      IF t.relname = 'msme' THEN\n"
    "        EXECUTE format('GRANT SELECT (%s) ON msme TO %I', cols, r);\n"
    "        -- the daemon's public-search schedule (issue 14)\n"
    "        IF r = d THEN\n"
    "          EXECUTE format('GRANT UPDATE (pubsearch_at) ON msme TO %I', r);\n"
    "        END IF;\n"
    "      ELSIF r = rep OR t.relname NOT IN ('report_run', 'goal',\n"
    "                                                   'weekly_snapshot') THEN\n"
    "        EXECUTE format('GRANT SELECT ON %I TO %I', t.relname, r);\n"
    "      END IF;\n"
    "    END LOOP;\n"
    "    IF d IS NOT NULL AND (t.relname IN ('application', 'stage_event', "
    "'quarantine',\n"
    "                                        'sync_run', 'sync_state', 'rate_budget',\n"
    "                                        'budget_grant', 'list_staging',\n"
    "                                        'facilitation_programme', "
    "'public_certificate',\n"
    "                                        'certificate_match')\n"
    "                          OR t.relname LIKE 'sync\\_%' OR t.relname LIKE "
    "'staging%') THEN\n"
    "      EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO %I', t.relname, d);\n"
    "    END IF;\n"
    "    IF t.relkind = 'v' AND t.relname LIKE 'v\\_%' THEN\n"
    "      FOREACH r IN ARRAY readers || array_remove(ARRAY[sv], NULL) LOOP\n"
    "        EXECUTE format('GRANT SELECT ON %I TO %I', t.relname, r);\n"
    "      END LOOP;\n"
    "    END IF;\n"
    "    -- halaltrack-serve reads what its pages and API show, row-level security "
    "scoping\n"
    "    -- every row to the current request (access_scope_mine).\n"
    "    IF sv IS NOT NULL AND t.relname IN ('msme', 'application', 'stage_event', "
    "'region',\n"
    "                                        'kbli', 'holiday', 'stage_def', "
    "'status_code_def',\n"
    "                                        'goal', 'sync_state', 'sync_run', "
    "'quarantine',\n"
    "                                        'change_log', 'facilitation_programme',\n"
    "                                        'certificate_match', 'public_certificate',\n"
    "                                        'setting', 'channel_def',\n"
    "                                        'step_def', 'step_limit', 'step_code',\n"
    "                                        'step_extension', 'app_now', 'goal_hit') "
    "THEN\n"
    "      EXECUTE format('GRANT SELECT ON %I TO %I', t.relname, sv);\n"
    "    END IF;\n"
    "    IF sv IS NOT NULL AND t.relname = 'weekly_snapshot' THEN\n"
    "      EXECUTE format('GRANT SELECT, INSERT ON weekly_snapshot TO %I', sv);\n"
    "    END IF;\n"
    "  END LOOP;\n"
    "  IF d IS NOT NULL THEN\n"
    "    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', "
    "current_schema(), d);\n"
    "  END IF;\n"
    "  IF rep IS NOT NULL THEN\n"
    "    EXECUTE format('GRANT INSERT ON report_run TO %I', rep);\n"
    "    -- closed weeks' reports, stored once; replaced on request (--recompute "
    "--replace)\n"
    "    EXECUTE format('GRANT INSERT, UPDATE ON weekly_snapshot TO %I', rep);\n"
    "    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I',\n"
    "                   pg_get_serial_sequence('report_run', 'id'), rep);\n"
    "  END IF;\n"
    "";
/* The third part: the functions' grants. */
static const char grants_sql_functions[] =
    "  FOR t IN SELECT p.oid::regprocedure AS sig, p.proname FROM pg_proc p\n"
    "           WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = "
    "'f'\n"
    "             AND NOT EXISTS (SELECT 1 FROM pg_depend e\n"
    "                              WHERE e.classid = 'pg_proc'::regclass AND e.objid = "
    "p.oid\n"
    "                                AND e.deptype = 'e') LOOP\n"
    "    FOREACH r IN ARRAY CASE\n"
    "                       WHEN t.proname IN ('self_service_begin', "
    "'self_service_verify',\n"
    "                                          'api_request_begin')\n"
    "                       THEN array_remove(ARRAY[sv], NULL)\n"
    "                       WHEN t.proname = 'prune_history' THEN array_remove(ARRAY[d], "
    "NULL)\n"
    "                       -- the maintained tables are written by the owner's triggers "
    "only\n"
    "                       WHEN t.proname IN ('maintained_refresh', "
    "'maintained_refresh_goals',\n"
    "                                          'maintained_rebuild') THEN '{}'::text[]\n"
    "                       WHEN t.proname = 'maintained_diff' THEN "
    "array_remove(ARRAY[d, "
    "rep], NULL)\n"
    "                       ELSE array_remove(ARRAY[d, rep, sv], NULL) || readers END "
    "LOOP\n"
    "      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', t.sig, r);\n"
    "    END LOOP;\n"
    "  END LOOP;\n"
    "END\n"
    "$do$";

/* Appends tmpl to b with every "@P@" replaced by prefix. */
static int expand(struct buf *b, const char *tmpl, const char *prefix)
{
    const char *p;

    while ((p = strstr(tmpl, "@P@"))) {
        if (buf_add(b, tmpl, (size_t)(p - tmpl)) < 0 || buf_adds(b, prefix) < 0)
            return -1;
        tmpl = p + 3;
    }
    return buf_adds(b, tmpl);
}

int store_apply_grants(struct store *s, const char *prefix, struct ht_err *err)
{
    struct buf sql = BUF_INIT(BUF_CAP_SMALL);
    int rc;

    if (!valid_prefix(prefix)) {
        ht_err_set(err, HT_EINVAL,
                   "invalid role prefix '%s' (lowercase letters, digits, _)", prefix);
        return -1;
    }
    if (expand(&sql, grants_sql, prefix) < 0 ||
        expand(&sql, grants_sql_tables, prefix) < 0 ||
        expand(&sql, grants_sql_functions, prefix) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    rc = store_exec(s, buf_str(&sql), err);
    buf_release(&sql);
    return rc;
}

int store_init_roles(struct store *s, const char *prefix, const struct role_scope *scopes,
                     size_t nscopes, struct ht_err *err)
{
    struct buf sql = BUF_INIT(BUF_CAP_SMALL);
    char reader[64];
    int rc = -1;

    if (!prefix || !*prefix)
        prefix = "halaltrack";
    if (!valid_prefix(prefix)) {
        ht_err_set(err, HT_EINVAL,
                   "invalid role prefix '%s' (lowercase letters, digits, _)", prefix);
        return -1;
    }
    snprintf(reader, sizeof(reader), "%s_reader", prefix);
    if (expand(&sql, roles_sql, prefix) < 0) {
        ht_err_set(err, HT_ENOMEM, "out of memory");
        return -1;
    }
    if (store_begin(s, err) < 0)
        goto out;
    /* One init-roles at a time per database: two would update the same catalog rows
     * (the database's ACL, shared roles) and one would fail. */
    if (store_exec(s, "SELECT pg_advisory_xact_lock(hashtext('halaltrack.init-roles'))",
                   err) < 0 ||
        store_exec(s, buf_str(&sql), err) < 0)
        goto out;
    for (size_t i = 0; i < nscopes; i++) {
        const char *p[2] = {scopes[i].role, scopes[i].kecamatan};
        char *found = NULL;
        int q;

        if (!valid_prefix(scopes[i].role)) {
            ht_err_set(err, HT_EINVAL, "invalid role name '%s'", scopes[i].role);
            goto out;
        }
        q = store_query_value(
            s, "SELECT code FROM region WHERE code = $1 AND level = 'kecamatan'", 1,
            p + 1, &found, err);
        free(found);
        if (q < 0)
            goto out;
        if (q == 1) {
            ht_err_set(err, HT_ENOTFOUND, "'%s' is not a kecamatan code",
                       scopes[i].kecamatan);
            goto out;
        }
        /* The scoped role gets its own grants (store_apply_grants, below), never
         * membership in the unscoped reader: SET ROLE must not lead out of the scope.
         * Earlier versions granted it; that membership goes. */
        buf_reset(&sql);
        if (buf_addf(
                &sql,
                "DO $do$ BEGIN\n"
                "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%s') THEN\n"
                "    CREATE ROLE %s NOLOGIN;\n"
                "  END IF;\n"
                "  IF EXISTS (SELECT 1 FROM pg_auth_members m\n"
                "             WHERE m.roleid = '%s'::regrole AND m.member = "
                "'%s'::regrole) THEN\n"
                "    REVOKE %s FROM %s;\n"
                "  END IF;\n"
                "END $do$",
                scopes[i].role, scopes[i].role, reader, scopes[i].role, reader,
                scopes[i].role) < 0) {
            ht_err_set(err, HT_ENOMEM, "out of memory");
            goto out;
        }
        if (store_exec(s, buf_str(&sql), err) < 0)
            goto out;
        if (store_command(
                s,
                "INSERT INTO reader_scope (role_name, kecamatan_code) VALUES ($1, $2)"
                " ON CONFLICT DO NOTHING",
                2, p, NULL, err) < 0)
            goto out;
    }
    if (store_apply_grants(s, prefix, err) < 0 || store_commit(s, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        store_rollback(s);
    buf_release(&sql);
    return rc;
}
