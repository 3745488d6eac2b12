/* The MSME register in PostgreSQL: region lookups, the bulk upsert of an imported
 * register (COPY into a staging table + one INSERT ... ON CONFLICT), single inserts, list
 * and show. */
#ifndef HALALTRACK_STORE_MSME_H
#define HALALTRACK_STORE_MSME_H

#include <stddef.h>
#include "halaltrack/compat.h"
#include "halaltrack/err.h"
#include "halaltrack/register.h"
#include "halaltrack/store.h"

/* Loads every kecamatan and kelurahan of the region table (with their parent) into idx,
 * sorted by code. */
int store_msme_load_regions(struct store *s, struct region_index *idx,
                            struct ht_err *err) HT_MUSTCHECK;

struct msme_upsert_counts {
    long inserted;
    long updated;
    long unchanged;
};

/* Writes n validated records (kelurahan_code resolved) in one transaction: COPY into a
 * temporary staging table, then one INSERT ... ON CONFLICT (nib) DO UPDATE that changes
 * only rows whose values differ. present is the REG_COL_BIT mask of the file's columns: a
 * column the file does not have keeps its stored value on update. With dry_run the
 * transaction is rolled back (the counts say what would happen). NIBs must be unique
 * within recs. */
int store_msme_upsert(struct store *s, const struct msme_record *recs, size_t n,
                      unsigned present, int dry_run, struct msme_upsert_counts *out,
                      struct ht_err *err) HT_MUSTCHECK;

/* Inserts one record. Returns 0, 1 when an MSME with that NIB already exists, -1 on
 * error. */
int store_msme_insert(struct store *s, const struct msme_record *rec,
                      struct ht_err *err) HT_MUSTCHECK;

/* Filters of `msme list`; NULL members do not filter. Region codes are resolved codes. */
struct msme_filter {
    const char *kecamatan_code;
    const char *kelurahan_code;
    const char *kbli_prefix;
    const char *size_class;
    const char *program;
};

/* One MSME with its region names. Owned strings; NULL for SQL NULL. */
struct msme_row {
    char *nib;
    char *business_name;
    char *owner_name;
    char *kbli;
    char *kbli_title;
    char *size_class;
    char *kelurahan_code;
    char *kelurahan_name;
    char *kecamatan_code;
    char *kecamatan_name;
    char *kota_name;
    char *address;
    char *phone;
    char *programs; /* tags joined by ';' */
    char *created_at;
    char *updated_at;
    long applications; /* rows of the application table for this MSME (by NIB or link) */
};
void msme_row_release(struct msme_row *r);
void msme_rows_free(struct msme_row *rows, size_t n);

/* MSMEs matching f, ordered by NIB. */
int store_msme_list(struct store *s, const struct msme_filter *f, struct msme_row **out,
                    size_t *n, struct ht_err *err) HT_MUSTCHECK;
/* One MSME by NIB. Returns 0, 1 when there is none, -1 on error. */
int store_msme_get(struct store *s, const char *nib, struct msme_row *out,
                   struct ht_err *err) HT_MUSTCHECK;

#endif
