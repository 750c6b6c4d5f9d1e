/* fcntl.h — the chain library's, plus fcntl and its commands (Linux numbers). */
#ifndef _COMPAT_FCNTL_H
#define _COMPAT_FCNTL_H
#include_next <fcntl.h>
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define O_NOFOLLOW 131072
int fcntl(int fd, int command, ...);
#endif
