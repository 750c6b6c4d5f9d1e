/* limits.h — the chain library's, plus Linux's longest file name. */
#ifndef _COMPAT_LIMITS_H
#define _COMPAT_LIMITS_H
#include_next <limits.h>
#define NAME_MAX 255
#define NGROUPS_MAX 65536
#endif
