/* signal.h — the chain library's, plus the signals of job control and the rest of Linux x86-64's
 * numbers (dash names them in kill -l and trap), NSIG, and sigsuspend. */
#ifndef _COMPAT_SIGNAL_H
#define _COMPAT_SIGNAL_H
#include_next <signal.h>
#define SIGSTKFLT 16
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define NSIG 65
#define SIGRTMIN 34
#define SIGRTMAX 64
int sigsuspend(const sigset_t *mask);
int killpg(pid_t group, int signal);
#endif
