/* halaltrack-serve's configuration (serve.conf): its own file, so that the service holds
 * its own database login and never the daemon's API password. One table of keys, parsed
 * with libinih like halaltrack.conf (lib/cfg.c); `halaltrack msme issue-code` reads the
 * [self_service] keys of the same file (the pepper and the page's address). */
#ifndef HALALTRACK_SERVE_CFG_H
#define HALALTRACK_SERVE_CFG_H

#include "halaltrack/compat.h"
#include "halaltrack/err.h"

#define SERVE_CFG_FILE "serve.conf"

struct serve_cfg {
    /* [database] */
    char *conninfo; /* secret */
    char *schema;
    long statement_timeout; /* seconds */
    long pool;              /* connections */
    /* [http] */
    char *listen;          /* host:port, loopback by default */
    char *trusted_proxies; /* addresses whose X-Forwarded-For is believed */
    long max_connections;
    long max_per_client;
    long timeout;  /* seconds a connection may stay idle or slow */
    long max_body; /* bytes of a request body */
    /* [self_service] */
    char *pepper_file;
    char *public_url;
    long answer_ms; /* every self-service answer takes a multiple of this */
    char *kdf;
    long kdf_threads; /* hashes computed at once */
    /* [log] */
    char *log_level;
    int access_log;
    char *path;
};

/* Loads path (every key has a default; unknown keys and bad values are errors naming
 * file:line and key; conninfo is never printed). Returns NULL with err set. */
struct serve_cfg *serve_cfg_load(const char *path, struct ht_err *err) HT_MUSTCHECK;
void serve_cfg_free(struct serve_cfg *c);
/* The default path: HALALTRACK_SERVE_CONFIG, else <sysconfdir>/halaltrack/serve.conf. */
const char *serve_cfg_default_path(void);

#endif
