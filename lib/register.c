/* The MSME register: header mapping, row validation, duplicate NIBs, kelurahan
 * resolution. Pure. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "halaltrack/register.h"
#include "halaltrack/csv.h"
#include "halaltrack/i18n.h"
#include "halaltrack/ident.h"
#include "halaltrack/util.h"
#include "halaltrack/banned.h"

struct col_alias {
    const char *name;
    enum register_col col;
};

/* The first name of each column is its canonical header (CONTRACTS.md). */
static const struct col_alias col_aliases[] = {
    {"nib", REG_COL_NIB},
    {"nama_usaha", REG_COL_NAME},
    {"pemilik", REG_COL_OWNER},
    {"kbli", REG_COL_KBLI},
    {"skala", REG_COL_SIZE},
    {"kode_wilayah", REG_COL_REGION},
    {"kelurahan", REG_COL_KELURAHAN},
    {"alamat", REG_COL_ADDRESS},
    {"telepon", REG_COL_PHONE},
    {"program", REG_COL_PROGRAM},
    {"sertifikat", REG_COL_CERTIFICATE},
    {"business_name", REG_COL_NAME},
    {"owner", REG_COL_OWNER},
    {"size", REG_COL_SIZE},
    {"region_code", REG_COL_REGION},
    {"address", REG_COL_ADDRESS},
    {"phone", REG_COL_PHONE},
    {"programs", REG_COL_PROGRAM},
    {"certificate", REG_COL_CERTIFICATE},
};

static int register_col_parse(const char *name, enum register_col *out)
{
    char norm[64];
    size_t n = 0;
    const char *p = name, *end;

    while (*p && isspace((unsigned char)*p))
        p++;
    end = p + strlen(p);
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if ((size_t)(end - p) >= sizeof(norm))
        return -1;
    for (; p < end; p++) {
        char c = (char)tolower((unsigned char)*p);

        norm[n++] = (c == ' ' || c == '-') ? '_' : c;
    }
    norm[n] = '\0';
    for (size_t i = 0; i < HT_ARRAY_LEN(col_aliases); i++) {
        if (strcmp(norm, col_aliases[i].name) == 0) {
            *out = col_aliases[i].col;
            return 0;
        }
    }
    return -1;
}

const char *register_size_parse(const char *s)
{
    static const char *const canon[] = {"mikro", "kecil", "menengah", "besar"};
    static const char *const english[] = {"micro", "small", "medium", "large"};

    for (size_t i = 0; i < HT_ARRAY_LEN(canon); i++)
        if (str_ieq(s, canon[i]) || str_ieq(s, english[i]))
            return canon[i];
    return NULL;
}

static void msme_record_release(struct msme_record *rec)
{
    if (!rec)
        return;
    free(rec->business_name);
    free(rec->owner_name);
    free(rec->region_code);
    free(rec->kelurahan_name);
    free(rec->kelurahan_code);
    free(rec->address);
    free(rec->phone);
    free(rec->programs);
    free(rec->certificate);
    memset(rec, 0, sizeof(*rec));
}

/* Adds an issue (line, column, printf-style reason). Returns 0 or -1 (out of memory). */
static int register_issue_add(struct register_issue **v, size_t *n, size_t *cap,
                              size_t *dropped, unsigned long line, const char *column,
                              const char *fmt, ...) HT_PRINTF(7, 8);
static int register_issue_add(struct register_issue **v, size_t *n, size_t *cap,
                              size_t *dropped, unsigned long line, const char *column,
                              const char *fmt, ...)
{
    struct register_issue *is;
    char msg[512];
    va_list ap;

    if (*n >= REGISTER_MAX_ISSUES) {
        (*dropped)++;
        return 0;
    }
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        struct register_issue *nv = realloc(*v, ncap * sizeof(*nv));

        if (!nv)
            return -1;
        *v = nv;
        *cap = ncap;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    is = &(*v)[*n];
    is->line = line;
    is->seq = *n + *dropped;
    snprintf(is->column, sizeof(is->column), "%s", column ? column : "");
    if (!(is->reason = strdup(msg)))
        return -1;
    (*n)++;
    return 0;
}

