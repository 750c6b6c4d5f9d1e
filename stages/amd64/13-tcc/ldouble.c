/* ldouble.c — two helpers of libtcc1 for tcc-0 only: unsigned long long to and from long double.
 *
 * tcc-0 is built by cc, whose long double is double (LANGUAGE.md of stage 07-cc), so tcc-0
 * cannot write a long double constant into an object (it stops with "can't cross compile long
 * double constants"), and TinyCC's lib/libtcc1.c has such constants. tcc-1, which tcc-0
 * compiles and links with these, needs nothing else of libtcc1.c; from tcc-1 on, libtcc1.c
 * itself is compiled. Written with no long double constant: only conversions of variables. */

long double __floatundixf(unsigned long long a) {
    long double half = (long double)(long long)(a >> 1);
    return half + half + (long double)(long long)(a & 1);
}

unsigned long long __fixunsxfdi(long double a) {
    long long bit62 = 1LL << 62;    /* a variable: tcc folds no conversion of it into a constant */
    long double two63 = (long double)bit62;
    two63 = two63 + two63;
    if (a < two63) return (unsigned long long)(long long)a;
    return (unsigned long long)(long long)(a - two63) + (1ULL << 63);
}
