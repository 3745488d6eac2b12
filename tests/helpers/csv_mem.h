/* A CSV reader over bytes in memory, for tests and fuzz targets (the programs read files
 * through csv_reader_new with a read function of their own). */
#ifndef HT_CSV_MEM_H
#define HT_CSV_MEM_H

#include <stddef.h>
#include "halaltrack/csv.h"

struct csv_mem {
    struct csv_reader *r; /* read records with csv_next(m.r, ...) */
    const char *data;     /* borrowed: must outlive the reader */
    size_t len, pos;
};

/* Opens m over len bytes of data; lim NULL = the defaults. Returns 0, or -1 when out of
 * memory. m must stay where it is until csv_mem_close. */
int csv_mem_open(struct csv_mem *m, const char *data, size_t len,
                 const struct csv_limits *lim);
void csv_mem_close(struct csv_mem *m);

#endif
