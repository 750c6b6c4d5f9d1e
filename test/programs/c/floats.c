// Floating point: float and double (IEEE 754), printed as their bits. Constants correctly
// rounded (decimal, long decimal strings, subnormals, overflow to infinity, hexadecimal, f and
// L suffixes; long double is double), float pp-numbers in a skipped #if and an unused macro;
// global initializers folded at compile time (arithmetic, conversions, comparisons); + - * /
// and unary -, comparisons (a NaN: ordered ones false, != true), ! && || ?: and conditions
// (-0.0 false, NaN true); conversions to and from every integer type (unsigned long from
// 2^63 up), between float and double; compound assignment with float on either side, ++ and
// --; arrays, pointers and struct members; arguments, return values and "..." (a float passed
// there becomes a double); sizeof; integer constant expressions with floating operands (enum
// values, array lengths, case labels, after a global initialized with an address); _Bool
// from a floating value (1 unless 0); structs with floating members passed and returned. The
// expected lines are what gcc gives on amd64 (but sizeof(1.5L), 16 there).
// exit: 0
// stdout: constants 3fb999999999999a 44b52d02c7e14af6 fffffffffffff 1
// stdout: constants 1 7fefffffffffffff 7ff0000000000000 45f8ee90ff6c373e
// stdout: long 3fb999999999999a 1
// stdout: hex 4008000000000000 3f70000000000000 7f7fffff 3ff0000000000001
// stdout: suffix 3f8ccccd 4b800000 3ff8000000000000 4 8
// stdout: float 3fc00000 3dcccccd 7f7fffff 80000000 1
// stdout: folded 3fd5555555555555 10 3fd3333333333334 7ff0000000000000 bff0000000000000 3fb99999a0000000 3fd5555560000000
// stdout: folded 10000000000000000000 -2 9223372036854775808 3000000000 100 5a000000 43f0000000000000
// stdout: flags 1 1 0 1 1 0 1 2
// stdout: arith 3fd3333333333334 bfb999999999999a 3f947ae147ae147c 3fe0000000000000 bfb999999999999a
// stdout: arith 40833333 bff33333 40533334 3ebbbbbc bf8ccccd
// stdout: mixed 3ff333333999999a bfe6666666666667 40f66667 41edcd6500100000
// stdout: compare 1 0 1 0 0 1
// stdout: nan 0 0 0 0 0 1 0 1
// stdout: zero 1 1 1 0 2
// stdout: conditions 317 3dccccd0
// stdout: to int 2 -2 -300 -1000000000000000000 9200000267938955264 18000000000000000000 9300000000000000000 9223372036854775808
// stdout: to int -5 250 4000000000 65535 10
// stdout: from int c072c00000000000 406f400000000000 41edcd6500000000 c01c000000000000 401c000000000000
// stdout: from int 43f0000000000000 43e0000000000000 43e0000000000001 41efffffffe00000
// stdout: from int 5f800000 5f000000 4b800000 cc000001
// stdout: width 3fb9999a00000000 3dcccccd 7f800000 0
// stdout: compound 8 -7 3000000000 -600 40200000 4022000000000000
// stdout: incdec 3ff8000000000000 4004000000000000 3ff8000000000000 3fc00000 3fc00000
// stdout: memory 3ff8000000000000 4008000000000000 4006000000000000 c006000000000000 400e000000000000 3fa00000 o
// stdout: calls 400e000000000000 3fc00000 401e000000000000 4021000000000000
// stdout: sizeof 4 8 4 8
// stdout: cond 3ff0000000000000 3ff8000000000000
// stdout: bool 1 0 1 1 1 0
// stdout: struct value 3ffc000000000000 c1200000
// stdout: integer constants 2 125 -7 15
#include <stdio.h>
#include <stdarg.h>

/* Values are printed as their bits, so the output does not depend on printf's %f. */
static unsigned long bits(double d) { unsigned long u; char *from = (char *)&d, *to = (char *)&u; int i; for (i = 0; i < 8; i++) to[i] = from[i]; return u; }
static unsigned fbits(float f) { unsigned u; char *from = (char *)&f, *to = (char *)&u; int i; for (i = 0; i < 4; i++) to[i] = from[i]; return u; }

