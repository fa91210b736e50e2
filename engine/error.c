/* One-line error messages, built where a failure is understood. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int sf_error_set(sf_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
