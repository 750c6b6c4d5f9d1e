/* sys/ucontext.h — the machine state a SA_SIGINFO handler receives (the kernel's x86-64 layout). */
#ifndef _SYS_UCONTEXT_H
#define _SYS_UCONTEXT_H
#include <signal.h>
typedef long greg_t;
#define NGREG 23
typedef greg_t gregset_t[NGREG];
enum { REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15, REG_RDI, REG_RSI,
       REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP, REG_RIP, REG_EFL, REG_CSGSFS,
       REG_ERR, REG_TRAPNO, REG_OLDMASK, REG_CR2 };
typedef struct {
    gregset_t gregs;
    void *fpregs;
    unsigned long __reserved1[8];
} mcontext_t;
typedef struct {
    void *ss_sp;
    int ss_flags;
    size_t ss_size;
} stack_t;
typedef struct ucontext_t {
    unsigned long uc_flags;
    struct ucontext_t *uc_link;
    stack_t uc_stack;
    mcontext_t uc_mcontext;
    sigset_t uc_sigmask;
} ucontext_t;
#endif