#if 0
double skipped = 1.5e+ 0x1.p 3.14.15 1e;
#endif
#define UNUSED(x) ((x) * 2.5e-3f + .5e)
#define HALF 0.5

/* Global initializers: folded at compile time, with the same rounding as the code. */
double third = 1.0 / 3;
int ten = 2.5 * 4;
static float table[] = {1.5f, 0.1f, 3.4028235e38f, -0.0f, 1e-45f};
double sums[] = {0.1 + 0.2, 1e308 * 10, -1.0 / 3 * 3, (float)0.1, 1 / 3.0f};
unsigned long conv[] = {(unsigned long)1e19, (long)-2.9, (unsigned long)(double)9223372036854775808UL, (unsigned)3e9};
char small = 200.7 - 100;
float from_long = 9007199254740993L;
double from_ulong = 18446744073709551615UL;
int flags[] = {0.5 < 1, 1.0 == 1, 2.0f != 2, !0.0, !-0.0, 0.1 && 0, 1e-300 || 0, 0.0 ? 1 : 2};
struct point { char tag; double x; float y; } origin = {'o', 1.25, -2.5f};
/* Integer constant expressions with floating operands: enum values, array lengths, cases. */
enum { TRUNCATED = (int)2.5, EIGHTH = (int)(1e3 / 8), NEGATIVE = (int)-7.9 };
char sized[(int)(10 * 1.5)];
_Bool global_true = 0.25;
struct point moved(struct point p) { p.x += 0.5; p.y *= 2; return p; }

double add3(double a, float b, int c) { return a + b + c; }
float half_of(float f) { return f / 2; }
double sum(int n, ...) {
    va_list ap;
    double total = 0;
    va_start(ap, n);
    while (n-- > 0) total += va_arg(ap, double);
    va_end(ap);
    return total;
}

