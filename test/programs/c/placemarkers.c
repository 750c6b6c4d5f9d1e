// An empty macro argument beside ## is a placemarker (C99 6.10.3.3): pasted to a token it gives
// that token, pasted to another placemarker it gives nothing; a chain of ## goes on from either.
// The pasted token keeps the blank before its left operand, so # spells the result as GCC does.
// GNU C's ", ## __VA_ARGS__" drops the comma when the variable arguments are empty and pastes
// nothing when they are not.
// exit: 0
// stdout: 5 5 55 7
// stdout: [] [] [13] [2] [ad] [bc]
// stdout: [_suffix] [prefix_] [x] [y] [1 23 4] [1 + 5]
// stdout: 6 ##
// stdout: plain 1 2 | 1 3 | 3 0 | printf("x") printf("x", y)
#include <stdio.h>
#define r(a, b) a##b
#define s(x) #x
#define xs(x) s(x)
#define t(x, y, z) x##y##z
#define four(a, b, c, d) a##b##c##d
#define g(a) a ## _suffix
#define h(a) prefix_ ## a
#define v(a, ...) a ## __VA_ARGS__
#define plus(a, b) 1 + a##b
#define hash_hash # ## #
#define e(fmt, ...) printf(fmt, ## __VA_ARGS__)
#define list(first, ...) {first, ## __VA_ARGS__}
#define call(f, ...) f(0 , ##__VA_ARGS__)
#define vs(...) #__VA_ARGS__
#define xvs(...) vs(__VA_ARGS__)
static int count(int n, ...) { return n; }
int main(void) {
    int ab = 7;
    printf("%d %d %d %d\n", r(, 5), r(5, ), r(, 5) + r(5, ) * 10, t(a, , b));
    printf("[%s] [%s] [%s] [%s] [%s] [%s]\n", xs(r(, )), xs(t(, , )), xs(t(1, , 3)), xs(t(, 2, )), xs(four(a, , , d)),
           xs(four(, b, c, )));
    printf("[%s] [%s] [%s] [%s] [%s] [%s]\n", xs(g()), xs(h()), xs(v(x)), xs(v(, y)), xs(r(1 2, 3 4)), xs(plus(, 5)));
    printf("%d %s\n", plus(, 5), xs(hash_hash));
    {
        int a[] = list(1), b[] = list(1, 2, 3);
        e("plain ");
        e("%d %d | ", 1, 2);
        printf("%d %d | %d %d | %s %s\n", (int)(sizeof a / sizeof a[0]), (int)(sizeof b / sizeof b[0]), b[2], call(count) + call(count, 5),
               xvs(e("x")), xvs(e("x", y)));
    }
    return 0;
}
