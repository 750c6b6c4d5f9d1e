/* setjmp.c — setjmp and longjmp, in M0 (asm lines, see LANGUAGE.md). In cc's code only rsp and
 * rbp survive a call, so a jmp_buf keeps the caller's rbp, the address setjmp returns to and the
 * caller's rsp after that return (setjmp's own rbp + 16: above its saved rbp and return address;
 * the caller then removes the argument itself). longjmp puts these back and jumps, so setjmp
 * seems to return again, with the value given (1 for 0). What it leaves out: the signal mask is
 * neither saved nor restored (sigsetjmp is setjmp). Locals of the calling function changed after
 * setjmp keep their new values (cc keeps every local in memory). */
#include <setjmp.h>

#if defined __KINDLING_CC__ && defined __aarch64__
/* The same on AArch64 (cc --target aarch64), where x29 is the frame and x27 the stack: the
 * caller's x29, the return address and the caller's x27 after the return. */
int setjmp(jmp_buf env) {
    asm("DEFINE libc_setjmp_save A00B40F9B00340F9100000F9B00740F9100400F9B0430091100800F9000080D2");
    /* ldr x0,[x29,#16]  ldr x16,[x29]  str x16,[x0]  ldr x16,[x29,#8]  str x16,[x0,#8]
       add x16,x29,#16  str x16,[x0,#16]  mov x0,#0 */
    asm("libc_setjmp_save");
}

void longjmp(jmp_buf env, int value) {
    asm("DEFINE libc_longjmp_restore A10F40F93F00007120149F1A007C4093B00B40F91D0240F91B0A40F9110640F920021FD6");
    /* ldr x1,[x29,#24]  cmp w1,#0  csinc w0,w1,wzr,ne  sxtw x0,w0  ldr x16,[x29,#16]
       ldr x29,[x16]  ldr x27,[x16,#16]  ldr x17,[x16,#8]  br x17 */
    asm("libc_longjmp_restore");
}
#elif defined __KINDLING_CC__
int setjmp(jmp_buf env) {
    asm("DEFINE libc_setjmp_save 488B4510488B4D00488908488B4D0848894808488D4D104889481031C0");
    /* mov rax,[rbp+16]  mov rcx,[rbp]  mov [rax],rcx  mov rcx,[rbp+8]  mov [rax+8],rcx
       lea rcx,[rbp+16]  mov [rax+16],rcx  xor eax,eax */
    asm("libc_setjmp_save");
}

void longjmp(jmp_buf env, int value) {
    asm("DEFINE libc_longjmp_restore 488B451885C07505B801000000488B4D10488B29488B6110FF6108");
    /* mov rax,[rbp+24]  test eax,eax  jnz +5  mov eax,1  mov rcx,[rbp+16]
       mov rbp,[rcx]  mov rsp,[rcx+16]  jmp [rcx+8] */
    asm("libc_longjmp_restore");
}
#else
/* Other compilers follow System V: a jmp_buf keeps the registers a call preserves (rbx, rbp,
 * r12 to r15), the stack pointer after setjmp returns and the address it returns to. */
__asm__(".text\n"
        ".globl setjmp\n"
        "setjmp:\n"
        "    mov %rbx, (%rdi)\n"
        "    mov %rbp, 8(%rdi)\n"
        "    mov %r12, 16(%rdi)\n"
        "    mov %r13, 24(%rdi)\n"
        "    mov %r14, 32(%rdi)\n"
        "    mov %r15, 40(%rdi)\n"
        "    lea 8(%rsp), %rdx\n"
        "    mov %rdx, 48(%rdi)\n"
        "    mov (%rsp), %rdx\n"
        "    mov %rdx, 56(%rdi)\n"
        "    xor %eax, %eax\n"
        "    ret\n"
        ".globl longjmp\n"
        "longjmp:\n"
        "    mov %esi, %eax\n"
        "    test %eax, %eax\n"
        "    jnz 1f\n"
        "    inc %eax\n"
        "1:  mov (%rdi), %rbx\n"
        "    mov 8(%rdi), %rbp\n"
        "    mov 16(%rdi), %r12\n"
        "    mov 24(%rdi), %r13\n"
        "    mov 32(%rdi), %r14\n"
        "    mov 40(%rdi), %r15\n"
        "    mov 48(%rdi), %rsp\n"
        "    jmp *56(%rdi)\n");
#endif
