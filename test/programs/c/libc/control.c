/* control.c — setjmp and longjmp (from deep calls, with 0 becoming 1, a jmp_buf used again),
 * signal handlers that return (signal, sigaction with SA_SIGINFO, raise), a failed assert in a
 * child process (it aborts with SIGABRT), atexit's order, qsort and bsearch, strerror. */
// exit: 3
// stdout: setjmp returned 0
// stdout: setjmp returned 7 from depth 50
// stdout: setjmp returned 1 for a longjmp with 0
// stdout: again: round 2
// stdout: signal handler ran, total 20
// stdout: sigaction 0
// stdout: SA_SIGINFO handler saw 1212
// stdout: failed assert: signaled 1, signal 6
// stdout: 0 1 2 3 5 6 7 8 10 11 12 13 14 15 16 17 19 20 21 22
// stdout: bsearch 17: found
// stdout: bsearch 5: found
// stdout: apple banana cherry fig kiwi pear
// stdout: bsearch fig: 3
// stdout: strerror: No such file or directory / Numerical result out of range
// stdout: atexit: second registered, first run
// stdout: atexit: first registered, last run
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <assert.h>
#include <unistd.h>
#include <sys/wait.h>

static jmp_buf there;
static int depth_reached;
static volatile int signals_seen;
static volatile int info_signal;

static void dive(int depth, int value) {
    char local[100];
    memset(local, depth, sizeof local);
    if (depth == 50) {
        depth_reached = depth;
        longjmp(there, value);
    }
    dive(depth + 1, value);
    printf("never %d\n", local[0]);
}

static void on_signal(int number) { signals_seen += number; }

static void on_info(int number, siginfo_t *info, void *context) {
    info_signal = info->si_signo * 100 + number;
}

static void first(void) { printf("atexit: first registered, last run\n"); }
static void second(void) { printf("atexit: second registered, first run\n"); }

static int by_value(const void *a, const void *b) {
    int x = *(const int *)a;
    int y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static int by_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int main(void) {
    volatile int round = 0;
    int status;
    int pid;
    int numbers[20];
    const char *names[] = {"pear", "apple", "fig", "kiwi", "banana", "cherry"};
    const char *key = "fig";
    int wanted = 17;
    int i;
    int *found;
    const char **name;
    struct sigaction action;
    /* setjmp where C allows it: a whole controlling expression (cc keeps nothing else on the
     * stack there). */
    switch (setjmp(there)) {
    case 0:
        printf("setjmp returned 0\n");
        dive(0, 7);
        break;
    case 7:
        printf("setjmp returned 7 from depth %d\n", depth_reached);
        round = 1;
        dive(0, 0);
        break;
    case 1:
        printf("setjmp returned 1 for a longjmp with 0\n");
        round++;
        break;
    default:
        printf("setjmp returned something else\n");
    }
    if (setjmp(there) == 0) longjmp(there, 2);
    else printf("again: round %d\n", round);
    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    raise(SIGUSR1);
    printf("signal handler ran, total %d\n", signals_seen);
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_info;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    printf("sigaction %d\n", sigaction(SIGUSR2, &action, NULL));
    raise(SIGUSR2);
    printf("SA_SIGINFO handler saw %d\n", info_signal);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(2);  /* the message goes nowhere: only the status is checked */
        assert(1 + 1 == 3);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("failed assert: signaled %d, signal %d\n", WIFSIGNALED(status), WTERMSIG(status));
    assert(1 + 1 == 2);

    for (i = 0; i < 20; i++) numbers[i] = (i * 37) % 23;
    qsort(numbers, 20, sizeof numbers[0], by_value);
    for (i = 0; i < 20; i++) printf("%d%s", numbers[i], i < 19 ? " " : "\n");
    found = bsearch(&wanted, numbers, 20, sizeof numbers[0], by_value);
    printf("bsearch 17: %s\n", found && *found == 17 ? "found" : "missing");
    wanted = 5;
    printf("bsearch 5: %s\n", bsearch(&wanted, numbers, 20, sizeof numbers[0], by_value) ? "found" : "missing");
    qsort(names, 6, sizeof names[0], by_name);
    for (i = 0; i < 6; i++) printf("%s%s", names[i], i < 5 ? " " : "\n");
    name = bsearch(&key, names, 6, sizeof names[0], by_name);
    printf("bsearch fig: %d\n", name ? (int)(name - names) : -1);
    qsort(numbers, 0, sizeof numbers[0], by_value);

    printf("strerror: %s / %s\n", strerror(ENOENT), strerror(ERANGE));
    atexit(first);
    atexit(second);
    exit(3);
}
