/* Compiler attributes shared by every module: HT_MUSTCHECK, HT_PRINTF, HT_NORETURN. */
#ifndef HALALTRACK_COMPAT_H
#define HALALTRACK_COMPAT_H

#define HT_MUSTCHECK __attribute__((warn_unused_result))
#define HT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define HT_NORETURN __attribute__((noreturn))
#define HT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
