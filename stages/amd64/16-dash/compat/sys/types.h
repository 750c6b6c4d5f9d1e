/* sys/types.h — the chain library's, plus time_t and clock_t, which POSIX puts here too
 * (dash's mail.c uses time_t with no other header). */
#ifndef _COMPAT_SYS_TYPES_H
#define _COMPAT_SYS_TYPES_H
#include_next <sys/types.h>
#include <time.h>
#endif