#define ISSUE(b, line, col, ...)                                                         \
    register_issue_add(&(b)->issues, &(b)->nissues, &(b)->issues_cap,                    \
                       &(b)->issues_dropped, (line), (col), __VA_ARGS__)
#define WARNING(b, line, col, ...)                                                       \
    register_issue_add(&(b)->warnings, &(b)->nwarnings, &(b)->warnings_cap,              \
                       &(b)->issues_dropped, (line), (col), __VA_ARGS__)

/* ---- regions ---- */

void region_index_release(struct region_index *idx)
{
    for (size_t i = 0; i < idx->n; i++) {
        free(idx->v[i].code);
        free(idx->v[i].name);
        free(idx->v[i].level);
        free(idx->v[i].parent_code);
        free(idx->v[i].parent_name);
    }
    free(idx->v);
    idx->v = NULL;
    idx->n = 0;
}

static int cmp_region(const void *a, const void *b)
{
    return strcmp(((const struct region_entry *)a)->code,
                  ((const struct region_entry *)b)->code);
}

void region_index_sort(struct region_index *idx)
{
    if (idx->n)
        qsort(idx->v, idx->n, sizeof(*idx->v), cmp_region);
}

static const struct region_entry *region_index_find_code(const struct region_index *idx,
                                                         const char *code)
{
    struct region_entry key = {(char *)code, NULL, NULL, NULL, NULL};

    if (!idx->n)
        return NULL;
    return bsearch(&key, idx->v, idx->n, sizeof(*idx->v), cmp_region);
}

/* Case-insensitive comparison that ignores surrounding blanks and treats runs of blanks
 * as one space. */
static int name_eq(const char *a, const char *b)
{
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    for (;;) {
        if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
            while (isspace((unsigned char)*a))
                a++;
            while (isspace((unsigned char)*b))
                b++;
            if (!*a || !*b)
                return !*a && !*b;
            continue;
        }
        if (isspace((unsigned char)*a)) {
            while (isspace((unsigned char)*a))
                a++;
            return !*a && !*b;
        }
        if (isspace((unsigned char)*b)) {
            while (isspace((unsigned char)*b))
                b++;
            return !*a && !*b;
        }
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        a++;
        b++;
    }
}

int region_code_shape(const char *s, int *ndots)
{
    int dots = 0;

    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s == '.')
            dots++;
        else if (!isdigit((unsigned char)*s))
            return 0;
    }
    if (ndots)
        *ndots = dots;
    return 1;
}

/* "3575011001" -> "35.75.01.1001" (other digit counts are left alone). */
static void dot_code(const char *in, char *out, size_t outsz)
{
    size_t n = strlen(in);
    int all_digits = n > 0;

    for (size_t i = 0; i < n; i++)
        all_digits &= isdigit((unsigned char)in[i]) != 0;
    if (all_digits && n == 10)
        snprintf(out, outsz, "%.2s.%.2s.%.2s.%.4s", in, in + 2, in + 4, in + 6);
    else if (all_digits && n == 6)
        snprintf(out, outsz, "%.2s.%.2s.%.2s", in, in + 2, in + 4);
    else
        snprintf(out, outsz, "%s", in);
}

int region_index_resolve(const struct region_index *idx, const char *level,
                         const char *text, const struct region_entry **out,
                         struct ht_err *err)
{
    const struct region_entry *found = NULL;
    size_t matches = 0;
    struct buf cands = BUF_INIT(1024);
    char code[32];

