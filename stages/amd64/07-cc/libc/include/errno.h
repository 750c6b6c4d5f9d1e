/* errno.h — the number of the last failed system call's error. */
#ifndef _ERRNO_H
#define _ERRNO_H
extern int errno;
#define ENOENT 2
#define EBADF 9
#define ENOMEM 12
#define EACCES 13
#define EEXIST 17
#define EINVAL 22
#endif
