/* sys/types.h — the system's integer types. */
#ifndef _SYS_TYPES_H
#define _SYS_TYPES_H
#include <stddef.h>
/* Each type is guarded by its own macro because several headers define it (unistd.h, sys/stat.h,
 * time.h), and C99 forbids the same typedef twice in one translation unit. */
#ifndef _OFF_T_DEFINED
#define _OFF_T_DEFINED
typedef long off_t;
#endif
#ifndef _PID_T_DEFINED
#define _PID_T_DEFINED
typedef int pid_t;
#endif
typedef unsigned int mode_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned long dev_t;
typedef unsigned long ino_t;
typedef unsigned long nlink_t;
typedef long blksize_t;
typedef long blkcnt_t;
#endif
