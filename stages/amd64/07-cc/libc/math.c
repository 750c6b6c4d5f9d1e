/* math.c — the functions of math.h. The exact ones (fabs, copysign, ldexp, frexp, modf, floor,
 * ceil, trunc, round, fmod) work on the bits; sqrt is the processor's sqrtsd (correctly
 * rounded). exp, log and pow compute in double-double arithmetic (a value as the unevaluated sum
 * of two doubles, about 106 bits) and round once at the end, so their results are the correctly
 * rounded ones except, perhaps, for an argument whose exact result lies within about 2^-100 of
 * a halfway point (none is known). Special values follow C99's Annex F (NaN in, NaN out; pow(x, 0)
 * is 1; pow(-8, 1/3.) is NaN). The trigonometric and hyperbolic functions use the same
 * double-double arithmetic (Taylor series after reducing the argument). What is left out: errno
 * is not set (no exception flags are raised on purpose either); sin, cos and tan reduce their
 * argument with a 160-bit pi/2, so beyond 2^40 or so in magnitude they lose accuracy (there is no
 * Payne-Hanek reduction); the complex and special functions (erf, gamma, ...). */
#include <math.h>

union math_bits {
    double d;
    unsigned long u;
};

/* bits_of, from_bits: a double as its 64 bits and back. */
static unsigned long bits_of(double x) {
    union math_bits b;
    b.d = x;
    return b.u;
}

static double from_bits(unsigned long u) {
    union math_bits b;
    b.u = u;
    return b.d;
}

#define MANTISSA_MASK 0xfffffffffffffUL
#define EXPONENT_OF(u) ((int)(((u) >> 52) & 2047))

/* __fpclassify (fpclassify, isnan, isinf, isfinite, isnormal): the class from the exponent and
 * mantissa bits. */
int __fpclassify(double x) {
    unsigned long u = bits_of(x);
    int e = EXPONENT_OF(u);
    if (e == 2047) return (u & MANTISSA_MASK) ? FP_NAN : FP_INFINITE;
    if (e == 0) return (u & MANTISSA_MASK) ? FP_SUBNORMAL : FP_ZERO;
    return FP_NORMAL;
}

/* __signbit (signbit), fabs, copysign: the sign bit read, cleared or copied (NaNs too). */
int __signbit(double x) { return (int)(bits_of(x) >> 63); }
double fabs(double x) { return from_bits(bits_of(x) & ~(1UL << 63)); }
double copysign(double x, double y) { return from_bits((bits_of(x) & ~(1UL << 63)) | (bits_of(y) & (1UL << 63))); }

/* ldexp: x·2^n, rounded once (to nearest, ties to even) when the result is subnormal. */
double ldexp(double x, int n) {
    unsigned long u = bits_of(x);
    unsigned long sign = u & (1UL << 63);
    int e = EXPONENT_OF(u);
    unsigned long m = u & MANTISSA_MASK;
    long exponent;
    int shift;
    unsigned long rest;
    unsigned long half;
    if (e == 2047 || (e == 0 && m == 0)) return x;
    if (e == 0) {
        /* Subnormal: normalize the mantissa first. */
        e = 1;
        while (!(m & (1UL << 52))) {
            m <<= 1;
            e--;
        }
    } else m |= 1UL << 52;
    exponent = (long)e + n;
    if (exponent >= 2047) return from_bits(sign | (2047UL << 52));
    if (exponent > 0) return from_bits(sign | ((unsigned long)exponent << 52) | (m & MANTISSA_MASK));
    /* Subnormal result: m·2^(exponent-1075) with 1 - exponent bits dropped. */
    shift = (int)(1 - exponent);
    if (shift > 54) return from_bits(sign);
    rest = m & ((1UL << shift) - 1);
    half = 1UL << (shift - 1);
    m >>= shift;
    if (rest > half || (rest == half && (m & 1))) m++;
    return from_bits(sign | m);
}

