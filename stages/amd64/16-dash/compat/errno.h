/* errno.h — the chain library's, plus the other Linux numbers a shell can meet. */
#ifndef _COMPAT_ERRNO_H
#define _COMPAT_ERRNO_H
#include_next <errno.h>
#define EWOULDBLOCK EAGAIN
#define ETXTBSY 26
#endif
