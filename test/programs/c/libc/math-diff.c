/* math-diff.c — the results of math.h's functions (trigonometric and hyperbolic ones too), as bits, for a differential test against the
 * host's C library: special values (zeros, infinities, NaN, subnormals, halfway cases) and a fixed
 * pseudo-random sequence of arguments (integer arithmetic only, so every build sees the same).
 * Each line: the function, its arguments' bits and the result's bits (frexp: and the exponent).
 * Usage: math-diff COUNT SEED */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "diff-harness.h"

static unsigned long bits_of(double d) {
    unsigned long u;
    if (d != d) return 0x7ff8000000000000UL;  /* any NaN */
    memcpy(&u, &d, 8);
    return u;
}

static const double specials[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 2.0, 10.0, 1e300, -1e300,
                                  4.9e-324, 2.2250738585072014e-308, 1e-310, 3.0, 0.1, 1e22, 709.5, -745.0, 100.0};

static double pick(void) {
    unsigned long r = next();
    int kind = (int)(next() % 6);
    double inf = 1e300 * 1e300;
    if (kind == 0) return from_bits(r);
    if (kind == 1) return specials[r % (sizeof specials / sizeof specials[0])];
    if (kind == 2) return from_bits((r & 0x800fffffffffffffUL) | ((1023UL - 10 + (next() % 20)) << 52));
    if (kind == 3) return ((double)(long)(r % 200001) - 100000) / 64;
    if (kind == 4) return (r % 7 == 0) ? inf : (r % 7 == 1) ? -inf : (r % 7 == 2) ? inf - inf : from_bits(r & 0x800fffffffffffffUL);
    return from_bits((r & 0x000fffffffffffffUL) | ((1023UL - 30 + (next() % 40)) << 52));
}

int main(int argc, char **argv) {
    int count = start(argc, argv);
    int i;
    int e;
    double x;
    double y;
    for (i = 0; i < count; i++) {
        x = pick();
        y = pick();
        e = (int)(next() % 2200) - 1100;
        printf("fabs %016lx %016lx\n", bits_of(x), bits_of(fabs(x)));
        printf("floor %016lx %016lx\n", bits_of(x), bits_of(floor(x)));
        printf("ceil %016lx %016lx\n", bits_of(x), bits_of(ceil(x)));
        printf("trunc %016lx %016lx\n", bits_of(x), bits_of(trunc(x)));
        printf("round %016lx %016lx\n", bits_of(x), bits_of(round(x)));
        printf("sqrt %016lx %016lx\n", bits_of(x), bits_of(sqrt(x)));
        printf("ldexp %016lx %d %016lx\n", bits_of(x), e, bits_of(ldexp(x, e)));
        printf("frexp %016lx %016lx", bits_of(x), bits_of(frexp(x, &e)));
        printf(" %d\n", x == x && x - x == 0 ? e : 0);
        printf("fmod %016lx %016lx %016lx\n", bits_of(x), bits_of(y), bits_of(fmod(x, y)));
        printf("exp %016lx %016lx\n", bits_of(x), bits_of(exp(x)));
        printf("exp %016lx %016lx\n", bits_of(x / 64), bits_of(exp(x / 64)));
        printf("log %016lx %016lx\n", bits_of(x), bits_of(log(x)));
        printf("log10 %016lx %016lx\n", bits_of(x), bits_of(log10(x)));
        printf("log2 %016lx %016lx\n", bits_of(x), bits_of(log2(x)));
        printf("pow %016lx %016lx %016lx\n", bits_of(x), bits_of(y), bits_of(pow(x, y)));
        printf("pow %016lx %016lx %016lx\n", bits_of(fabs(x)), bits_of(y / 256), bits_of(pow(fabs(x), y / 256)));
        printf("pow %016lx %016lx %016lx\n", bits_of(x), bits_of(floor(y) / 64), bits_of(pow(x, floor(y) / 64)));
        /* sin, cos, tan: arguments within 2^30 (beyond, this library's reduction loses accuracy) */
        if (fabs(x) < 1073741824.0) {
            printf("sin %016lx %016lx\n", bits_of(x), bits_of(sin(x)));
            printf("cos %016lx %016lx\n", bits_of(x), bits_of(cos(x)));
            printf("tan %016lx %016lx\n", bits_of(x), bits_of(tan(x)));
        }
        printf("atan %016lx %016lx\n", bits_of(x), bits_of(atan(x)));
        printf("atan2 %016lx %016lx %016lx\n", bits_of(y), bits_of(x), bits_of(atan2(y, x)));
        printf("asin %016lx %016lx\n", bits_of(x / 65536), bits_of(asin(x / 65536)));
        printf("acos %016lx %016lx\n", bits_of(x / 65536), bits_of(acos(x / 65536)));
        printf("sinh %016lx %016lx\n", bits_of(x / 64), bits_of(sinh(x / 64)));
        printf("cosh %016lx %016lx\n", bits_of(x / 64), bits_of(cosh(x / 64)));
        printf("tanh %016lx %016lx\n", bits_of(x / 64), bits_of(tanh(x / 64)));
        printf("hypot %016lx %016lx %016lx\n", bits_of(x), bits_of(y), bits_of(hypot(x, y)));
    }
    return 0;
}
