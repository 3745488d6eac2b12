/* Least-privilege roles: daemon (writes what it syncs), reader (documented views only),
 * report (reads the tables, records its runs), serve (halaltrack-serve: reads what its
 * pages show, scoped per request), kecamatan-limited readers, and self_service (the kiosk
 * role of earlier versions, left with nothing). */
#ifndef HALALTRACK_STORE_ROLES_H
#define HALALTRACK_STORE_ROLES_H

#include <stddef.h>
#include "halaltrack/store.h"

/* A reader role limited to one kecamatan. */
struct role_scope {
    const char *role; /* created NOLOGIN if missing; its own grants, never a member of
                       * <prefix>_reader */
    const char *kecamatan; /* "35.75.01" */
};

/* Creates (if missing) the NOLOGIN group roles <prefix>_owner (made owner of the schema
 * and all its objects; later migrations run as it), <prefix>_daemon, <prefix>_reader,
 * <prefix>_report, <prefix>_serve and <prefix>_self_service and grants them exactly their
 * privileges on the current schema (idempotent: run again after migrations add tables).
 * Scoped readers are recorded in reader_scope and get the reader's grants of their own.
 * Revokes TEMPORARY on the database from PUBLIC. Needs a superuser (or a role that may
 * create roles and owns the database). prefix: [a-z][a-z0-9_]{0,30}, default
 * "halaltrack". Returns 0 or -1. */
int store_init_roles(struct store *s, const char *prefix, const struct role_scope *scopes,
                     size_t nscopes, struct ht_err *err) HT_MUSTCHECK;

/* Grants the roles <prefix>_daemon, _reader, _report, _serve, _self_service and every
 * kecamatan reader role exactly their privileges on the current schema's objects, and
 * names the unscoped ones in unscoped_role (the grant part of store_init_roles; the roles
 * must exist). Runs as the schema's owner too: `db migrate` calls it after re-creating
 * the views and functions. Must run inside the caller's transaction. Returns 0 or -1. */
int store_apply_grants(struct store *s, const char *prefix,
                       struct ht_err *err) HT_MUSTCHECK;

#endif
