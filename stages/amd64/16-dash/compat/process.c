/* process.c — the process, group, terminal and limit calls a shell needs that the chain's C
 * library (stage 07-cc) does not have yet: each is one Linux x86-64 system call, with the
 * library's convention (a result from -4095 to -1 is an error: -1 and errno). */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/wait.h>

long __syscall(long number, ...);

static long result(long value) {
    if (value < 0 && value > -4096) {
        errno = -value;
        return -1;
    }
    return value;
}

pid_t getppid(void) { return result(__syscall(110)); }
uid_t getuid(void) { return result(__syscall(102)); }
uid_t geteuid(void) { return result(__syscall(107)); }
gid_t getgid(void) { return result(__syscall(104)); }
gid_t getegid(void) { return result(__syscall(108)); }
int getgroups(int size, gid_t list[]) { return result(__syscall(115, size, list)); }
int setpgid(pid_t pid, pid_t group) { return result(__syscall(109, pid, group)); }
pid_t getpgrp(void) { return result(__syscall(111)); }
mode_t umask(mode_t mask) { return __syscall(95, mask); }
int fchdir(int fd) { return result(__syscall(81, fd)); }
int pipe2(int fds[2], int flags) { return result(__syscall(293, fds, flags)); }

/* fcntl's third argument is an int or a pointer; passing it on as a long covers both. */
int fcntl(int fd, int command, ...) {
    va_list args;
    long argument;
    va_start(args, command);
    argument = va_arg(args, long);
    va_end(args);
    return result(__syscall(72, fd, command, argument));
}

int ioctl(int fd, unsigned long request, ...) {
    va_list args;
    long argument;
    va_start(args, request);
    argument = va_arg(args, long);
    va_end(args);
    return result(__syscall(16, fd, request, argument));
}

pid_t tcgetpgrp(int fd) {
    int group;
    if (ioctl(fd, TIOCGPGRP, &group) < 0) return -1;
    return group;
}
int tcsetpgrp(int fd, pid_t group) { return ioctl(fd, TIOCSPGRP, &group); }

int killpg(pid_t group, int signal) {
    if (group < 0) {
        errno = EINVAL;
        return -1;
    }
    return kill(-group, signal);
}

/* The kernel's sigset is 8 bytes on x86-64, as is the library's sigset_t. */
int sigsuspend(const sigset_t *mask) { return result(__syscall(130, mask, 8)); }

/* vfork as fork: dash's child only execs or exits, which fork allows too (fork is the stronger
 * promise, and needs no assembly to keep the parent's stack safe). */
pid_t vfork(void) { return fork(); }

int wait3(int *status, int options, struct rusage *usage) {
    return result(__syscall(61, -1, status, options, usage));
}

int getrlimit(int resource, struct rlimit *limit) {
    return result(__syscall(302, 0, resource, 0, limit));
}
int setrlimit(int resource, const struct rlimit *limit) {
    return result(__syscall(302, 0, resource, limit, 0));
}

clock_t times(struct tms *buffer) { return result(__syscall(100, buffer)); }

/* sysconf for the names dash asks and the library does not answer (compat/unistd.h points
 * sysconf here): Linux's clock tick for times is 100 per second on x86-64. */
#undef sysconf
long compat_sysconf(int name) {
    if (name == _SC_CLK_TCK) return 100;
    if (name == _SC_NGROUPS_MAX) return 65536;
    return sysconf(name);
}
