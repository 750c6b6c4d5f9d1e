// Wide characters and strings (C99): L'x' is an int, the character's code point; L"..." an
// array of wchar_t (int), the source's UTF-8 decoded into code points, then a 0; an escape is
// one code point; adjacent strings join, a plain one among wide ones read as UTF-8 too. They
// initialize wchar_t arrays (the length counted in wchar_t, the 0 left out when it does not fit)
// and pointers, in globals and locals.
// exit: 0
// stdout: 65 20AC 4F60 7 4
// stdout: 6 24: 0068 0069 20AC 0009 0041 0000
// stdout: 3: 0061 00E9 4F60 | 00E9 0078 20AC 0000
// stdout: 3: 20AC 0078 0000 | 4F60 597D 0021 0000 | 0041 0042
#include <stdio.h>
#include <wchar.h>
wchar_t global[] = L"€x";
const wchar_t *greeting = L"你好!";
static void show(const wchar_t *s, int n) {
    for (int i = 0; i < n; i++) printf(" %04X", (unsigned)s[i]);
}
int main(void) {
    wchar_t local[] = L"hi€\t" L"A";
    wchar_t cut[3] = L"aé你";
    wchar_t two[2] = L"AB";
    printf("%d %X %X %d %d\n", L'A', (unsigned)L'€', (unsigned)L'你', (int)(sizeof L"abcdef" / sizeof(wchar_t)), (int)sizeof(wchar_t));
    printf("%d %d:", (int)(sizeof local / sizeof local[0]), (int)sizeof local);
    show(local, 6);
    printf("\n%d:", (int)(sizeof cut / sizeof cut[0]));
    show(cut, 3);
    printf(" |");
    show(L"é" "x" L"€", 4);
    printf("\n%d:", (int)(sizeof global / sizeof global[0]));
    show(global, 3);
    printf(" |");
    show(greeting, 4);
    printf(" |");
    show(two, 2);
    printf("\n");
    return WEOF == (wint_t)-1 ? 0 : 1;
}
