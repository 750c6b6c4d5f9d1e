/* float-diff.c — prints doubles with every floating conversion of printf and reads numbers with
 * strtod and strtof, for a differential test: the same program built with the host's C library
 * must print the same bytes. The values come from a fixed pseudo-random sequence (integer
 * arithmetic only, so both builds see the same ones): random bit patterns, numbers near powers of
 * ten, halfway cases, subnormals, and decimal strings of random digits and exponents.
 * Usage: float-diff COUNT SEED */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diff-harness.h"

static unsigned long bits_of(double d) {
    unsigned long u;
    memcpy(&u, &d, 8);
    return u;
}

static unsigned int float_bits(float f) {
    unsigned int u;
    memcpy(&u, &f, 4);
    return u;
}

/* A double of one of several kinds. */
static double pick(void) {
    unsigned long r = next();
    int kind = (int)(next() % 8);
    if (kind == 0) return from_bits(r);                                      /* any bits */
    if (kind == 1) return from_bits(r & 0x800fffffffffffffUL);               /* subnormal */
    if (kind == 2) return (double)(long)(r % 2000001) - 1000000;             /* an integer */
    if (kind == 3) return ((double)(long)(r % 20001) - 10000) / 8;           /* halves, eighths */
    if (kind == 4) return from_bits((r & 0x800fffffffffffffUL) | ((1023UL - 40 + (next() % 80)) << 52));  /* moderate */
    if (kind == 5) return ((double)(long)(r % 2000001) - 1000000) / 1000;    /* three decimals */
    if (kind == 6) return from_bits((r & 0x8000000000000fffUL) | ((1023UL - 20 + (next() % 70)) << 52));  /* short mantissa */
    return from_bits(r & 0xfff0000000000000UL);                              /* powers of two, inf, nan */
}

static const char *formats[] = {
    "%.17g", "%a", "%e", "%.0f", "%.3f", "%g", "%.10e", "%#g", "%+.2e", "%010.4f", "%-12.3g|",
    "%.0e", "%.20f", "%.1a", "%.0a", "%A", "%G", "%E", "%#.0f", "% .5g", "%.30g", "%12.4a", "%#.3a",
    "%f", "%.1f", "%.2g", "%#.0e", "%+010.2f",
};

static void random_decimal(char *s) {
    int digits = 1 + (int)(next() % 25);
    int i;
    int n = 0;
    if (next() % 2) s[n++] = '-';
    for (i = 0; i < digits; i++) {
        s[n++] = '0' + (int)(next() % 10);
        if (i == 0 && next() % 3 == 0) s[n++] = '.';
    }
    if (next() % 2) {
        n += sprintf(s + n, "e%d", (int)(next() % 700) - 350);
    }
    s[n] = 0;
}

int main(int argc, char **argv) {
    int count = start(argc, argv);
    int i;
    int j;
    char text[512];
    char *end;
    for (i = 0; i < count; i++) {
        double d = pick();
        printf("%016lx", bits_of(d));
        for (j = 0; j < (int)(sizeof formats / sizeof formats[0]); j++) {
            printf(" ");
            printf(formats[j], d);
        }
        printf("\n");
        /* strtod of what %.17g, %.6e and %a print, and of random decimals */
        snprintf(text, sizeof text, "%.17g", d);
        printf("  %016lx", bits_of(strtod(text, &end)));
        snprintf(text, sizeof text, "%.6e", d);
        printf(" %016lx", bits_of(strtod(text, &end)));
        snprintf(text, sizeof text, "%a", d);
        printf(" %016lx", bits_of(strtod(text, &end)));
        random_decimal(text);
        d = strtod(text, &end);
        printf(" %s %016lx %08x %d", text, bits_of(d), float_bits(strtof(text, NULL)), (int)(end - text));
        printf("\n");
    }
    return 0;
}
