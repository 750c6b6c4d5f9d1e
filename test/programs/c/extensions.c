// What cc accepts beyond the C it compiles for everyone: asm("...") lines of M0 in a function
// (mescc's way to write system calls; a C function that falls off its end keeps rax), struct
// and union members without a name, keywords defined as macros, the predefined __x86_64__,
// __linux__ and __KINDLING_CC__, and float or double in declarations that nothing computes with.
// exit: 0
// stdout: 42 7
// stdout: 8 16 3 4
// stdout: 1 1 1
#include <stdio.h>
#define extern
#define register
extern int shared;
double half(double x);
struct cell {
    int type;
    union {
        long value;
        struct { int low; int high; };
    };
};
long twice(long x) {
    asm("lea_rax,[rbp+DWORD] %16");
    asm("mov_rax,[rax]");
    asm("mov_rcx,rax");
    asm("add_rax,rcx");
}
int main(void) {
    register int seven = 7;
    struct cell c;
    shared = 3;
    c.type = 1;
    c.value = 0;
    c.low = 3;
    c.high = 4;
    printf("%ld %d\n", twice(21), seven);
    printf("%d %d %d %d\n", (int)sizeof(double), (int)sizeof c, c.low + shared - 3, c.high);
#if defined(__x86_64__) && defined(__linux__) && __KINDLING_CC__
    printf("%d %d %d\n", __x86_64__, __linux__, __KINDLING_CC__);
#endif
    return 0;
}
int shared;
