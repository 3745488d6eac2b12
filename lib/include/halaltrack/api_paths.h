/* Every path of the national API in one table (the daemon builds its URLs from it,
 * halalsim routes by it), and the building of a URL from a base, a path and escaped
 * parameters. Pure: no I/O. docs/national-api.md cites the evidence for each path. */
#ifndef HALALTRACK_API_PATHS_H
#define HALALTRACK_API_PATHS_H

#include <stddef.h>
#include "halaltrack/buf.h"
#include "halaltrack/compat.h"

enum api_path {
    API_AUTH = 0,            /* POST, the authentication host */
    API_APPLICATIONS,        /* GET, the office's applications, paged */
    API_DETAIL_REGULER,      /* GET, {id} = id_reg */
    API_DETAIL_SELF_DECLARE, /* GET, {id} = id_reg */
    API_PROGRAMMES,          /* GET, the office's facilitation programmes, paged */
    API_CERT_SEARCH,         /* GET, public certificate search (no token) */
    API_PATH__COUNT
};

/* Which configured host list a path is called on. */
enum api_host { API_HOST_CORE = 0, API_HOST_AUTH, API_HOST__COUNT };

struct api_path_def {
    enum api_path id;
    enum api_host host;
    const char *method; /* "GET" or "POST" */
    const char *tmpl;   /* "/api/v1/.../{id}/detail"; at most one {id} */
    const char *name;   /* stable short name, e.g. for counters: "detail_reguler" */
    int with_token;     /* sends Authorization: Bearer */
};

/* The definition of p. Never NULL for a valid p. */
const struct api_path_def *api_path_get(enum api_path p);

/* True when id may stand in a path segment: 1..64 characters of [A-Za-z0-9._-], and
 * not made of dots only ("." and ".." would walk the path). */
int api_id_valid(const char *id);

/* Writes base + the path of p into out (reset first): {id} becomes segment, which must
 * pass api_id_valid; query is NULL or key, value pairs ending with a NULL key, where a
 * NULL or empty value leaves its key out. Every value is percent-encoded (RFC 3986
 * unreserved characters kept). Returns 0, or -1 for an invalid segment, a template that
 * needs one and got none, or a full buffer. */
int api_url_build(struct buf *out, const char *base, enum api_path p, const char *segment,
                  const char *const *query) HT_MUSTCHECK;

/* Finds the path of a request path (no query string): returns its id and copies the
 * {id} segment into seg (empty when the template has none), or -1 when no template
 * matches or the segment is not a valid id. For the simulator's router. */
int api_path_match(const char *path, char *seg, size_t segsz);

#endif
