/* strtod.c — floating numbers from text, correctly rounded (to nearest, ties to even) straight
 * to double or float: decimal with an exponent, hexadecimal (0x1.8p3), "inf", "infinity", "nan"
 * and "nan(chars)", any case, after blanks and a sign. The decimal digits are an exact big integer
 * D and the value D·10^E is rounded from 64 exact leading bits and a "sticky" bit that says
 * whether anything nonzero follows them. Only the first 800 significant digits are kept, with a
 * 1 after them when any later digit is nonzero: enough, since a double halfway between two
 * others never needs more than 767 digits to be told apart. Overflow gives ±HUGE_VAL and a
 * result rounded to 0 or a subnormal (from a nonzero number) sets errno to ERANGE.
 * long double is double in cc: strtold is strtod. */
#include <stddef.h>
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>

#define DECIMAL_DIGITS_KEPT 800
/* The largest big integer: a divisor up to 10^1131 (800 digits after the point and an exponent
 * of -330) and the number shifted to 63 bits above it, under 3,900 bits; 160 limbs hold 5,120. */
#define BIG_LIMBS 160

/* A big unsigned integer: 32-bit limbs, the least significant first. 32 bits so that a limb
 * times a factor, plus a carry, fits the 64-bit unsigned long with no overflow check. */
struct strtod_big {
    int length;
    unsigned int limb[BIG_LIMBS];
};

/* big_multiply_add: b = b·factor + addend. */
static void big_multiply_add(struct strtod_big *b, unsigned int factor, unsigned int addend) {
    unsigned long carry = addend;
    unsigned long t;
    int i;
    for (i = 0; i < b->length; i++) {
        t = (unsigned long)b->limb[i] * factor + carry;
        b->limb[i] = (unsigned int)t;
        carry = t >> 32;
    }
    if (carry) b->limb[b->length++] = (unsigned int)carry;
}

/* big_bits: the number of significant bits (and the length trimmed of zero limbs). */
static int big_bits(struct strtod_big *b) {
    int n;
    unsigned int top;
    while (b->length > 0 && b->limb[b->length - 1] == 0) b->length--;
    if (b->length == 0) return 0;
    top = b->limb[b->length - 1];
    n = (b->length - 1) * 32;
    while (top) {
        n++;
        top >>= 1;
    }
    return n;
}

/* big_bit: bit i (0 beyond the number). */
static int big_bit(struct strtod_big *b, int i) {
    if (i < 0 || i / 32 >= b->length) return 0;
    return (b->limb[i / 32] >> (i % 32)) & 1;
}

/* big_shift_left, big_shift_right_one: b·2^shift, b/2. */
static void big_shift_left(struct strtod_big *b, int shift) {
    int words = shift / 32;
    int bits = shift % 32;
    int i;
    int n = b->length + words + 1;
    /* Computed from the top limb down, so the shift is done in place (a limb is read before it is
     * overwritten); one limb more than needed is written, and big_bits trims it. */
    for (i = n - 1; i >= 0; i--) {
        unsigned long high = i - words < b->length && i - words >= 0 ? b->limb[i - words] : 0;
        unsigned long low = i - words - 1 < b->length && i - words - 1 >= 0 ? b->limb[i - words - 1] : 0;
        b->limb[i] = bits ? (unsigned int)((high << bits) | (low >> (32 - bits))) : (unsigned int)high;
    }
    b->length = n;
    big_bits(b);
}

static void big_shift_right_one(struct strtod_big *b) {
    int i;
    for (i = 0; i < b->length; i++)
        b->limb[i] = (b->limb[i] >> 1) | (i + 1 < b->length ? b->limb[i + 1] << 31 : 0);
    big_bits(b);
}

/* big_compare: -1, 0 or 1 as a <, =, > b; big_subtract: a -= b (a >= b). */
static int big_compare(struct strtod_big *a, struct strtod_big *b) {
    int i;
    big_bits(a);
    big_bits(b);
    if (a->length != b->length) return a->length < b->length ? -1 : 1;
    for (i = a->length - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i]) return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

/* big_subtract: limb by limb with a borrow, in signed 64-bit arithmetic where a limb difference
 * and the borrow cannot overflow. */
static void big_subtract(struct strtod_big *a, struct strtod_big *b) {
    long borrow = 0;
    long t;
    int i;
    for (i = 0; i < a->length; i++) {
        t = (long)a->limb[i] - (i < b->length ? (long)b->limb[i] : 0) - borrow;
        borrow = t < 0;
        a->limb[i] = (unsigned int)(t + (borrow ? 4294967296L : 0));
    }
    big_bits(a);
}

/* round_bits: the IEEE bits nearest to top·2^(exponent-63) (top has its bit 63 set; sticky:
 * something nonzero lies below it), for a format of `precision` significant bits whose normal
 * exponents go from min_exponent to max_exponent; *range is set on overflow or underflow. */
