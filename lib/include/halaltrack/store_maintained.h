/* The maintained answers (sql/0019_maintained.sql): their comparison with a recomputation
 * from the history (`halaltrack db check`, the tests). */
#ifndef HALALTRACK_STORE_MAINTAINED_H
#define HALALTRACK_STORE_MAINTAINED_H

#include "halaltrack/store.h"

/* Every difference between the maintained tables and their recomputation
 * (maintained_diff), one row each: table, key, the maintained row, the recomputed row
 * (NULL cells where a side has no row); no rows when they agree. Runs in one read-only
 * transaction (one snapshot for both sides) without the session's statement timeout: it
 * reads the whole history. Returns 0, or -1 with err set; the caller releases *out. */
int store_maintained_diff(struct store *s, struct store_rows *out,
                          struct ht_err *err) HT_MUSTCHECK;

#endif
