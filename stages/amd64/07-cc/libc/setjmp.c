/* setjmp.c — setjmp and longjmp, in M0 (asm lines, see LANGUAGE.md). In cc's code only rsp and
 * rbp survive a call, so a jmp_buf keeps the caller's rbp, the address setjmp returns to and the
 * caller's rsp after that return (setjmp's own rbp + 16: above its saved rbp and return address;
 * the caller then removes the argument itself). longjmp puts these back and jumps, so setjmp
 * seems to return again, with the value given (1 for 0). What it leaves out: the signal mask is
 * neither saved nor restored (sigsetjmp is setjmp). Locals of the calling function changed after
 * setjmp keep their new values (cc keeps every local in memory). */
#include <setjmp.h>

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