static unsigned long round_bits(unsigned long top, int sticky, long exponent, int precision,
                                int min_exponent, int max_exponent, int *range) {
    int keep = precision;
    int drop;
    unsigned long mantissa;
    unsigned long rest;
    unsigned long half;
    /* Too large: infinity, whose bits are the exponent field all ones over a zero fraction. */
    if (exponent > max_exponent) {
        *range = 1;
        return (unsigned long)(2 * max_exponent + 1) << (precision - 1);
    }
    /* Below the normal range: fewer significant bits are kept (a subnormal); far enough below,
     * none, and the result is zero with *range set. */
    if (exponent < min_exponent) {
        keep = precision - (int)(min_exponent - exponent);
        if (keep < 0) {
            *range = 1;
            return 0;
        }
    }
    drop = 64 - keep;
    if (drop == 64) {
        mantissa = 0;
        rest = top;
    } else {
        mantissa = top >> drop;
        rest = top & (((unsigned long)1 << drop) - 1);
    }
    half = (unsigned long)1 << (drop - 1);
    if (rest > half || (rest == half && (sticky || (mantissa & 1)))) mantissa++;
    if (exponent < min_exponent) {
        /* Subnormal: the bits are the mantissa (a carry into the lowest normal is right too). */
        if (mantissa < ((unsigned long)1 << (precision - 1))) *range = 1;
        return mantissa;
    }
    if (mantissa == ((unsigned long)1 << precision)) {
        mantissa >>= 1;
        exponent++;
        if (exponent > max_exponent) {
            *range = 1;
            return (unsigned long)(2 * max_exponent + 1) << (precision - 1);
        }
    }
    return ((unsigned long)(exponent + max_exponent) << (precision - 1)) | (mantissa & (((unsigned long)1 << (precision - 1)) - 1));
}

/* top_bits: the leading 64 bits of b (which is not 0) and whether any bit below them is set;
 * returns the exponent of its leading bit. */
static long top_bits(struct strtod_big *b, unsigned long *top, int *sticky) {
    int n = big_bits(b);
    int i;
    unsigned long t = 0;
    for (i = 0; i < 64; i++) t = (t << 1) | big_bit(b, n - 1 - i);
    *sticky = 0;
    for (i = n - 65; i >= 0 && !*sticky; i--)
        if (big_bit(b, i)) *sticky = 1;
    *top = t;
    return n - 1;
}

/* match_word: the length of word if s starts with it in any case, else 0. */
static int match_word(const char *s, const char *word) {
    int n = 0;
    while (word[n]) {
        if (tolower((unsigned char)s[n]) != word[n]) return 0;
        n++;
    }
    return n;
}