    *out = NULL;
    if (region_code_shape(text, NULL)) {
        dot_code(text, code, sizeof(code));
        found = region_index_find_code(idx, code);
        if (!found) {
            ht_err_set(err, HT_ENOTFOUND, _("unknown %s code '%s'"), level, text);
            return -1;
        }
        if (strcmp(found->level, level) != 0) {
            ht_err_set(err, HT_EINVAL, _("'%s' is a %s code, expected a %s code"), text,
                       found->level, level);
            return -1;
        }
        *out = found;
        return 0;
    }
    for (size_t i = 0; i < idx->n; i++) {
        const struct region_entry *e = &idx->v[i];

        if (strcmp(e->level, level) != 0 || !name_eq(e->name, text))
            continue;
        matches++;
        if (!found)
            found = e;
        if (buf_addf(&cands, "%s%s (%s %s, %s)", cands.len ? ", " : "", e->name,
                     e->parent_name ? e->parent_name : "-",
                     e->parent_code ? e->parent_code : "", e->code) < 0)
            buf_release(&cands); /* the message is cut short; the match still counts */
    }
    if (matches == 0) {
        ht_err_set(err, HT_ENOTFOUND, _("unknown %s '%s'"), level, text);
        return -1;
    }
    if (matches > 1) {
        ht_err_set(err, HT_ECONFLICT,
                   _("%s name '%s' is ambiguous: %s; give the code instead"), level, text,
                   buf_str(&cands));
        buf_release(&cands);
        return -1;
    }
    buf_release(&cands);
    *out = found;
    return 0;
}

/* ---- batch ---- */

void register_batch_init(struct register_batch *b, unsigned flags)
{
    memset(b, 0, sizeof(*b));
    b->flags = flags;
    for (int c = 0; c < REG_COL__COUNT; c++)
        b->col_index[c] = -1;
}

static void free_issues(struct register_issue *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].reason);
    free(v);
}

void register_batch_release(struct register_batch *b)
{
    for (size_t i = 0; i < b->nrecs; i++)
        msme_record_release(&b->recs[i]);
    free(b->recs);
    if (b->labels)
        for (size_t i = 0; i < b->ncols; i++)
            free(b->labels[i]);
    free(b->labels);
    free_issues(b->issues, b->nissues);
    free_issues(b->warnings, b->nwarnings);
    free(b->nib_slots);
    register_batch_init(b, b->flags);
}

static int set_labels(struct register_batch *b, const char *const *names, size_t n)
{
    b->labels = calloc(n ? n : 1, sizeof(*b->labels));
    if (!b->labels)
        return -1;
    b->ncols = n;
    for (size_t i = 0; i < n; i++) {
        char tmp[64];

        snprintf(tmp, sizeof(tmp), "%s", names[i]);
        str_trim(tmp);
        if (!(b->labels[i] = strdup(tmp)))
            return -1;
    }
    return 0;
}

int register_batch_header(struct register_batch *b, unsigned long line,
                          const char *const *fields, size_t n)
{
    int bad = 0;
    char expected[512];
    size_t off = 0;

    expected[0] = '\0';
    for (size_t i = 0; i < HT_ARRAY_LEN(col_aliases); i++)
        off += (size_t)snprintf(expected + off, sizeof(expected) - off, "%s%s",
                                i ? ", " : "", col_aliases[i].name);
    if (set_labels(b, fields, n) < 0)
        return -1;
    /* Spreadsheets set to an Indonesian locale export with ';' (or tabs) between fields.
     */
    if (n == 1 && (strchr(fields[0], ';') || strchr(fields[0], '\t'))) {
        int semi = strchr(fields[0], ';') != NULL;

        if (ISSUE(b, line, "header",
                  _("the header is one column: the file seems to be separated by %s, not "
                    "commas; save it as CSV with commas"),
                  semi ? _("semicolons") : _("tabs")) < 0)
            return -1;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        enum register_col c;
        const char *label = b->labels[i];
        int rc;

        if (!utf8_valid(fields[i], strlen(fields[i]))) {
            rc = ISSUE(b, line, "header", _("column %zu: invalid UTF-8"), i + 1);
            bad = 1;
        } else if (register_col_parse(fields[i], &c) < 0) {
            char name[32];

            snprintf(name, sizeof(name), _("column %zu"), i + 1);
            if (b->flags & REGISTER_ALLOW_UNKNOWN_COLUMNS) {
                rc =
                    WARNING(b, line, *label ? label : name, _("unknown column, ignored"));
            } else {
                rc = ISSUE(b, line, *label ? label : name,
                           _("unknown column (expected %s)"), expected);
                bad = 1;
            }
        } else if (b->col_index[c] >= 0) {
            rc = ISSUE(b, line, label, _("column repeats '%s' (column %d)"),
                       b->labels[b->col_index[c]], b->col_index[c] + 1);
            bad = 1;
        } else {
            b->col_index[c] = (int)i;
            snprintf(b->col_label[c], sizeof(b->col_label[c]), "%s", label);
            b->present |= REG_COL_BIT(c);
            rc = 0;
        }
        if (rc < 0)
            return -1;
    }
    if (!(b->present & REG_COL_BIT(REG_COL_NIB))) {
        if (ISSUE(b, line, "header", _("missing required column '%s'"), "nib") < 0)
            return -1;
        bad = 1;
    }
    if (!(b->present & REG_COL_BIT(REG_COL_NAME))) {
        if (ISSUE(b, line, "header", _("missing required column '%s' (or '%s')"),
                  "nama_usaha", "business_name") < 0)
            return -1;
        bad = 1;
    }
    if (!(b->present & (REG_COL_BIT(REG_COL_REGION) | REG_COL_BIT(REG_COL_KELURAHAN)))) {
        if (ISSUE(b, line, "header", _("missing required column '%s' (or '%s')"),
                  "kode_wilayah", "kelurahan") < 0)
            return -1;
        bad = 1;
    }
    return bad ? -1 : 0;
}

