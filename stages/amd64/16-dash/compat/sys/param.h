/* sys/param.h — dash includes it for nothing more than the C library's limits. */
#ifndef _SYS_PARAM_H
#define _SYS_PARAM_H
#include <limits.h>
#endif
