/* What every configuration file of halaltrack shares: an INI file read with libinih
 * with its line numbers, and a table of keys (struct cfg_key: section, name, type,
 * offset into the struct it fills, flags, default). halaltrack.conf (cfg.c) and
 * serve.conf (serve_cfg.c) are each one table over this module. */
#ifndef HALALTRACK_CFG_FILE_H
#define HALALTRACK_CFG_FILE_H

#include "halaltrack/cfg.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* Where a key stands in its file, for error messages ("path:line: ..."). */
struct cfg_pos {
    const char *path;
    int line;
};

/* Called once per key = value. Returns 0 to go on; -1 to stop, with err set (the
 * message names pos itself). */
typedef int (*cfg_key_fn)(void *user, const struct cfg_pos *pos, const char *section,
                          const char *name, const char *value, struct ht_err *err);

/* Reads path, calling fn for every key in order. An unreadable file, fn's error or a
 * syntax error ("path:line: syntax error ...") returns -1 with err set. */
int cfg_file_parse(const char *path, cfg_key_fn fn, void *user,
                   struct ht_err *err) HT_MUSTCHECK;

/* The key (section, name) of a table ending in a {NULL} row, or NULL. */
const struct cfg_key *cfg_key_find(const struct cfg_key *keys, const char *section,
                                   const char *name);
/* Parses value by k's type into base + k->offset (a string is copied; the old one is
 * freed, wiped first when secret). On a bad value err says why, without the value when
 * the key is secret. */
int cfg_key_set(void *base, const struct cfg_key *k, const char *value,
                struct ht_err *err) HT_MUSTCHECK;
/* Sets every key that has a default. */
int cfg_keys_defaults(void *base, const struct cfg_key *keys,
                      struct ht_err *err) HT_MUSTCHECK;
/* Frees every string key (secret ones wiped first). */
void cfg_keys_free(void *base, const struct cfg_key *keys);

#endif