/* scalbn: ldexp (FLT_RADIX is 2). */
double scalbn(double x, int n) { return ldexp(x, n); }

/* frexp: x = m·2^e with 0.5 <= |m| < 1 (0, infinities and NaN as they are, *e 0). */
double frexp(double x, int *exponent) {
    unsigned long u = bits_of(x);
    int e = EXPONENT_OF(u);
    *exponent = 0;
    if (e == 2047 || x == 0) return x;
    if (e == 0) {
        x = x * 18014398509481984.0;  /* 2^54: now normal */
        u = bits_of(x);
        e = EXPONENT_OF(u) - 54;
    }
    *exponent = e - 1022;
    return from_bits((u & ~(2047UL << 52)) | (1022UL << 52));
}

/* trunc: x without its fraction (toward zero), by clearing the fraction's bits. */
double trunc(double x) {
    unsigned long u = bits_of(x);
    int e = EXPONENT_OF(u) - 1023;
    if (e >= 52) return x;
    if (e < 0) return from_bits(u & (1UL << 63));
    return from_bits(u & ~(MANTISSA_MASK >> e));
}

/* floor, ceil: trunc, one step down (floor of a negative) or up (ceil of a positive) when x had a
 * fraction. */
double floor(double x) {
    double t = trunc(x);
    if (t != x && x < 0) return t - 1;
    return t;
}

double ceil(double x) {
    double t = trunc(x);
    if (t != x && x > 0) return t + 1;
    return t;
}

/* round: to the nearest integer, halfway cases away from zero. */
double round(double x) {
    double t = trunc(x);
    double d = x - t;  /* exact */
    if (d >= 0.5) return t + 1;
    if (d <= -0.5) return t - 1;
    return t;
}

/* modf: the fraction of x (with x's sign) and, in *integral, trunc(x). */
double modf(double x, double *integral) {
    unsigned long u = bits_of(x);
    *integral = trunc(x);
    if (EXPONENT_OF(u) == 2047) return (u & MANTISSA_MASK) ? x : copysign(0.0, x);
    return copysign(x - *integral, x);
}

/* fmod: x - n·y for the integer n that x/y truncates to, exactly (long division of the mantissas).
 * fmod: x - n·y for the integer n that x/y truncates to, exactly (long division of the mantissas). */
double fmod(double x, double y) {
    unsigned long ux = bits_of(x);
    unsigned long uy = bits_of(y);
    unsigned long sign = ux & (1UL << 63);
    int ex = EXPONENT_OF(ux);
    int ey = EXPONENT_OF(uy);
    unsigned long mx;
    unsigned long my;
    if (ex == 2047 || ey == 2047 && (uy & MANTISSA_MASK) || y == 0) {
        if (ey == 2047 && !(uy & MANTISSA_MASK) && ex != 2047) return x;
        return (x * y) / (x * y);
    }
    if (ey == 2047) return x;
    if (fabs(x) < fabs(y)) return x;
    /* Mantissas as integers with their exponents (subnormals normalized). */
    mx = ux & MANTISSA_MASK;
    my = uy & MANTISSA_MASK;
    if (ex) mx |= 1UL << 52;
    else {
        ex = 1;
        while (!(mx & (1UL << 52))) {
            mx <<= 1;
            ex--;
        }
    }
    if (ey) my |= 1UL << 52;
    else {
        ey = 1;
        while (!(my & (1UL << 52))) {
            my <<= 1;
            ey--;
        }
    }
    for (; ex > ey; ex--) {
        if (mx >= my) mx -= my;
        mx <<= 1;
    }
    if (mx >= my) mx -= my;
    if (mx == 0) return from_bits(sign);
    while (!(mx & (1UL << 52))) {
        mx <<= 1;
        ex--;
    }
    return ldexp(from_bits(sign | (1023UL << 52) | (mx & MANTISSA_MASK)), ex - 1023);
}