int main(void) {
    double a = 0.1, b = 0.2, z = 0.0, nan = z / z, inf = 1 / z, arr[4], *p = arr;
    float f = 1.1f, g = 3;
    long l = -7;
    unsigned u = 4000000000u;
    unsigned long big = 18446744073709551615UL, top = 9223372036854775808UL;
    short s = -300;
    unsigned char uc = 250;
    int i = 7, k;
    struct point pt = origin, *pp = &pt;
    printf("constants %lx %lx %lx %lx\n", bits(0.1), bits(1e23), bits(2.2250738585072011e-308), bits(4.9406564584124654e-324));
    printf("constants %lx %lx %lx %lx\n", bits(2.4703282292062328e-324), bits(1.7976931348623158e308), bits(1e309), bits(123456789012345678901234567890.0));
    printf("long %lx %lx\n", bits(0.1000000000000000055511151231257827021181583404541015625), bits(2.47032822920623272088284396434110686182529901307162382212792841250337753635104375932649918180817996189898282347722858865463328355177969898199387398005390939063150356595155702263922908583924491051844359318028499365361525003193704576782492193656236698636584807570015857692699037063119282795585513329278343384093519780155312465972635795746227664652728272200563740064854999770965994704540208281662262378573934507363390079677619305775067401763246736009689513405355374585166611342237666786041621596804619144672918403005300575308490487653917113865916462395249126236538818796362393732804238910186723484976682350898633885879256283027559956575244555072551893136908362547791869486679949683240497058210285131854513962138377228261454376934125320985913276672363281255e-324));
    printf("hex %lx %lx %x %lx\n", bits(0x1.8p1), bits(0x.1p-4), fbits(0x1.fffffep127f), bits(0x1.0000000000000801p0));
    printf("suffix %x %x %lx %d %d\n", fbits(1.1f), fbits(16777217.0f), bits(1.5L), (int)sizeof(1.5f), (int)sizeof(1.5L));
    printf("float %x %x %x %x %x\n", fbits(table[0]), fbits(table[1]), fbits(table[2]), fbits(table[3]), fbits(table[4]));
    printf("folded %lx %d %lx %lx %lx %lx %lx\n", bits(third), ten, bits(sums[0]), bits(sums[1]), bits(sums[2]), bits(sums[3]), bits(sums[4]));
    printf("folded %lu %ld %lu %lu %d %x %lx\n", conv[0], (long)conv[1], conv[2], conv[3], small, fbits(from_long), bits(from_ulong));
    printf("flags %d %d %d %d %d %d %d %d\n", flags[0], flags[1], flags[2], flags[3], flags[4], flags[5], flags[6], flags[7]);
    printf("arith %lx %lx %lx %lx %lx\n", bits(a + b), bits(a - b), bits(a * b), bits(a / b), bits(-a));
    printf("arith %x %x %x %x %x\n", fbits(f + g), fbits(f - g), fbits(f * g), fbits(f / g), fbits(-f));
    printf("mixed %lx %lx %x %lx\n", bits(f + a), bits(l * a), fbits(f * i), bits(u + 0.5));
    printf("compare %d %d %d %d %d %d\n", a < b, a > b, a <= b, a >= b, a == b, a != b);
    printf("nan %d %d %d %d %d %d %d %d\n", nan < 1, nan > 1, nan <= 1, nan >= 1, nan == nan, nan != nan, !nan, nan ? 1 : 0);
    printf("zero %d %d %d %d %d\n", !z, !-z, z == -z, -z < z, (z || 0) + (inf && 1) * 2);
    k = 0;
    if (a) k += 1;
    if (-z) k += 2;
    while (f > 0.2f) { f -= 0.25f; k += 4; }
    for (g = 0.0f; g; ) k += 1000;
    do k += 100; while (nan != nan && k < 300);
    printf("conditions %d %x\n", k, fbits(f));
    printf("to int %d %d %d %ld %ld %lu %lu %lu\n", (int)2.9, (int)-2.9, (short)-300.5, (long)-1e18, (long)9.2e18f, (unsigned long)1.8e19, (unsigned long)9.3e18, (unsigned long)top);
    printf("to int %d %d %u %u %d\n", (char)-5.5, (unsigned char)250.9, (unsigned)4e9, (unsigned short)65535.9f, (int)(a * 100));
    printf("from int %lx %lx %lx %lx %lx\n", bits(s), bits(uc), bits(u), bits(l), bits(i));
    printf("from int %lx %lx %lx %lx\n", bits(big), bits(top), bits(top + 1025), bits((unsigned)-1));
    printf("from int %x %x %x %x\n", fbits(big), fbits(top + 1), fbits(16777217), fbits((long)-33554435));
    printf("width %lx %x %x %x\n", bits(f), fbits(a), fbits((float)1e40), fbits((float)1e-50));
    i = 7;
    i += 1.5;
    l -= 0.5;
    u *= 0.75;
    s /= 0.5f;
    f = 10;
    f /= 4;
    a = 1;
    a += i;
    printf("compound %d %ld %u %d %x %lx\n", i, l, u, s, fbits(f), bits(a));
    a = 1.5;
    printf("incdec %lx", bits(a++));
    printf(" %lx", bits(a));
    printf(" %lx", bits(--a));
    f = 0.5f;
    f++;
    printf(" %x %x\n", fbits(f--), fbits(f));
    arr[0] = 1.5;
    p[1] = arr[0] * 2;
    *(p + 2) = p[1] - 0.25;
    arr[3] = -arr[2];
    pp->x *= 3;
    pt.y = pt.y + pp->x;
    printf("memory %lx %lx %lx %lx %lx %x %c\n", bits(arr[0]), bits(arr[1]), bits(arr[2]), bits(arr[3]), bits(pt.x), fbits(pp->y), pt.tag);
    printf("calls %lx %x %lx %lx\n", bits(add3(0.5, 0.25f, 3)), fbits(half_of(3)), bits(sum(3, 1.0, 2.5f, 4.0)), bits(sum(2, HALF, (double)i)));
    printf("sizeof %d %d %d %d\n", (int)sizeof(float), (int)sizeof(double), (int)sizeof(f + 1), (int)sizeof(f + 1.0));
    printf("cond %lx %lx\n", bits(i > 3 ? 1 : 0.5), bits(i < 3 ? f : a));
    {
        _Bool yes = 0.5, no = -0.0;
        struct point q = moved(origin);
        printf("bool %d %d %d %d %d %d\n", yes, no, global_true, (_Bool)nan, (_Bool)(b / 4), (_Bool)-z);
        printf("struct value %lx %x\n", bits(q.x), fbits(moved(q).y));
    }
    switch (i) { case (int)8.9: printf("integer constants %d %d %d %d\n", TRUNCATED, EIGHTH, NEGATIVE, (int)sizeof sized); }
    return 0;
}
