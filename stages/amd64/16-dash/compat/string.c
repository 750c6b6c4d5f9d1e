/* string.c — stpcpy, stpncpy, strchrnul and strsignal, which the chain's C library lacks. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

char *stpcpy(char *to, const char *from) {
    while ((*to = *from++)) to++;
    return to;
}

char *stpncpy(char *to, const char *from, size_t n) {
    size_t length = strnlen(from, n);
    memcpy(to, from, length);
    memset(to + length, 0, n - length);
    return to + length;
}

char *strchrnul(const char *s, int c) {
    while (*s && *s != (char)c) s++;
    return (char *)s;
}

/* The descriptions Linux's C libraries give, which dash prints for a job a signal ended. */
static const char *const descriptions[] = {
    "Unknown signal 0", "Hangup", "Interrupt", "Quit", "Illegal instruction",
    "Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception", "Killed",
    "User defined signal 1", "Segmentation fault", "User defined signal 2", "Broken pipe",
    "Alarm clock", "Terminated", "Stack fault", "Child exited", "Continued", "Stopped (signal)",
    "Stopped", "Stopped (tty input)", "Stopped (tty output)", "Urgent I/O condition",
    "CPU time limit exceeded", "File size limit exceeded", "Virtual timer expired",
    "Profiling timer expired", "Window changed", "I/O possible", "Power failure",
    "Bad system call",
};

char *strsignal(int signal) {
    static char unknown[32];
    if (signal >= 0 && signal < (int)(sizeof descriptions / sizeof descriptions[0]))
        return (char *)descriptions[signal];
    if (signal >= SIGRTMIN && signal <= SIGRTMAX)
        snprintf(unknown, sizeof unknown, "Real-time signal %d", signal - SIGRTMIN);
    else
        snprintf(unknown, sizeof unknown, "Unknown signal %d", signal);
    return unknown;
}
