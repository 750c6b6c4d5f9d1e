/* setjmp.h — non-local jumps. A jmp_buf keeps the caller's frame pointer, the address setjmp
 * returns to and the stack pointer after that return: all that survives a call in cc's code. */
#ifndef _SETJMP_H
#define _SETJMP_H
typedef long jmp_buf[8];
typedef long sigjmp_buf[8];
int setjmp(jmp_buf env);
void longjmp(jmp_buf env, int value);
#define _setjmp(env) setjmp(env)
#define _longjmp(env, value) longjmp(env, value)
#define sigsetjmp(env, save) setjmp(env)
#define siglongjmp(env, value) longjmp(env, value)
#endif
