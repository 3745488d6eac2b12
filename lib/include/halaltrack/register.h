/* The office's MSME register: header mapping, row validation into struct msme_record,
 * duplicate detection, kelurahan resolution against the region table. Pure: no I/O, no
 * database (lib/store/msme.c does that). */
#ifndef HALALTRACK_REGISTER_H
#define HALALTRACK_REGISTER_H

#include <stddef.h>
#include "halaltrack/buf.h"
#include "halaltrack/compat.h"
#include "halaltrack/err.h"

/* The columns of the register CSV (see docs/register.md and CONTRACTS.md). */
enum register_col {
    REG_COL_NIB = 0,
    REG_COL_NAME,        /* nama_usaha | business_name */
    REG_COL_OWNER,       /* pemilik | owner */
    REG_COL_KBLI,        /* kbli */
    REG_COL_SIZE,        /* skala | size */
    REG_COL_REGION,      /* kode_wilayah | region_code */
    REG_COL_KELURAHAN,   /* kelurahan (a kelurahan name) */
    REG_COL_ADDRESS,     /* alamat | address */
    REG_COL_PHONE,       /* telepon | phone */
    REG_COL_PROGRAM,     /* program | programs */
    REG_COL_CERTIFICATE, /* sertifikat | certificate: a number the MSME reports */
    REG_COL__COUNT
};
#define REG_COL_BIT(c) (1u << (c))

/* Length caps (characters), the same as the msme table's checks. */
#define REGISTER_MAX_NAME 200
#define REGISTER_MAX_OWNER 200
#define REGISTER_MAX_ADDRESS 500
#define REGISTER_MAX_TAG 40
#define REGISTER_MAX_TAGS 20
/* At most this many issues are kept; the rest are only counted. */
#define REGISTER_MAX_ISSUES 100000u

/* "mikro", "kecil", "menengah", "besar" from any accepted spelling (case-insensitive,
 * English micro/small/medium/large); NULL when unknown. Static storage. */
const char *register_size_parse(const char *s);

/* One validated register row. Strings are owned; optional ones are NULL when empty. */
struct msme_record {
    unsigned long line; /* physical line where the record starts (0 for `msme add`) */
    char nib[14];
    char *business_name;
    char *owner_name;
    char kbli[6];           /* "" when absent */
    const char *size_class; /* static canonical name, NULL when absent */
    char *region_code;      /* kelurahan code as given (dotted), NULL when absent */
    char *kelurahan_name;   /* kelurahan name as given, NULL when absent */
    char *kelurahan_code;   /* resolved code (set by register_batch_resolve) */
    char *address;
    char *phone;       /* normalised: digits with an optional leading '+' */
    char *programs;    /* tags joined by ';', sorted, unique; "" when none */
    char *certificate; /* a halal certificate number the MSME reports, NULL when none */
    int bad;           /* rejected after validation (duplicate, unknown kelurahan) */
};

/* A problem with the input: FILE:LINE: column: reason. line 0 = not tied to a line. */
struct register_issue {
    unsigned long line;
    size_t seq; /* order of discovery, keeps the sort stable */
    char column[64];
    char *reason;
};

/* A kelurahan or kecamatan row of the region table, for name resolution. */
struct region_entry {
    char *code;
    char *name;
    char *level;       /* "kecamatan" or "kelurahan" */
    char *parent_code; /* kecamatan of a kelurahan */
    char *parent_name;
};
struct region_index {
    struct region_entry *v;
    size_t n;
};
void region_index_release(struct region_index *idx);
/* True when s is digits and dots only (a region code such as 35.75.01.1001 rather than a
 * name); *ndots (may be NULL) gets the number of dots. */
int region_code_shape(const char *s, int *ndots);
/* Sorts by code; call once after filling v (the store does it). */
void region_index_sort(struct region_index *idx);
/* Resolves a region of the given level ("kecamatan"/"kelurahan") given by code or by
 * name (case-insensitive, surrounding and repeated blanks ignored). Returns 0 with the
 * entry, or -1 with err explaining: unknown, wrong level, or ambiguous (naming every
 * candidate with its kecamatan and code). */
int region_index_resolve(const struct region_index *idx, const char *level,
                         const char *text, const struct region_entry **out,
                         struct ht_err *err);

#define REGISTER_ALLOW_UNKNOWN_COLUMNS                                                   \
    1u /* unknown header columns are warnings, ignored */

/* A register being read: the header, the rows accepted so far, the issues found. */
struct register_batch {
    unsigned flags;
    int col_index[REG_COL__COUNT]; /* field index of each column in the file, -1 absent */
    char col_label[REG_COL__COUNT][64]; /* the header text used for each column */
    char **labels;    /* header text of every field (for naming columns in errors) */
    size_t ncols;     /* fields in the header */
    unsigned present; /* REG_COL_BIT mask of columns present */
    struct msme_record *recs;
    size_t nrecs, cap;
    size_t rows;          /* data records seen (good and bad) */
    size_t rejected_rows; /* rows rejected before becoming records */
    size_t rejected_recs; /* records rejected later (duplicates, regions) */
    struct register_issue *issues;
    size_t nissues, issues_cap, issues_dropped;
    struct register_issue *warnings;
    size_t nwarnings, warnings_cap;
    /* NIB -> record index (open addressing) for duplicate detection. */
    size_t *nib_slots;
    size_t nib_slots_cap;
};

void register_batch_init(struct register_batch *b, unsigned flags);
void register_batch_release(struct register_batch *b);
/* Maps the header row. Unknown columns are errors (warnings with
 * REGISTER_ALLOW_UNKNOWN_COLUMNS); duplicate columns and missing required ones (nib,
 * nama_usaha, kode_wilayah or kelurahan) are errors. Returns 0, or -1 when the header is
 * unusable (issues say why; no row can be read). */
int register_batch_header(struct register_batch *b, unsigned long line,
                          const char *const *fields, size_t n) HT_MUSTCHECK;
/* Sets the columns directly (for `msme add`): cols[i] is the column of field i and
 * labels[i] the name used in messages (e.g. "--nib"). */
int register_batch_columns(struct register_batch *b, const enum register_col *cols,
                           const char *const *labels, size_t n) HT_MUSTCHECK;
/* Validates one data row. Returns 0 when accepted (appended to recs), 1 when rejected
 * (issues say why), -1 when out of memory. A row whose fields are all empty is skipped
 * (returns 1 without an issue and is not counted). */
int register_batch_row(struct register_batch *b, unsigned long line,
                       const char *const *fields, size_t n) HT_MUSTCHECK;
/* Records a row the CSV reader could not parse (field is the 0-based field, -1 = record).
 */
int register_batch_bad_record(struct register_batch *b, unsigned long line, long field,
                              const char *reason) HT_MUSTCHECK;
/* Rejects every row whose NIB already appeared on an earlier accepted row of the file
 * (the first occurrence is kept; each later one is reported naming the first line).
 * Returns the number of rows rejected, -1 on OOM. */
long register_batch_check_duplicates(struct register_batch *b) HT_MUSTCHECK;
/* Resolves kode_wilayah / kelurahan of every good record against idx (kelurahan level),
 * setting kelurahan_code or rejecting the row. Returns the number rejected, -1 on OOM. */
long register_batch_resolve(struct register_batch *b,
                            const struct region_index *idx) HT_MUSTCHECK;
/* Drops rejected records, sorts issues by line. After this, recs are the good rows. */
void register_batch_finish(struct register_batch *b);
/* Rows rejected in total (parse errors + bad records). */
size_t register_batch_rejected(const struct register_batch *b);

#endif
