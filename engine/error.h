/* Errors: every fallible function returns 0 or a negative code and, where a
 * person needs to know what went wrong, fills an sf_error with one line that
 * names what and where (file, line or byte offset). The message is built once,
 * where the failure is understood. */
#ifndef SF_ERROR_H
#define SF_ERROR_H

#include <errno.h>

enum {
    SF_EINPUT = -1000, /* bad input: a malformed file, an unknown id (exit 1) */
    SF_EUSAGE = -1001, /* bad usage: an unknown flag, a bad value (exit 2) */
};

typedef struct sf_error {
    char msg[512];
} sf_error;

/* Formats msg into err (when err is not NULL) and returns code, so callers
 * can write `return sf_error_set(err, SF_EINPUT, "%s:%llu: ...", ...)`. */
int sf_error_set(sf_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