/* sqrt: sqrtsd, correctly rounded (NaN for x < 0). */
#ifdef __KINDLING_CC__
double sqrt(double x) {
#ifdef __aarch64__
    /* On AArch64 (cc --target aarch64) x is at x29 + 16 and the result goes back in x0. */
    asm("DEFINE libc_fsqrt A00B40F90000679E00C0611E0000669E");
    /* ldr x0,[x29,#16]  fmov d0,x0  fsqrt d0,d0  fmov x0,d0 */
    asm("libc_fsqrt");
#else
    /* cc passes x on the stack (rbp + 16) and returns in rax, so the bits go through xmm0. */
    asm("DEFINE libc_sqrtsd 488B451066480F6EC0F20F51C066480F7EC0");
    /* mov rax,[rbp+16]  movq xmm0,rax  sqrtsd xmm0,xmm0  movq rax,xmm0 */
    asm("libc_sqrtsd");
#endif
}
#else
/* sqrtsd %xmm0, %xmm0 as bytes: TinyCC's assembler does not know it. */
__asm__(".text\n.globl sqrt\nsqrt:\n    .byte 0xf2, 0x0f, 0x51, 0xc0\n    ret\n");
#endif

/* ---- Double-double arithmetic: a value is hi + lo with |lo| <= ulp(hi)/2. */
struct dd {
    double hi;
    double lo;
};

/* dd_make: hi + lo normalized (hi the rounded sum, lo its error). */
static struct dd dd_make(double hi, double lo) {
    struct dd r;
    double s = hi + lo;
    r.lo = lo - (s - hi);
    r.hi = s;
    return r;
}

/* two_sum: a + b exactly, as a double-double. */
static struct dd two_sum(double a, double b) {
    struct dd r;
    double s = a + b;
    double bb = s - a;
    r.lo = (a - (s - bb)) + (b - bb);
    r.hi = s;
    return r;
}

/* two_product: a·b exactly (Dekker's method: each factor split in two halves of 26 bits). */
static struct dd two_product(double a, double b) {
    struct dd r;
    double p = a * b;
    double t = 134217729.0 * a;  /* 2^27 + 1 */
    double ah = t - (t - a);
    double al = a - ah;
    double bh;
    double bl;
    t = 134217729.0 * b;
    bh = t - (t - b);
    bl = b - bh;
    r.hi = p;
    r.lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return r;
}

/* dd_add, dd_multiply, dd_divide: double-double operations, about 104 bits correct. */
static struct dd dd_add(struct dd a, struct dd b) {
    struct dd s = two_sum(a.hi, b.hi);
    struct dd t = two_sum(a.lo, b.lo);
    s.lo += t.hi;
    s = dd_make(s.hi, s.lo);
    s.lo += t.lo;
    return dd_make(s.hi, s.lo);
}

