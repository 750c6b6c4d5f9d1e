/* sys/wait.h — the chain library's, plus stopped and continued children (job control). */
#ifndef _COMPAT_SYS_WAIT_H
#define _COMPAT_SYS_WAIT_H
#include_next <sys/wait.h>
#define WUNTRACED 2
#define WCONTINUED 8
#define WSTOPSIG(status) WEXITSTATUS(status)
#define WIFSTOPPED(status) (((status) & 0xff) == 0x7f)
#define WIFCONTINUED(status) ((status) == 0xffff)
#define WCOREDUMP(status) ((status) & 0x80)
struct rusage;
int wait3(int *status, int options, struct rusage *usage);
#endif