int register_batch_columns(struct register_batch *b, const enum register_col *cols,
                           const char *const *labels, size_t n)
{
    if (set_labels(b, labels, n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        b->col_index[cols[i]] = (int)i;
        snprintf(b->col_label[cols[i]], sizeof(b->col_label[cols[i]]), "%s", labels[i]);
        b->present |= REG_COL_BIT(cols[i]);
    }
    return 0;
}

int register_batch_bad_record(struct register_batch *b, unsigned long line, long field,
                              const char *reason)
{
    const char *col = field >= 0 && (size_t)field < b->ncols && b->labels[field][0]
                          ? b->labels[field]
                          : "record";

    b->rows++;
    b->rejected_rows++;
    return ISSUE(b, line, col, "%s", reason);
}

/* The trimmed value of a column in a row: pointer into the field and its length. A value
 * halaltrack's CSV writer defused ("'=..." for "=...") reads back as it was written. */
static const char *value_of(const struct register_batch *b, const char *const *fields,
                            enum register_col c, size_t *len)
{
    const char *p, *end;

    *len = 0;
    if (b->col_index[c] < 0)
        return NULL;
    p = csv_field_text(fields[b->col_index[c]]);
    end = p + strlen(p);
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    *len = (size_t)(end - p);
    return *len ? p : NULL;
}

/* Validates a text column: control characters (newlines only where allowed) and length.
 * Returns 1 when valid (out owned, NULL for empty), 0 when an issue was added, -1 OOM. */
static int take_text(struct register_batch *b, unsigned long line,
                     const char *const *fields, enum register_col c, size_t maxchars,
                     int multiline, char **out)
{
    size_t len;
    const char *v = value_of(b, fields, c, &len);
    char *s;

    *out = NULL;
    if (!v)
        return 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)v[i];

        if ((ch < 0x20 && !(multiline && ch == '\n')) || ch == 0x7F)
            return ISSUE(b, line, b->col_label[c],
                         multiline
                             ? _("control character (0x%02X) in the value")
                             : _("control character or line break (0x%02X) in the value"),
                         ch) < 0
                       ? -1
                       : 0;
    }
    if (!(s = xstrndup(v, len)))
        return -1;
    if (utf8_len(s) > maxchars) {
        free(s);
        return ISSUE(b, line, b->col_label[c], _("longer than %zu characters"),
                     maxchars) < 0
                   ? -1
                   : 0;
    }
    *out = s;
    return 1;
}

/* Digits with an optional leading '+'; spaces, dots, dashes and parentheses are dropped.
 * 7 to 15 digits (E.164). */