static struct dd dd_multiply(struct dd a, struct dd b) {
    struct dd p = two_product(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return dd_make(p.hi, p.lo);
}

static struct dd dd_divide(struct dd a, struct dd b) {
    /* Long division in doubles: a first quotient, then the quotient of what it leaves, then a
     * last correction; each step adds about 50 correct bits. */
    double q1 = a.hi / b.hi;
    struct dd r = dd_add(a, dd_multiply(b, dd_make(-q1, 0)));
    double q2 = r.hi / b.hi;
    r = dd_add(r, dd_multiply(b, dd_make(-q2, 0)));
    return dd_add(two_sum(q1, q2), dd_make(r.hi / b.hi, 0));
}

/* dd_of: a double as a double-double. */
static struct dd dd_of(double x) { return dd_make(x, 0); }

/* ln 2 as a double-double. */
static const double ln2_hi = 0.6931471805599453094;
static const double ln2_lo = 2.319046813846299558e-17;

/* dd_exp: e^x for a double-double x with |x| < 709.8: x = k·ln 2 + r, |r| <= ln 2 / 2, then
 * r/256 in a Taylor series of 14 terms, squared 8 times. Returns the mantissa part and *k. */
static struct dd dd_exp_reduced(struct dd x, int *k) {
    struct dd r;
    struct dd sum;
    struct dd term;
    double n = floor(x.hi / ln2_hi + 0.5);
    int i;
    *k = (int)n;
    r = dd_add(x, dd_multiply(dd_make(ln2_hi, ln2_lo), dd_of(-n)));
    r.hi = r.hi / 256;
    r.lo = r.lo / 256;
    /* e^r - 1, so that squaring keeps its small part: (1+s)^2 - 1 = 2s + s^2. */
    sum = r;
    term = r;
    for (i = 2; i <= 14; i++) {
        term = dd_divide(dd_multiply(term, r), dd_of((double)i));
        sum = dd_add(sum, term);
    }
    for (i = 0; i < 8; i++) sum = dd_add(dd_multiply(sum, dd_of(2.0)), dd_multiply(sum, sum));
    return dd_add(sum, dd_of(1.0));
}

/* dd_scale: hi + lo·2^k rounded once, subnormal results too. */
static double dd_scale(struct dd v, int k) {
    double hi;
    double lo;
    if (k > -1000) {
        /* Normal result (or overflow): the sum rounds first, the scaling is exact. */
        double s = v.hi + v.lo;
        if (k > 1023) return ldexp(ldexp(s, 1023), k - 1023);
        return ldexp(s, k);
    }
    /* Possibly subnormal: round the sum at the bit the result will have, by adding and taking
     * away a power of two that puts that bit in the last place. */
    hi = ldexp(v.hi, k + 1074);
    lo = ldexp(v.lo, k + 1074);
    if (fabs(hi) >= 4503599627370496.0) return ldexp(v.hi + v.lo, k);  /* 2^52: normal after all */
    {
        double big = hi < 0 ? -6755399441055744.0 : 6755399441055744.0;  /* 1.5·2^52 */
        double rounded = (hi + big) - big;  /* hi to an integer, ties to even */
        double fraction = (hi - rounded) + lo;
        if (fraction > 0.5) rounded += 1;
        else if (fraction < -0.5) rounded -= 1;
        else if ((fraction == 0.5 || fraction == -0.5) && fmod(rounded, 2.0) != 0) rounded += fraction > 0 ? 1 : -1;
        return ldexp(rounded, -1074);
    }
}

/* exp: e^x; 0 below -746, infinity above 710. */
double exp(double x) {
    int k;
    struct dd m;
    if (x != x) return x + x;
    if (x > 709.8) return x < 710 ? dd_scale(dd_exp_reduced(dd_of(x), &k), k) : HUGE_VAL;
    if (x < -746) return 0;
    m = dd_exp_reduced(dd_of(x), &k);
    return dd_scale(m, k);
}

/* dd_log: the natural logarithm of x (positive, finite, normal or subnormal) as a double-double:
 * x = m·2^e with m near 1; log m from the atanh series in double, then one Newton step in
 * double-double (log m + m·e^-log m - 1); plus e·ln 2. */
static struct dd dd_log(double x) {
    int e;
    double m = frexp(x, &e);
    double s;
    double s2;
    double y;
    double term;
    int i;
    int k;
    struct dd ey;
    struct dd correction;
    if (m < 0.70710678118654752) {
        m = m * 2;
        e--;
    }
    s = (m - 1) / (m + 1);
    s2 = s * s;
    y = 0;
    term = s;
    for (i = 1; i < 40; i += 2) {
        y += term / i;
        term *= s2;
    }
    y = 2 * y;
    ey = dd_exp_reduced(dd_of(-y), &k);
    ey = dd_make(ldexp(ey.hi, k), ldexp(ey.lo, k));
    correction = dd_add(dd_multiply(dd_of(m), ey), dd_of(-1.0));
    return dd_add(dd_multiply(dd_make(ln2_hi, ln2_lo), dd_of((double)e)), dd_add(dd_of(y), correction));
}

/* log: the natural logarithm; -infinity for 0, NaN below 0. */
double log(double x) {
    struct dd r;
    if (x != x) return x + x;
    if (x < 0) return (x - x) / (x - x);
    if (x == 0) return -HUGE_VAL;
    if (x == HUGE_VAL) return x;
    if (x == 1) return 0;
    r = dd_log(x);
    return r.hi + r.lo;
}

static const double ln10_hi = 2.302585092994045901;
static const double ln10_lo = -2.1707562233822494e-16;

/* log10, log2: log divided by log 10 or log 2 in double-double (log2 of a power of two is exact).
 * log10, log2: log divided by log 10 or log 2 in double-double (log2 of a power of two is exact). */
double log10(double x) {
    struct dd r;
    if (x != x || x <= 0 || x == HUGE_VAL) return log(x);
    r = dd_divide(dd_log(x), dd_make(ln10_hi, ln10_lo));
    return r.hi + r.lo;
}

double log2(double x) {
    struct dd r;
    int e;
    if (x != x || x <= 0 || x == HUGE_VAL) return log(x);
    if (frexp(x, &e) == 0.5) return e - 1;
    r = dd_divide(dd_log(x), dd_make(ln2_hi, ln2_lo));
    return r.hi + r.lo;
}

/* is_integer: whether y (finite) is a whole number, and (*odd) whether it is odd. */
static int is_integer(double y, int *odd) {
    double t = trunc(y);
    *odd = 0;
    if (t != y) return 0;
    if (fabs(y) < 9007199254740992.0) *odd = fmod(y, 2.0) != 0;
    return 1;
}

/* pow: x^y; the special cases of C99 F.9.4.4 first, then e^(y log|x|) with the sign of an odd
 * integer power. */
double pow(double x, double y) {
    int odd;
    int integer;
    int k;
    double ax;
    struct dd l;
    struct dd m;
    if (y == 0) return 1;
    if (x == 1) return 1;
    if (x != x || y != y) return x + y;
    integer = fabs(y) == HUGE_VAL ? 1 : is_integer(y, &odd);
    if (fabs(y) == HUGE_VAL) {
        odd = 0;
        ax = fabs(x);
        if (ax == 1) return 1;
        if ((ax < 1) == (y < 0)) return HUGE_VAL;
        return 0;
    }
    if (x == 0) {
        if (y < 0) return odd ? copysign(HUGE_VAL, x) : HUGE_VAL;
        return odd ? x : 0;
    }
    if (fabs(x) == HUGE_VAL) {
        if (x < 0) {
            if (y < 0) return odd ? -0.0 : 0;
            return odd ? -HUGE_VAL : HUGE_VAL;
        }
        return y < 0 ? 0 : HUGE_VAL;
    }
    if (x < 0 && !integer) return (x - x) / (x - x);
    /* |x|^y = e^(y·log|x|), with the product in double-double. */
    l = dd_log(fabs(x));
    if (l.hi * y > 710) return odd && x < 0 ? -HUGE_VAL : HUGE_VAL;
    if (l.hi * y < -746) return odd && x < 0 ? -0.0 : 0;
    l = dd_multiply(l, dd_of(y));
    m = dd_exp_reduced(l, &k);
    ax = dd_scale(m, k);
    return odd && x < 0 ? -ax : ax;
}

/* ---- Trigonometric and hyperbolic functions, in double-double. */

/* pi/2 in three parts (53 + 53 + 53 bits). */
static const double pio2_1 = 1.5707963267948966;
static const double pio2_2 = 6.123233995736766e-17;
static const double pio2_3 = -1.4973849048591698e-33;

/* dd_negate: -a (both parts: the pair stays normalized). */
static struct dd dd_negate(struct dd a) {
    a.hi = -a.hi;
    a.lo = -a.lo;
    return a;
}

/* dd_sqrt: the square root of a (a > 0), one Newton step from the double's. */
static struct dd dd_sqrt(struct dd a) {
    double s = sqrt(a.hi);
    struct dd r = dd_add(a, dd_negate(two_product(s, s)));
    return dd_add(dd_of(s), dd_of(r.hi / (2 * s)));
}

/* sin_cos_kernel: sin r and cos r for |r| <= pi/4, by their Taylor series. */
static void sin_cos_kernel(struct dd r, struct dd *sine, struct dd *cosine) {
    struct dd term = r;
    struct dd s = r;
    struct dd c = dd_of(1.0);
    int n;
    for (n = 2; n <= 28; n += 2) {
        /* term is r^(n-1)/(n-1)!: the cosine's term is term·r/n, the sine's that ·r/(n+1). */
        term = dd_divide(dd_multiply(term, r), dd_of((double)n));
        c = dd_add(c, (n / 2) % 2 ? dd_negate(term) : term);
        term = dd_divide(dd_multiply(term, r), dd_of((double)(n + 1)));
        s = dd_add(s, (n / 2) % 2 ? dd_negate(term) : term);
    }
    *sine = s;
    *cosine = c;
}

/* reduce: x = k·pi/2 + r with |r| <= pi/4 (about); returns k mod 4. */
static int reduce(double x, struct dd *r) {
    double k = floor(x / pio2_1 + 0.5);
    struct dd t = dd_add(dd_of(x), dd_negate(two_product(k, pio2_1)));
    t = dd_add(t, dd_negate(two_product(k, pio2_2)));
    t = dd_add(t, dd_of(-k * pio2_3));
    *r = t;
    return (int)(fmod(k, 4.0) + 4) % 4;
}

/* sin, cos: the kernel's value for r, picked and signed by the quadrant k (sin(r + k·pi/2) is
 * sin r, cos r, -sin r, -cos r); NaN for NaN and infinities ((x - x) / (x - x) makes it without
 * a constant). tan: their quotient, in double-double. */
double sin(double x) {
    struct dd r;
    struct dd s;
    struct dd c;
    int k;
    if (x != x || fabs(x) == HUGE_VAL) return (x - x) / (x - x);
    if (fabs(x) < 1e-9) return x;  /* sin x = x - x^3/6: the rest is below half an ulp */
    k = reduce(x, &r);
    sin_cos_kernel(r, &s, &c);
    if (k == 0) return s.hi + s.lo;
    if (k == 1) return c.hi + c.lo;
    if (k == 2) return -(s.hi + s.lo);
    return -(c.hi + c.lo);
}

double cos(double x) {
    struct dd r;
    struct dd s;
    struct dd c;
    int k;
    if (x != x || fabs(x) == HUGE_VAL) return (x - x) / (x - x);
    k = reduce(x, &r);
    sin_cos_kernel(r, &s, &c);
    if (k == 0) return c.hi + c.lo;
    if (k == 1) return -(s.hi + s.lo);
    if (k == 2) return -(c.hi + c.lo);
    return s.hi + s.lo;
}

double tan(double x) {
    struct dd r;
    struct dd s;
    struct dd c;
    struct dd t;
    int k;
    if (x != x || fabs(x) == HUGE_VAL) return (x - x) / (x - x);
    if (fabs(x) < 1e-9) return x;
    k = reduce(x, &r);
    sin_cos_kernel(r, &s, &c);
    t = k % 2 ? dd_negate(dd_divide(c, s)) : dd_divide(s, c);
    return t.hi + t.lo;
}

/* dd_atan: the arc tangent of t >= 0: of 1/t beyond 1, then two halvings
 * (atan t = 2 atan(t / (1 + sqrt(1 + t^2)))) and the Taylor series below tan(pi/16). */
static struct dd dd_atan(struct dd t) {
    int invert = t.hi > 1;
    struct dd sum;
    struct dd power;
    struct dd t2;
    int i;
    int n;
    if (invert) t = dd_divide(dd_of(1.0), t);
    for (i = 0; i < 2; i++)
        t = dd_divide(t, dd_add(dd_of(1.0), dd_sqrt(dd_add(dd_of(1.0), dd_multiply(t, t)))));
    t2 = dd_multiply(t, t);
    sum = t;
    power = t;
    for (n = 3; n <= 49; n += 2) {
        power = dd_multiply(power, t2);
        sum = dd_add(sum, dd_divide(n % 4 == 3 ? dd_negate(power) : power, dd_of((double)n)));
    }
    sum = dd_multiply(sum, dd_of(4.0));
    if (invert) sum = dd_add(dd_make(pio2_1, pio2_2), dd_negate(sum));
    return sum;
}

double atan(double x) {
    struct dd a;
    if (x != x) return x + x;
    if (fabs(x) < 1e-9) return x;
    if (fabs(x) > 1e18) return copysign(pio2_1, x);  /* pi/2 - 1/x rounds to pi/2 */
    a = dd_atan(dd_of(fabs(x)));
    return copysign(a.hi + a.lo, x);
}

/* atan_of_ratio: the angle of the point (x, y), both finite, not both zero, as a double-double.
 * Both are scaled first so that the larger is near 1 (no overflow or subnormal on the way), and
 * the series always sees a ratio of at most 1 (pi/2 - atan(x/y) when |y| > |x|). */
static struct dd atan_of_ratio(struct dd y, struct dd x) {
    struct dd a;
    int negative_y = y.hi < 0 || (y.hi == 0 && __signbit(y.hi));
    int negative_x = x.hi < 0 || (x.hi == 0 && __signbit(x.hi));
    struct dd ay = negative_y ? dd_negate(y) : y;
    struct dd ax = negative_x ? dd_negate(x) : x;
    int e;
    frexp(ay.hi > ax.hi ? ay.hi : ax.hi, &e);
    ay = dd_make(ldexp(ay.hi, -e), ldexp(ay.lo, -e));
    ax = dd_make(ldexp(ax.hi, -e), ldexp(ax.lo, -e));
    if (ay.hi > ax.hi) a = dd_add(dd_make(pio2_1, pio2_2), dd_negate(dd_atan(dd_divide(ax, ay))));
    else if (ay.hi == 0) a = dd_of(0.0);
    else a = dd_atan(dd_divide(ay, ax));
    if (negative_x) a = dd_add(dd_make(2 * pio2_1, 2 * pio2_2), dd_negate(a));
    return negative_y ? dd_negate(a) : a;
}

double atan2(double y, double x) {
    struct dd a;
    double pi = 2 * pio2_1;
    if (x != x || y != y) return x + y;
    if (fabs(y) == HUGE_VAL) {
        if (x == HUGE_VAL) return copysign(pio2_1 / 2, y);
        if (x == -HUGE_VAL) return copysign(3 * pio2_1 / 2, y);
        return copysign(pio2_1, y);
    }
    if (x == HUGE_VAL) return copysign(0.0, y);
    if (x == -HUGE_VAL) return copysign(pi, y);
    if (y == 0) {
        if (x > 0 || (x == 0 && !__signbit(x))) return y;
        return copysign(pi, y);
    }
    if (fabs(y) / fabs(x) < 1e-300 && x > 0) return y / x;
    a = atan_of_ratio(dd_of(y), dd_of(x));
    return a.hi + a.lo;
}

/* asin, acos: the angle whose sine or cosine is x (|x| <= 1, else NaN), from sqrt(1 - x^2)
 * computed as sqrt((1 - x)(1 + x)) in double-double. */
double asin(double x) {
    struct dd c;
    struct dd a;
    if (x != x) return x + x;
    if (fabs(x) > 1) return (x - x) / (x - x);
    if (fabs(x) < 1e-9) return x;
    if (fabs(x) == 1) return copysign(pio2_1, x);
    c = dd_sqrt(dd_multiply(two_sum(1, -x), two_sum(1, x)));
    a = atan_of_ratio(dd_of(x), c);
    return a.hi + a.lo;
}

double acos(double x) {
    struct dd s;
    struct dd a;
    if (x != x) return x + x;
    if (fabs(x) > 1) return (x - x) / (x - x);
    if (x == 1) return 0;
    if (x == -1) return 2 * pio2_1;
    s = dd_sqrt(dd_multiply(two_sum(1, -x), two_sum(1, x)));
    a = atan_of_ratio(s, dd_of(x));
    return a.hi + a.lo;
}

/* hyperbolic: e^|x| as a double-double (|x| <= 20, so it is a normal number). */
static struct dd exp_dd(double x) {
    int k;
    struct dd m = dd_exp_reduced(dd_of(x), &k);
    return dd_make(ldexp(m.hi, k), ldexp(m.lo, k));
}

/* sinh, cosh, tanh: from e^|x| and its inverse; beyond |x| = 20 the inverse no longer shows, so
 * they are e^|x|/2 (overflowing to infinity only past 710.4) and ±1. */
double sinh(double x) {
    struct dd e;
    struct dd r;
    int k;
    if (x != x || fabs(x) == HUGE_VAL) return x;
    if (fabs(x) < 1e-9) return x;
    if (fabs(x) > 20) {
        if (fabs(x) > 711) return copysign(HUGE_VAL, x);
        e = dd_exp_reduced(dd_of(fabs(x)), &k);
        return copysign(dd_scale(e, k - 1), x);
    }
    e = exp_dd(fabs(x));
    r = dd_add(e, dd_negate(dd_divide(dd_of(1.0), e)));
    return copysign((r.hi + r.lo) / 2, x);
}

double cosh(double x) {
    struct dd e;
    struct dd r;
    int k;
    if (x != x) return x + x;
    if (fabs(x) == HUGE_VAL) return HUGE_VAL;
    if (fabs(x) > 20) {
        if (fabs(x) > 711) return HUGE_VAL;
        e = dd_exp_reduced(dd_of(fabs(x)), &k);
        return dd_scale(e, k - 1);
    }
    e = exp_dd(fabs(x));
    r = dd_add(e, dd_divide(dd_of(1.0), e));
    return (r.hi + r.lo) / 2;
}

double tanh(double x) {
    struct dd e;
    struct dd inverse;
    struct dd r;
    if (x != x) return x + x;
    if (fabs(x) < 1e-9) return x;
    if (fabs(x) > 20) return copysign(1.0, x);
    e = exp_dd(fabs(x));
    inverse = dd_divide(dd_of(1.0), e);
    r = dd_divide(dd_add(e, dd_negate(inverse)), dd_add(e, inverse));
    return copysign(r.hi + r.lo, x);
}

/* hypot: sqrt(x^2 + y^2) without overflow or underflow on the way (scaled by a power of two). */
double hypot(double x, double y) {
    int e;
    struct dd s;
    double ax = fabs(x);
    double ay = fabs(y);
    if (ax == HUGE_VAL || ay == HUGE_VAL) return HUGE_VAL;
    if (x != x || y != y) return x + y;
    if (ax < ay) {
        double t = ax;
        ax = ay;
        ay = t;
    }
    if (ax == 0) return 0;
    frexp(ax, &e);
    ax = ldexp(ax, -e);
    ay = ldexp(ay, -e);
    s = dd_sqrt(dd_add(two_product(ax, ax), two_product(ay, ay)));
    return ldexp(s.hi + s.lo, e);
}

/* The float and long double forms: the double functions (long double is double in cc). Each float
 * form is still correctly rounded: the double result is exact (fabs, ldexp, floor, ceil), or for
 * sqrt has enough bits (53 > 2·24 + 2) that rounding it again to float cannot go wrong. Built by
 * another compiler, the long double forms have only a double's precision. */
float fabsf(float x) { return (float)fabs(x); }
float ldexpf(float x, int n) { return (float)ldexp(x, n); }
float sqrtf(float x) { return (float)sqrt(x); }
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
long double fabsl(long double x) { return fabs(x); }
long double ldexpl(long double x, int n) { return ldexp(x, n); }
long double frexpl(long double x, int *exponent) { return frexp(x, exponent); }
