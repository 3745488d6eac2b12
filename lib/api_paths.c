/* The national API's paths in one table, and URL building with escaped parts. */
#include <string.h>
#include "halaltrack/api_paths.h"
#include "halaltrack/banned.h"

/* The evidence for each path is in docs/national-api.md. */
static const struct api_path_def paths[] = {
    {API_AUTH, API_HOST_AUTH, "POST", "/api/authenticate", "authenticate", 0},
    {API_APPLICATIONS, API_HOST_CORE, "GET", "/api/v1/halal-certificate-reguler/inquiry",
     "inquiry", 1},
    {API_DETAIL_REGULER, API_HOST_CORE, "GET",
     "/api/v1/halal-certificate-reguler/business-actor/{id}/detail", "detail_reguler", 1},
    {API_DETAIL_SELF_DECLARE, API_HOST_CORE, "GET",
     "/api/v1/halal-certificate-reguler/{id}/detail", "detail_self_declare", 1},
    {API_PROGRAMMES, API_HOST_CORE, "GET", "/api/v1/fasilitator/search",
     "fasilitator_search", 1},
    {API_CERT_SEARCH, API_HOST_CORE, "GET", "/api/search/sertifikat", "search_sertifikat",
     0},
};

_Static_assert(HT_ARRAY_LEN(paths) == API_PATH__COUNT, "one row per enum api_path");

const struct api_path_def *api_path_get(enum api_path p)
{
    return (unsigned)p < HT_ARRAY_LEN(paths) ? &paths[p] : &paths[0];
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

int api_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    int dots = 1;

    if (n == 0 || n > 64)
        return 0;
    for (const char *p = id; *p; p++) {
        if (!unreserved((unsigned char)*p) || *p == '~')
            return 0;
        dots &= *p == '.';
    }
    return !dots;
}

static int add_escaped(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        if (unreserved(*p) ? buf_addch(b, (char)*p) < 0 : buf_add(b, e, 3) < 0)
            return -1;
    }
    return 0;
}

int api_url_build(struct buf *out, const char *base, enum api_path p, const char *segment,
                  const char *const *query)
{
    const char *t = api_path_get(p)->tmpl, *hole = strstr(t, "{id}");
    int first = 1;

    buf_reset(out);
    if (buf_adds(out, base) < 0)
        return -1;
    if (hole) {
        if (!api_id_valid(segment) || buf_add(out, t, (size_t)(hole - t)) < 0 ||
            add_escaped(out, segment) < 0 || buf_adds(out, hole + 4) < 0)
            return -1;
    } else if (buf_adds(out, t) < 0) {
        return -1;
    }
    for (size_t i = 0; query && query[i]; i += 2) {
        if (!query[i + 1] || !*query[i + 1])
            continue;
        if (buf_addch(out, first ? '?' : '&') < 0 || add_escaped(out, query[i]) < 0 ||
            buf_addch(out, '=') < 0 || add_escaped(out, query[i + 1]) < 0)
            return -1;
        first = 0;
    }
    return 0;
}

int api_path_match(const char *path, char *seg, size_t segsz)
{
    for (int i = 0; i < (int)HT_ARRAY_LEN(paths); i++) {
        const char *t = paths[i].tmpl, *hole = strstr(t, "{id}");
        size_t pre, post, plen = strlen(path);

        if (!hole) {
            if (strcmp(path, t) == 0) {
                if (segsz)
                    seg[0] = '\0';
                return i;
            }
            continue;
        }
        pre = (size_t)(hole - t);
        post = strlen(hole + 4);
        if (plen <= pre + post || strncmp(path, t, pre) != 0 ||
            strcmp(path + plen - post, hole + 4) != 0)
            continue;
        if (plen - pre - post >= segsz)
            continue;
        memcpy(seg, path + pre, plen - pre - post);
        seg[plen - pre - post] = '\0';
        if (!api_id_valid(seg))
            continue; /* e.g. "business-actor/X" under the self-declare template */
        return i;
    }
    return -1;
}
