// Structs and unions passed to and returned from functions by value: cc's convention gives a
// struct argument as many 8-byte slots as its bytes need, and a function returning one the
// address of the caller's temporary in its first slot. Calls through pointers, recursion,
// struct assignment from a call, f().member, a returned struct passed on.
// exit: 0
// stdout: 11 22 4
// stdout: 12 z 6
// stdout: 1279
// stdout: 42
// stdout: b c
// stdout: 12 24
// stdout: 6
// stdout: 10 r
#include <stdio.h>
#include <string.h>
struct pt { int x, y; };
struct big { long a[5]; char tag; };
struct tiny { char c; };
union num { int i; long l; };
struct pt make(int x, int y) { struct pt p; p.x = x; p.y = y; return p; }
struct pt add(struct pt a, struct pt b) { return make(a.x + b.x, a.y + b.y); }
struct big fill(long v, char tag) { struct big b; int i; for (i = 0; i < 5; i++) b.a[i] = v * i; b.tag = tag; return b; }
long total(int k, struct big b, struct tiny t, long last) { long s = 0; int i; for (i = 0; i < 5; i++) s += b.a[i]; return s * k + t.c + last + b.tag; }
union num half(union num n) { n.l /= 2; return n; }
struct tiny id(struct tiny t) { t.c++; return t; }
struct pt (*pf)(struct pt, struct pt) = add;
struct big rec(int n) { struct big b; if (n == 0) return fill(1, 'r'); b = rec(n - 1); b.a[0] += n; return b; }
int main(void) {
    struct pt p = make(1, 2), q;
    struct big b;
    struct tiny t = { 'a' };
    union num n;
    q = add(p, make(10, 20));
    printf("%d %d %d\n", q.x, q.y, make(3, 4).y);
    b = fill(3, 'z');
    printf("%ld %c %ld\n", b.a[4], b.tag, fill(2, 'y').a[3]);
    printf("%ld\n", total(2, b, t, 1000));
    n.l = 84; n = half(n); printf("%ld\n", n.l);
    printf("%c %c\n", id(t).c, id(id(t)).c);
    q = pf(q, p); printf("%d %d\n", q.x, q.y);
    printf("%d\n", add(make(1, 1), add(make(2, 2), make(3, 3))).x);
    printf("%ld %c\n", rec(4).a[0], rec(2).tag);
    return 0;
}
