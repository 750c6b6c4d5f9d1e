// C99 and GNU words in declarations: _Bool (a conversion to it compares with 0), restrict,
// inline and __inline__, _Noreturn, static and qualifiers in an array parameter's brackets,
// __extension__, __attribute__((...)) wherever GCC takes it (unknown ones ignored), long long;
// a local named in its own initializer; the predefined macros (__DATE__ and __TIME__ are those
// of SOURCE_DATE_EPOCH, 0 when it is not set, as for this test).
// exit: 3
// stdout: 1 0 1 1 1
// stdout: 4 4 6 9
// stdout: 12 12 7
// stdout: 1099511627776 18446744073709551615 8 -1
// stdout: 1 199901 1 1
// stdout: Jan  1 1970|00:00:00|declarations99.c|46
// stdout: 1 1 0
// stdout: 8 16
#include <stdio.h>
#include <stdlib.h>
struct node { int v; struct node *next; };
static inline int twice(int x) { return 2 * x; }
__inline__ int thrice(int x) __attribute__((unused));
__inline__ int thrice(int x) { return 3 * x; }
_Noreturn void die(int code) __attribute__((noreturn, cold));
void die(int code) { exit(code); }
int sum(int n, const int a[static 3], int *restrict out, int b[const]) {
    int i, s = 0;
    for (i = 0; i < n; i++) s += a[i] + b[i];
    *out = s;
    return s;
}
__attribute__((unused)) static int unused_global __attribute__((section(".data"), used)) = 5;
int __attribute__((format(printf, 1, 2))) log_format(const char *__restrict format, ...);
int main(void) {
    _Bool b = 256, c = 0, d = -1, e = (void *)&b;
    int n = sizeof n;
    struct node *p = malloc(sizeof *p);
    int arr[3] = {1, 2, 3}, out, s;
    long long ll = 1LL << 40;
    unsigned long long ull = -1ULL;
    __extension__ long x = __extension__ 7;
    p->v = 4;
    printf("%d %d %d %d %d\n", b, c, d, e, (int)sizeof(_Bool));
    printf("%d %d %d %d\n", n, p->v, twice(3), thrice(3));
    s = sum(3, arr, &out, arr);
    printf("%d %d %ld\n", s, out, x);
    printf("%lld %llu %d %lld\n", ll, ull, (int)sizeof(long long), (long long)ull);
    printf("%d %ld %d %d\n", __STDC__, __STDC_VERSION__, __STDC_HOSTED__, __x86_64__);
    printf("%s|%s|%s|%d\n", __DATE__, __TIME__, __FILE__, __LINE__);
    b = 2; b += 2; printf("%d ", b);
    b = 0; b++; b++; printf("%d %d\n", b, !b);
    {
        long long big = 8;
        int *q = &arr[sizeof q / 4 - 2];
        printf("%lld %d\n", big, (int)(sizeof big + sizeof q));
        if (*q != 1) return 1;
    }
    die(3);
}
