// GNU C and C99/C11 odds and ends that portable code and TinyCC's tests use: enum bit-fields
// (unsigned when no constant is negative, as GCC has it), __func__ and __FUNCTION__, #include
// of a macro, binary constants, '$' and UTF-8 in names, _Alignas, _Alignof and __alignof__, an
// array of structs without a length and with braces left out, designator ranges, #pragma
// pack, #pragma push_macro and pop_macro, statement expressions, typeof, __builtin_expect, a
// struct cast to its own type, the predefined __SIZE_TYPE__, __PTRDIFF_TYPE__ and __LP64__.
// exit: 0
// stdout: 200 -1 65535 main main
// stdout: 42 11 3 4
// stdout: 8 16 32 1
// stdout: 4 5 7
// stdout: 1570 7 12
// stdout: 9 5 1
// stdout: 3 8 1
// stdout: 3
// stdout: 4 1
// stdout: 2 1
#include <stdio.h>
#include <string.h>
#define HEADER <shapes.h>
#include HEADER
enum small { LOW = 1, HIGH = 200 };
enum mixed { NEG = -1, POS = 100 };
struct tagged { enum small kind : 8; enum mixed sign : 8; unsigned rest : 16; };
struct pt { int x, y; };
struct pt table[] = { 1, 2, 3, 4, { 5 }, 7 };
int ranges[10] = { [2 ... 4] = 7, [8] = 1 };
#pragma pack(push, 1)
struct tight { char c; int i; short s; };
#pragma pack(pop)
struct loose { char c; int i; short s; };
struct aligned { char c; _Alignas(16) int i; };
static __SIZE_TYPE__ size_value = sizeof(long);
int dollar$sign = 3;
int café = 4;
static int max(int a, int b) { return ({ int m = a; if (b > m) m = b; m; }); }
int main(void) {
    struct tagged t;
    struct pt p = { 1, 2 }, q;
    int i, total = 0;
    const char *name = __func__;
    t.kind = HIGH; t.sign = NEG; t.rest = 65535;
    printf("%d %d %d %s %s\n", t.kind, t.sign, t.rest, name, __FUNCTION__);
    printf("%d %d %d %d\n", SHAPE_SIDES(21), 0b1011, dollar$sign, café);
    printf("%d %d %d %d\n", (int)_Alignof(double), (int)__alignof__(struct aligned), (int)sizeof(struct aligned), (int)_Alignof(char));
    printf("%d %d %d\n", (int)(sizeof table / sizeof table[0]), table[2].x + table[2].y, table[3].x);
    for (i = 0; i < 10; i++) total = total * 2 + ranges[i];
    printf("%d %d %d\n", total, (int)sizeof(struct tight), (int)sizeof(struct loose));
    printf("%d %d %d\n", max(3, 9), ({ 5; }), __builtin_expect(size_value == 8, 1));
    q = (struct pt)p;
    printf("%d %d %d\n", q.x + q.y, (int)sizeof(__PTRDIFF_TYPE__), __LP64__);
    printf("%d\n", ({ struct pt r = p; r.y += 1; r; }).y);
    {
        typeof(table) copy;
        __typeof__(p.x) *px = &p.x;
        printf("%d %d\n", (int)(sizeof copy / sizeof copy[0]), *px);
    }
#define SHADOWED 1
#pragma push_macro("SHADOWED")
#undef SHADOWED
#define SHADOWED 2
    printf("%d ", SHADOWED);
#pragma pop_macro("SHADOWED")
    printf("%d\n", SHADOWED);
    return 0;
}
