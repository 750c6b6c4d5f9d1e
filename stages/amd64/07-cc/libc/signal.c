/* signal.c — signals (rt_sigaction and rt_sigprocmask of Linux), and what a program of one thread
 * needs of semaphores, and assert's failure. What it leaves out: sigsuspend, sigaltstack, sigqueue and the other real-time signal calls,
 * and semaphores shared between processes or threads. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <semaphore.h>
#include <unistd.h>

/* The handlers a program installed, by signal number. Not static: signal_enter's asm names it by
 * its plain name, a label cc gives only to globals that are not static (gen_alias in gen.b0). */
void *__libc_signal_handlers[65];

#if defined __KINDLING_CC__ && !defined __aarch64__
/* signal_return: where a handler returns to: the rt_sigreturn system call, with rsp where the
 * kernel left it (this function's frame is taken down first). */
static void signal_return(void) {
    asm("DEFINE libc_signal_return 4889EC5DB80F0000000F05");
    /* mov rsp,rbp  pop rbp  mov eax,15  syscall */
    asm("libc_signal_return");
}

/* The kernel calls a handler the x86-64 System V way (the signal, the siginfo_t and the
 * ucontext_t in rdi, rsi and rdx); cc's functions take their arguments on the stack, so the
 * kernel is given signal_enter, which pushes the three and calls the program's handler. */
static void signal_enter(void) {
    asm("DEFINE libc_signal_enter 525657488B04FD");
    /* push rdx  push rsi  push rdi  mov rax,[rdi*8 + __libc_signal_handlers] */
    asm("libc_signal_enter &__libc_signal_handlers");
    asm("DEFINE libc_signal_call FFD04883C418");
    /* call rax  add rsp,24 */
    asm("libc_signal_call");
}
#define SIGNAL_ENTER ((sighandler_t)signal_enter)
#elif defined __KINDLING_CC__
/* On AArch64 (cc --target aarch64) the kernel calls a handler with the signal, the siginfo_t and
 * the ucontext_t in x0, x1 and x2, on sp, which cc's code leaves where the kernel started the
 * program: cc's stack (x27) starts 64 KiB below it (gen_start), so the kernel's signal frame
 * lands in between. signal_enter pushes the three on x27, calls the program's handler the cc way
 * and then makes the rt_sigreturn system call itself (139), which puts every register back. */
static void signal_return(void) {
    asm("DEFINE libc_signal_return 681180D2010000D4");
    /* mov x8,#139  svc #0 */
    asm("libc_signal_return");
}

static void signal_enter(void) {
    asm("DEFINE libc_signal_enter 628F1FF8618F1FF8608F1FF85000001802000014");
    /* str x2,[x27,#-8]!  str x1,[x27,#-8]!  str x0,[x27,#-8]!  ldr w16,.+8  b .+8: the
       table's address, the 32-bit word that follows */
    asm("libc_signal_enter $__libc_signal_handlers");
    asm("DEFINE libc_signal_call 107A60F87E0000107E8F1FF800021FD67B630091681180D2010000D4");
    /* ldr x16,[x16,x0,lsl #3]  adr x30,.+12  str x30,[x27,#-8]!  br x16  add x27,x27,#24
       mov x8,#139  svc #0 */
    asm("libc_signal_call");
}
#define SIGNAL_ENTER ((sighandler_t)signal_enter)
#else
/* Other compilers call handlers the kernel's way already: only the restorer is needed. */
void __libc_signal_return(void);
__asm__(".text\n.globl __libc_signal_return\n__libc_signal_return:\n    mov $15, %eax\n    syscall\n");
#define signal_return __libc_signal_return
#define SIGNAL_ENTER copy.sa_handler
#endif

/* sigaction: the kernel's call, with signal_enter as the handler (for a handler that is not
 * SIG_DFL or SIG_IGN) and signal_return as the restorer the kernel needs on x86-64. The old
 * action reported is the program's handler. */
int sigaction(int number, const struct sigaction *action, struct sigaction *old) {
    struct sigaction copy;
    void *previous;
    long r;
    if (number < 1 || number > 64) {
        errno = EINVAL;
        return -1;
    }
    previous = __libc_signal_handlers[number];
    if (action) {
        copy = *action;
        copy.sa_flags |= SA_RESTORER;
        copy.sa_restorer = signal_return;
        if (copy.sa_handler != SIG_DFL && copy.sa_handler != SIG_IGN) {
            __libc_signal_handlers[number] = (void *)copy.sa_handler;
            copy.sa_handler = SIGNAL_ENTER;
        }
        action = &copy;
    }
    /* 13: rt_sigaction; 8: the size of the kernel's signal set, the only one it accepts. On failure
     * the table is put back, so the program's view stays what the kernel has. */
    r = __syscall(13, number, action, old, 8);
    if (r < 0) {
        __libc_signal_handlers[number] = previous;
        errno = -r;
        return -1;
    }
#ifdef __KINDLING_CC__
    if (old && old->sa_handler == SIGNAL_ENTER) old->sa_handler = (sighandler_t)previous;
#endif
    return 0;
}

/* signal: sigaction with SA_RESTART; the previous handler or SIG_ERR. */
sighandler_t signal(int number, sighandler_t handler) {
    struct sigaction action;
    struct sigaction old;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    /* SA_RESTART: a read or write the signal interrupts is resumed, as glibc's signal() does, so
     * old programs that never check EINTR keep working. */
    action.sa_flags = SA_RESTART;
    if (sigaction(number, &action, &old) < 0) return SIG_ERR;
    return old.sa_handler;
}

/* sigprocmask: the kernel's rt_sigprocmask (a sigset_t is the kernel's 64 bits). */
int sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    long r = __syscall(14, how, set, old, 8);
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return 0;
}

/* sigemptyset, sigfillset, sigaddset, sigdelset, sigismember: bit n - 1 of the set is signal n. */
int sigemptyset(sigset_t *set) {
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set) {
    *set = ~(sigset_t)0;
    return 0;
}

int sigaddset(sigset_t *set, int number) {
    if (number < 1 || number > 64) {
        errno = EINVAL;
        return -1;
    }
    *set |= (sigset_t)1 << (number - 1);
    return 0;
}

int sigdelset(sigset_t *set, int number) {
    if (number < 1 || number > 64) {
        errno = EINVAL;
        return -1;
    }
    *set &= ~((sigset_t)1 << (number - 1));
    return 0;
}

int sigismember(const sigset_t *set, int number) {
    if (number < 1 || number > 64) return 0;
    return (*set >> (number - 1)) & 1;
}

/* raise: the signal to this process (kill(getpid(), n)). */
int raise(int number) { return kill(getpid(), number); }

/* Semaphores without threads: the count goes up and down; waiting at 0 would wait forever, so it
 * fails with EDEADLK instead. */
int sem_init(sem_t *s, int shared, unsigned int value) {
    s->value = value;
    return 0;
}

int sem_destroy(sem_t *s) { return 0; }

int sem_wait(sem_t *s) {
    if (s->value == 0) {
        errno = EDEADLK;
        return -1;
    }
    s->value--;
    return 0;
}

int sem_post(sem_t *s) {
    s->value++;
    return 0;
}

/* __assert_fail: what a false assert() calls: glibc's message, word for word, then abort, so a
 * failing assertion looks the same as on the host. */
void __assert_fail(const char *condition, const char *file, int line, const char *function) {
    fprintf(stderr, "%s:%d: %s: Assertion `%s' failed.\n", file, line, function, condition);
    abort();
}
