// Designated initializers (.member, [index], nested .a.b and [i].x, mixed with positional ones
// that continue after them, GCC's old "member:"), in globals and locals, arrays taking their
// length from them; compound literals of structs, arrays and scalars, in functions (a new
// object each time one is evaluated) and at file scope (an address a global can hold).
// exit: 0
// stdout: 1 2 3 4 box
// stdout: 10 20 30 40 local
// stdout: 00 11 00 33 44 00 00 00 88 00 
// stdout: 7 6 3 8
// stdout: 1 2 zero two 1
// stdout: 20 9 12
// stdout: 1 0 5 6 7
// stdout: 1 0 5 6 7
// stdout: 11 10
// stdout: 3 4
// stdout: 0 2 6 42
#include <stdio.h>
struct pt { int x, y; };
struct rect { struct pt a, b; char name[8]; };
struct rect gr = { .b.y = 4, .a = { 1, 2 }, .name = "box", .b.x = 3 };
int garr[10] = { [3] = 3, 4, [8] = 8, [1] = 1 };
int gauto[] = { [5] = 5, 6 };
struct pt gpts[] = { [2].y = 7, [0] = { 1, 1 } };
union u { int i; char c[4]; long l; } gu = { .c = { 1, 2 } };
char *names[] = { [2] = "two", [0] = "zero" };
int *gp = (int[]){ 10, 20, 30 };
struct pt *gpp = &(struct pt){ .y = 9 };
struct old { int a, b; } go = { b: 2, a: 1 };
struct mixed { int a; int arr[3]; int z; } gm = { 1, .arr[1] = 5, 6, 7 };

int sum(int *p, int n) { int s = 0; while (n--) s += *p++; return s; }
int main(void) {
    struct rect r = { .b.y = 40, .a = { 10, 20 }, .name = "local", .b.x = 30 };
    int arr[10] = { [3] = 3, 4, [8] = 8, [1] = 1 };
    int i;
    struct pt *p;
    struct mixed m = { 1, .arr[1] = 5, 6, 7 };
    printf("%d %d %d %d %s\n", gr.a.x, gr.a.y, gr.b.x, gr.b.y, gr.name);
    printf("%d %d %d %d %s\n", r.a.x, r.a.y, r.b.x, r.b.y, r.name);
    for (i = 0; i < 10; i++) printf("%d%d ", garr[i], arr[i]);
    printf("\n%d %d %d %d\n", (int)(sizeof gauto / sizeof gauto[0]), gauto[6], (int)(sizeof gpts / sizeof gpts[0]), gpts[2].y + gpts[0].x);
    printf("%d %d %s %s %d\n", gu.c[0], gu.c[1], names[0], names[2], names[1] == 0);
    printf("%d %d %d\n", gp[1], gpp->y, go.a * 10 + go.b);
    printf("%d %d %d %d %d\n", gm.a, gm.arr[0], gm.arr[1], gm.arr[2], gm.z);
    printf("%d %d %d %d %d\n", m.a, m.arr[0], m.arr[1], m.arr[2], m.z);
    p = &(struct pt){ 5, 6 };
    printf("%d %d\n", p->x + p->y, sum((int[]){ 1, 2, 3, 4 }, 4));
    printf("%d %d\n", ((struct pt){ .y = 3 }).y, (int)sizeof((char[]){ "abc" }));
    for (i = 0; i < 3; i++) { int *q = (int[2]){ i, i * i }; printf("%d ", q[0] + q[1]); }
    printf("%d\n", (int){ 42 });
    return 0;
}
