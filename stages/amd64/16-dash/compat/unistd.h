/* unistd.h — the chain library's, plus the process, group and file calls a shell needs. */
#ifndef _COMPAT_UNISTD_H
#define _COMPAT_UNISTD_H
#include_next <unistd.h>
#include <sys/types.h>
pid_t getppid(void);
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int size, gid_t list[]);
int setpgid(pid_t pid, pid_t group);
pid_t getpgrp(void);
pid_t vfork(void);
int fchdir(int fd);
int pipe2(int fds[2], int flags);
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t group);
extern char *optarg;
extern int optind;
#define _SC_CLK_TCK 2
#define _SC_NGROUPS_MAX 3
long compat_sysconf(int name);
#define sysconf compat_sysconf
#endif
