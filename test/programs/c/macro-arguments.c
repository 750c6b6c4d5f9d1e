// A macro's arguments are expanded before they are substituted (C99 6.10.3.1), so a macro used
// in its own argument expands too; an operand of # or ## goes in as written; a macro met inside
// its own expansion stays a name even when read again. Then C99 6.10.3.5's examples 3 and 4
// (the parts that an argument can hold).
// exit: 0
// stdout: 3 5
// stdout: 4 8 ONE 7 7
// stdout: 14 1
// stdout: f(2*(y+1))+f(2*(f(2*(z[0]))))%f(2*(0))+1;
// stdout: inti[]={1,23};
// stdout: charc[2][6]={"hello",""};
// stdout: strncmp("abc\0d", "abc", '\4') == 0
// stdout: vers2.h
#include <stdio.h>
#define f(x) (x + 1)
#define ONE 1
#define TWO ONE + ONE
#define DOUBLE(x) ((x) * 2)
#define STR(x) #x
#define XSTR(x) STR(x)
#define CAT(a, b) a##b
#define ONE1 7
#define ID(x) x
#define SELF SELF
#define LOOP ID(LOOP)
int SELF = 14, LOOP_count = 1;
#define LOOP_count LOOP_count

/* show: the text of a stringified expansion without its blanks (where # puts them is cc's own). */
static void show(const char *text) {
    for (; *text; text++)
        if (*text != ' ') putchar(*text);
    putchar('\n');
}

int main(void) {
    printf("%d %d\n", f(f(1)), f(f(f(2))));
    printf("%d %d %s %s %d\n", DOUBLE(TWO), DOUBLE(DOUBLE(TWO)), STR(ONE), XSTR(CAT(ONE, 1)), CAT(ONE, 1));
    printf("%d %d\n", ID(ID(SELF)), ID(LOOP_count));
    {
        /* 6.10.3.5 example 3, rescanned text as a string. */
#undef f
#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define SHOW(...) show(#__VA_ARGS__)
#define XSHOW(...) SHOW(__VA_ARGS__)
        XSHOW(f(y+1) + f(f(z)) % t(g(0)) + t(1););
        /* 6.10.3.5 example 4. */
#undef h
#undef str
#define str(s) # s
#define xstr(s) str(s)
#define INCFILE(n) vers ## n
        XSHOW(p() i[] = { q(1), r(2,3) };);
        XSHOW(char c[2][6] = { str(hello), str() };);
        puts(str(strncmp("abc\0d", "abc", '\4') == 0));
        puts(xstr(INCFILE(2).h));
    }
    return 0;
}