/* hex_value: a hexadecimal digit's value, or -1. */
static int hex_value(int c) {
    if (isdigit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* read_exponent: after the mantissa, at *p, the letter (e for decimal, p for hexadecimal, in
 * either case) and a signed decimal exponent, read and stepped over; 0 when there is none (a
 * letter without digits after it is not part of the number). A longer exponent stops growing at
 * 100000, so it cannot overflow: the result is out of range anyway. */
static long read_exponent(const char **p, int letter) {
    const char *q = *p;
    long e = 0;
    int negative = 0;
    if (tolower((unsigned char)*q) != letter) return 0;
    q++;
    if (*q == '-' || *q == '+') negative = *q++ == '-';
    if (!isdigit((unsigned char)*q)) return 0;
    while (isdigit((unsigned char)*q)) {
        if (e < 100000) e = e * 10 + *q - '0';
        q++;
    }
    *p = q;
    return negative ? -e : e;
}

/* normalize: top (not 0) shifted left until its bit 63 is set; returns by how many bits. */
static int normalize(unsigned long *top) {
    int shift = 0;
    while (!(*top >> 63)) {
        *top <<= 1;
        shift++;
    }
    return shift;
}

/* big_times_ten_to: b·10^k (k >= 0), nine factors of ten at a time (10^9 fits a limb's factor). */
static void big_times_ten_to(struct strtod_big *b, long k) {
    for (; k >= 9; k -= 9) big_multiply_add(b, 1000000000, 0);
    for (; k > 0; k--) big_multiply_add(b, 10, 0);
}

/* parse_float: the bits of the number at s in the format given (see round_bits); *end after it. */
/* The big integers and the digits are static (over 2 KiB), not on the stack: strtod is not
 * reentrant, which C allows (a signal handler must not call it). */
static unsigned long parse_float(const char *s, char **end, int precision, int min_exponent, int max_exponent) {
    static struct strtod_big number;
    static struct strtod_big divisor;
    static char digits[DECIMAL_DIGITS_KEPT + 1];
    const char *p = s;
    unsigned long sign = 0;
    unsigned long infinity = (unsigned long)(2 * max_exponent + 1) << (precision - 1);
    unsigned long bits;
    unsigned long top = 0;
    int sticky = 0;
    int range = 0;
    int n = 0;
    int any = 0;
    int seen_point = 0;
    long exponent = 0;
    long binary_exponent;
    int i;
    int d;
    while (isspace((unsigned char)*p)) p++;
    /* The sign bit is the top bit of the format: 24 + 8 - 1 = 31 for a float, 53 + 11 - 1 = 63 for
     * a double (precision counts the implicit bit, so it stands for the sign's place). */
    if (*p == '-' || *p == '+') sign = (unsigned long)(*p++ == '-') << (precision + (max_exponent == 127 ? 8 : 11) - 1);
    if ((i = match_word(p, "inf")) != 0) {
        p += i;
        if ((i = match_word(p, "inity")) != 0) p += i;
        if (end) *end = (char *)p;
        return sign | infinity;
    }
    if ((i = match_word(p, "nan")) != 0) {
        p += i;
        if (*p == '(') {
            const char *q = p + 1;
            while (isalnum((unsigned char)*q) || *q == '_') q++;
            if (*q == ')') p = q + 1;
        }
        if (end) *end = (char *)p;
        /* A quiet NaN: the top bit of the fraction set; the chars in "nan(chars)" are not used. */
        return sign | infinity | ((unsigned long)1 << (precision - 2));
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && (hex_value((unsigned char)p[2]) >= 0 || (p[2] == '.' && hex_value((unsigned char)p[3]) >= 0))) {
        /* Hexadecimal: up to 15 significant digits exactly, the rest only as sticky. */
        p += 2;
        for (;; p++) {
            if (*p == '.' && !seen_point) {
                seen_point = 1;
                continue;
            }
            d = hex_value((unsigned char)*p);
            if (d < 0) break;
            any = 1;
            if (top >> 56) {
                if (d) sticky = 1;
                if (!seen_point) exponent += 4;
            } else {
                top = top * 16 + d;
                if (seen_point) exponent -= 4;
            }
        }
        exponent += read_exponent(&p, 'p');
        if (end) *end = (char *)p;
        if (top == 0) return sign;
        binary_exponent = 63 - normalize(&top);
        bits = round_bits(top, sticky, binary_exponent + exponent, precision, min_exponent, max_exponent, &range);
        if (range) errno = ERANGE;
        return sign | bits;
    }
    /* Decimal: the significant digits (without leading zeros) and the power of ten after them. */
    for (;; p++) {
        if (*p == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p)) break;
        any = 1;
        if (n == 0 && *p == '0') {
            if (seen_point) exponent--;
            continue;
        }
        if (n < DECIMAL_DIGITS_KEPT) {
            digits[n++] = *p - '0';
            if (seen_point) exponent--;
        } else {
            if (*p != '0') sticky = 1;
            if (!seen_point) exponent++;
        }
    }
    /* No digit at all: no conversion, and *end is s itself, even if blanks or a sign were read. */
    if (!any) {
        if (end) *end = (char *)s;
        return 0;
    }
    exponent += read_exponent(&p, 'e');
    if (end) *end = (char *)p;
    if (n == 0) return sign;
    if (sticky) digits[n++] = 1;
    /* A value of more than 330 integer digits overflows any double, and one below 10^-330 is under
     * half the smallest subnormal (4.9·10^-324): decided here without building numbers of a
     * million digits for "1e999999". */
    if (n + exponent > 330) {
        errno = ERANGE;
        return sign | infinity;
    }
    if (n + exponent < -330) {
        errno = ERANGE;
        return sign;
    }
    number.length = 0;
    for (i = 0; i < n; i++) big_multiply_add(&number, 10, digits[i]);
    if (exponent >= 0) {
        big_times_ten_to(&number, exponent);
        binary_exponent = top_bits(&number, &top, &sticky);
    } else {
        /* number / 10^-exponent, from a quotient of 63 or 64 bits and whether it left a remainder. */
        int shift;
        int bit;
        unsigned long quotient = 0;
        divisor.length = 1;
        divisor.limb[0] = 1;
        big_times_ten_to(&divisor, -exponent);
        shift = big_bits(&divisor) + 63 - big_bits(&number);
        if (shift > 0) big_shift_left(&number, shift);
        else if (shift < 0) big_shift_left(&divisor, -shift);
        /* Long division one bit at a time: the divisor is aligned with the number's top bit and
         * shifted right as each quotient bit is decided. */
        bit = big_bits(&number) - big_bits(&divisor);
        big_shift_left(&divisor, bit);
        for (; bit >= 0; bit--) {
            quotient <<= 1;
            if (big_compare(&number, &divisor) >= 0) {
                big_subtract(&number, &divisor);
                quotient |= 1;
            }
            big_shift_right_one(&divisor);
        }
        sticky = big_bits(&number) != 0;
        top = quotient;
        binary_exponent = 63 - shift - normalize(&top);
    }
    bits = round_bits(top, sticky, binary_exponent, precision, min_exponent, max_exponent, &range);
    if (range) errno = ERANGE;
    return sign | bits;
}

/* strtod, strtof: parse_float for 53 or 24 significant bits; strtold is strtod. */
double strtod(const char *s, char **end) {
    union { unsigned long bits; double value; } u;
    u.bits = parse_float(s, end, 53, -1022, 1023);
    return u.value;
}

float strtof(const char *s, char **end) {
    union { unsigned int bits; float value; } u;
    u.bits = (unsigned int)parse_float(s, end, 24, -126, 127);
    return u.value;
}

/* strtold: under cc a long double is a double; built by another compiler (TinyCC, GCC), the
 * result is only as precise as a double. */
long double strtold(const char *s, char **end) { return strtod(s, end); }