static int parse_phone(const char *v, char *out, size_t outsz, char *why, size_t whysz)
{
    size_t n = 0, digits = 0;

    for (const char *p = v; *p; p++) {
        if (*p == '+' && p == v) {
            out[n++] = '+';
        } else if (isdigit((unsigned char)*p)) {
            if (n + 1 >= outsz) {
                snprintf(why, whysz, _("phone '%s' has too many digits"), v);
                return -1;
            }
            out[n++] = *p;
            digits++;
        } else if (*p == ' ' || *p == '-' || *p == '.' || *p == '(' || *p == ')') {
            continue;
        } else {
            snprintf(why, whysz, _("phone '%s' has a character '%c' that is not a digit"),
                     v, *p);
            return -1;
        }
    }
    out[n] = '\0';
    if (digits < 7 || digits > 15) {
        snprintf(why, whysz, _("phone '%s' has %zu digits, expected 7 to 15"), v, digits);
        return -1;
    }
    return 0;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "Sehati2026; pendampingan;;" -> "pendampingan;sehati2026" (lower case, sorted, unique).
 */
static int parse_programs(const char *v, char **out, char *why, size_t whysz)
{
    char *copy = strdup(v), *tags[REGISTER_MAX_TAGS];
    size_t ntags = 0;
    struct buf joined = BUF_INIT(REGISTER_MAX_TAGS * (REGISTER_MAX_TAG + 1) + 1);
    char *p, *next;
    int rc = -1;

    *out = NULL;
    why[0] = '\0';
    if (!copy)
        return -1;
    for (p = copy; p; p = next) {
        char *semi = strchr(p, ';');

        next = semi ? semi + 1 : NULL;
        if (semi)
            *semi = '\0';
        str_trim(p);
        if (!*p)
            continue;
        for (char *q = p; *q; q++) {
            *q = (char)tolower((unsigned char)*q);
            if (!isalnum((unsigned char)*q) && *q != '_' && *q != '-') {
                snprintf(
                    why, whysz,
                    _("program tag '%s' has a character '%c' (allowed: letters, digits, "
                      "'_' and '-'; tags are separated by ';')"),
                    p, *q);
                goto out;
            }
        }
        if (strlen(p) > REGISTER_MAX_TAG) {
            snprintf(why, whysz, _("program tag '%.40s...' is longer than %d characters"),
                     p, REGISTER_MAX_TAG);
            goto out;
        }
        if (ntags == REGISTER_MAX_TAGS) {
            snprintf(why, whysz, _("more than %d program tags"), REGISTER_MAX_TAGS);
            goto out;
        }
        tags[ntags++] = p;
    }
    if (ntags)
        qsort(tags, ntags, sizeof(*tags), cmp_cstr);
    for (size_t i = 0; i < ntags; i++) {
        if (i && strcmp(tags[i], tags[i - 1]) == 0)
            continue;
        if ((joined.len && buf_addch(&joined, ';') < 0) || buf_adds(&joined, tags[i]) < 0)
            goto out;
    }
    *out = buf_detach(&joined);
    rc = *out ? 0 : -1;
out:
    buf_release(&joined);
    free(copy);
    return rc;
}

/* The column helpers below validate one column of a row into rec. Each returns 0 (the
 * value is taken, or an issue names what is wrong with it) or -1 when out of memory. */

/* The value of a column cut to at most cap bytes, into out (outsz > cap); 0 if empty. */
static int value_copy(const struct register_batch *b, const char *const *fields,
                      enum register_col c, char *out, size_t outsz, size_t cap)
{
    size_t len;
    const char *v = value_of(b, fields, c, &len);

    if (!v)
        return 0;
    snprintf(out, outsz, "%.*s", (int)(len < cap ? len : cap), v);
    return 1;
}

static int issue_missing(struct register_batch *b, unsigned long line,
                         enum register_col c)
{
    return ISSUE(b, line, b->col_label[c], "%s", _("missing required field"));
}

static int take_nib(struct register_batch *b, unsigned long line,
                    const char *const *fields, struct msme_record *rec)
{
    struct ht_err e = HT_ERR_INIT;
    char nib[256];

    if (!value_copy(b, fields, REG_COL_NIB, nib, sizeof(nib), 255))
        return issue_missing(b, line, REG_COL_NIB);
    if (ident_check_nib(nib, &e) < 0)
        return ISSUE(b, line, b->col_label[REG_COL_NIB], "%s", e.msg);
    memcpy(rec->nib, nib, sizeof(rec->nib)); /* 13 digits and the NUL: checked */
    return 0;
}

static int take_name(struct register_batch *b, unsigned long line,
                     const char *const *fields, struct msme_record *rec)
{
    int rc = take_text(b, line, fields, REG_COL_NAME, REGISTER_MAX_NAME, 0,
                       &rec->business_name);

    if (rc == 1 && !rec->business_name)
        return issue_missing(b, line, REG_COL_NAME);
    return rc < 0 ? -1 : 0;
}

static int take_kbli(struct register_batch *b, unsigned long line,
                     const char *const *fields, struct msme_record *rec)
{
    struct ht_err e = HT_ERR_INIT;
    char kbli[64];

    if (!value_copy(b, fields, REG_COL_KBLI, kbli, sizeof(kbli), 60))
        return 0;
    if (strlen(kbli) > 5 || ident_check_kbli(kbli, &e) < 0) {
        if (!ht_err_isset(&e))
            ht_err_set(&e, HT_EINVAL, _("KBLI '%s' is not 5 digits"), kbli);
        return ISSUE(b, line, b->col_label[REG_COL_KBLI], "%s", e.msg);
    }
    memcpy(rec->kbli, kbli, 6); /* 5 digits and the NUL */
    return 0;
}

static int take_size(struct register_batch *b, unsigned long line,
                     const char *const *fields, struct msme_record *rec)
{
    char sz[64];

    if (!value_copy(b, fields, REG_COL_SIZE, sz, sizeof(sz), 60))
        return 0;
    if ((rec->size_class = register_size_parse(sz)) != NULL)
        return 0;
    return ISSUE(b, line, b->col_label[REG_COL_SIZE],
                 _("unknown size class '%s' (expected mikro, kecil, menengah or besar)"),
                 sz);
}

/* kode_wilayah and kelurahan: one of them is required; the code must be a kelurahan's. */
static int take_region(struct register_batch *b, unsigned long line,
                       const char *const *fields, struct msme_record *rec)
{
    struct ht_err e = HT_ERR_INIT;
    enum region_level lvl;
    char raw[64], code[64];
    size_t len;
    int rc;

    if (value_copy(b, fields, REG_COL_REGION, raw, sizeof(raw), 60)) {
        dot_code(raw, code, sizeof(code));
        if (ident_check_region_code(code, &lvl, &e) < 0)
            rc = ISSUE(b, line, b->col_label[REG_COL_REGION], "%s", e.msg);
        else if (lvl != REGION_KELURAHAN)
            rc = ISSUE(b, line, b->col_label[REG_COL_REGION],
                       _("region code '%s' is a %s code, expected a kelurahan code such "
                         "as 35.75.01.1001"),
                       raw, ident_region_level_name(lvl));
        else
            rc = (rec->region_code = strdup(code)) ? 0 : -1;
        if (rc < 0)
            return -1;
    }
    if (take_text(b, line, fields, REG_COL_KELURAHAN, 100, 0, &rec->kelurahan_name) < 0)
        return -1;
    if (!value_of(b, fields, REG_COL_REGION, &len) &&
        !value_of(b, fields, REG_COL_KELURAHAN, &len)) {
        enum register_col c =
            b->col_index[REG_COL_REGION] >= 0 ? REG_COL_REGION : REG_COL_KELURAHAN;

        return ISSUE(b, line, b->col_label[c], _("missing required field (%s or %s)"),
                     "kode_wilayah", "kelurahan");
    }
    return 0;
}

static int take_phone(struct register_batch *b, unsigned long line,
                      const char *const *fields, struct msme_record *rec)
{
    char raw[128], norm[32], why[256];

    if (!value_copy(b, fields, REG_COL_PHONE, raw, sizeof(raw), 120))
        return 0;
    if (parse_phone(raw, norm, sizeof(norm), why, sizeof(why)) < 0)
        return ISSUE(b, line, b->col_label[REG_COL_PHONE], "%s", why);
    return (rec->phone = strdup(norm)) ? 0 : -1;
}

static int take_programs(struct register_batch *b, unsigned long line,
                         const char *const *fields, struct msme_record *rec)
{
    size_t len;
    const char *v = value_of(b, fields, REG_COL_PROGRAM, &len);
    char *raw = v ? xstrndup(v, len) : strdup("");
    char why[256];
    int rc;

    if (!raw)
        return -1;
    rc = parse_programs(raw, &rec->programs, why, sizeof(why));
    free(raw);
    if (rc < 0 && !why[0])
        return -1;
    return rc < 0 ? ISSUE(b, line, b->col_label[REG_COL_PROGRAM], "%s", why) : 0;
}

/* A certificate number the MSME reports: 3 to 40 letters, digits, '.', '/' or '-'
 * (verified later against the public search by the daemon). */
static int take_certificate(struct register_batch *b, unsigned long line,
                            const char *const *fields, struct msme_record *rec)
{
    char raw[128];
    size_t n;

    if (!value_copy(b, fields, REG_COL_CERTIFICATE, raw, sizeof(raw), 120))
        return 0;
    n = strlen(raw);
    if (n < 3 || n > 40 ||
        strspn(raw,
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./-") != n)
        return ISSUE(
            b, line, b->col_label[REG_COL_CERTIFICATE],
            _("certificate number '%s' must be 3 to 40 letters, digits, '.', '/' "
              "or '-' (e.g. ID35110000000010001)"),
            raw);
    return (rec->certificate = strdup(raw)) ? 0 : -1;
}

static int blank_row(const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (const char *p = fields[i]; *p; p++)
            if (!isspace((unsigned char)*p))
                return 0;
    return 1;
}

/* The field count and the encoding of a row. Returns 0 when fine, 1 when the row is
 * rejected (an issue says why), -1 when out of memory. */
static int check_shape(struct register_batch *b, unsigned long line,
                       const char *const *fields, size_t n)
{
    if (n != b->ncols)
        return ISSUE(b, line, "record",
                     _("has %zu fields, expected %zu as in the header"), n, b->ncols) < 0
                   ? -1
                   : 1;
    for (int c = 0; c < REG_COL__COUNT; c++) {
        const char *f = b->col_index[c] >= 0 ? fields[b->col_index[c]] : NULL;

        if (f && !utf8_valid(f, strlen(f)))
            return ISSUE(b, line, b->col_label[c], "%s", _("invalid UTF-8")) < 0 ? -1 : 1;
    }
    return 0;
}

static int append_record(struct register_batch *b, const struct msme_record *rec)
{
    if (b->nrecs == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 256;
        struct msme_record *nv = realloc(b->recs, ncap * sizeof(*nv));

        if (!nv)
            return -1;
        b->recs = nv;
        b->cap = ncap;
    }
    b->recs[b->nrecs++] = *rec;
    return 0;
}

int register_batch_row(struct register_batch *b, unsigned long line,
                       const char *const *fields, size_t n)
{
    struct msme_record rec;
    size_t before = b->nissues + b->issues_dropped;
    int rc;

    if (blank_row(fields, n))
        return 1;
    b->rows++;
    if ((rc = check_shape(b, line, fields, n)) != 0) {
        b->rejected_rows += rc > 0;
        return rc;
    }
    memset(&rec, 0, sizeof(rec));
    rec.line = line;
    /* Every column is checked, so that one pass lists all the problems of the row. */
    if (take_nib(b, line, fields, &rec) < 0 || take_name(b, line, fields, &rec) < 0 ||
        take_text(b, line, fields, REG_COL_OWNER, REGISTER_MAX_OWNER, 0,
                  &rec.owner_name) < 0 ||
        take_text(b, line, fields, REG_COL_ADDRESS, REGISTER_MAX_ADDRESS, 1,
                  &rec.address) < 0 ||
        take_kbli(b, line, fields, &rec) < 0 || take_size(b, line, fields, &rec) < 0 ||
        take_region(b, line, fields, &rec) < 0 || take_phone(b, line, fields, &rec) < 0 ||
        take_programs(b, line, fields, &rec) < 0 ||
        take_certificate(b, line, fields, &rec) < 0)
        rc = -1;
    else if (b->nissues + b->issues_dropped != before)
        rc = 1;
    else
        rc = append_record(b, &rec);
    if (rc != 0)
        msme_record_release(&rec);
    b->rejected_rows += rc == 1;
    return rc;
}

static uint64_t hash_nib(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void reject(struct register_batch *b, struct msme_record *r)
{
    if (!r->bad) {
        r->bad = 1;
        b->rejected_recs++;
    }
}

long register_batch_check_duplicates(struct register_batch *b)
{
    size_t cap = 16;
    long rejected = 0;
    size_t *slots;

    while (cap < b->nrecs * 2)
        cap *= 2;
    slots = malloc(cap * sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < cap; i++)
        slots[i] = SIZE_MAX;
    /* The first record with a NIB keeps it; every later one is rejected, naming the
     * first. */
    for (size_t i = 0; i < b->nrecs; i++) {
        struct msme_record *r = &b->recs[i];
        size_t h = (size_t)(hash_nib(r->nib) & (cap - 1));

        while (slots[h] != SIZE_MAX && strcmp(b->recs[slots[h]].nib, r->nib) != 0)
            h = (h + 1) & (cap - 1);
        if (slots[h] == SIZE_MAX) {
            slots[h] = i;
            continue;
        }
        if (ISSUE(b, r->line, b->col_label[REG_COL_NIB],
                  _("duplicate NIB '%s' in the file (first on line %lu)"), r->nib,
                  b->recs[slots[h]].line) < 0) {
            rejected = -1;
            break;
        }
        reject(b, r);
        rejected++;
    }
    free(slots);
    return rejected;
}

long register_batch_resolve(struct register_batch *b, const struct region_index *idx)
{
    long rejected = 0;

    for (size_t i = 0; i < b->nrecs; i++) {
        struct msme_record *r = &b->recs[i];
        const struct region_entry *by_code = NULL, *by_name = NULL;
        struct ht_err e = HT_ERR_INIT;
        int bad = 0;

        if (r->bad)
            continue;
        if (r->region_code) {
            by_code = region_index_find_code(idx, r->region_code);
            if (!by_code || strcmp(by_code->level, "kelurahan") != 0) {
                if (ISSUE(b, r->line, b->col_label[REG_COL_REGION],
                          _("unknown kelurahan code '%s'"), r->region_code) < 0)
                    return -1;
                bad = 1;
            }
        }
        if (r->kelurahan_name &&
            region_index_resolve(idx, "kelurahan", r->kelurahan_name, &by_name, &e) < 0) {
            if (ISSUE(b, r->line, b->col_label[REG_COL_KELURAHAN], "%s", e.msg) < 0)
                return -1;
            bad = 1;
        }
        if (!bad && by_code && by_name && by_code != by_name) {
            if (ISSUE(b, r->line, b->col_label[REG_COL_KELURAHAN],
                      _("kelurahan '%s' is %s, but %s says %s"), r->kelurahan_name,
                      by_name->code, b->col_label[REG_COL_REGION], by_code->code) < 0)
                return -1;
            bad = 1;
        }
        if (bad) {
            reject(b, r);
            rejected++;
            continue;
        }
        free(r->kelurahan_code);
        if (!(r->kelurahan_code = strdup(by_code ? by_code->code : by_name->code)))
            return -1;
    }
    return rejected;
}

static int cmp_issue(const void *a, const void *b)
{
    const struct register_issue *x = a, *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void register_batch_finish(struct register_batch *b)
{
    size_t k = 0;

    for (size_t i = 0; i < b->nrecs; i++) {
        if (b->recs[i].bad)
            msme_record_release(&b->recs[i]);
        else
            b->recs[k++] = b->recs[i];
    }
    b->nrecs = k;
    if (b->nissues)
        qsort(b->issues, b->nissues, sizeof(*b->issues), cmp_issue);
}

size_t register_batch_rejected(const struct register_batch *b)
{
    return b->rejected_rows + b->rejected_recs;
}
