/* printf.c — formatted output, to a FILE, a file descriptor or a string, as C99 and glibc print:
 * conversions d i u o x X c s p n % and the floating ones f F e E g G a A; flags - + space # 0; a
 * width and a precision (numbers or *); sizes hh h l ll j z t L (and q). Floating numbers are
 * exact: the double's value is written out in decimal in full (a big integer, m·2^e or m·5^-e) and
 * rounded to the digits asked for, ties to even, as glibc does. %a writes a normal double as
 * 0x1.hhhp±d and a subnormal as 0x0.hhhp-1022, without trailing zeros unless a precision is given
 * (rounded ties to even; a carry makes 0x2). What it leaves out: %ls and %lc (wide characters),
 * positional arguments (%1$d); long double is double in cc. */
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <unistd.h>
#include <stdio.h>

/* Every conversion goes to a sink: a FILE, a file descriptor or a string. */
struct sink {
    FILE *file;
    int fd;             /* when file is NULL and fd >= 0 */
    char *text;
    size_t size;        /* room in text, the NUL included */
    size_t length;      /* bytes produced (also those that did not fit) */
    char pending[256];  /* bytes for fd, not yet written */
    int pending_count;
};

/* put: one byte to the sink. A file descriptor's bytes are gathered 256 at a time, so dprintf makes
 * one system call per 256 bytes, not one per byte (vdprintf writes the rest at the end). A string
 * takes what fits, leaving room for the NUL, and the count goes on: snprintf returns the length
 * the whole output would have had. */
static void put(struct sink *out, int c) {
    if (out->file) fputc(c, out->file);
    else if (out->fd >= 0) {
        out->pending[out->pending_count++] = c;
        if (out->pending_count == sizeof out->pending) {
            write(out->fd, out->pending, out->pending_count);
            out->pending_count = 0;
        }
    } else if (out->length + 1 < out->size) out->text[out->length] = c;
    out->length++;
}

/* put_padding: n copies of c (none if n <= 0: a field wider than its width is not cut). */
static void put_padding(struct sink *out, int c, int n) {
    while (n-- > 0) put(out, c);
}

/* put_text: the bytes of s, without its NUL. */
static void put_text(struct sink *out, const char *s) {
    while (*s) put(out, *s++);
}

/* put_field: n bytes of text, padded with blanks to width (after them if left). */
static void put_field(struct sink *out, const char *text, int n, int left, int width) {
    if (!left) put_padding(out, ' ', width - n);
    width -= n;
    while (n-- > 0) put(out, *text++);
    if (left) put_padding(out, ' ', width);
}

/* put_number: the digits of value in base, with sign or prefix, padded to width. At least
 * `precision` digits (zeros in front); C's rule that precision 0 prints no digit for the value 0
 * ("%.0d" of 0 is empty). `zero` pads with zeros between the prefix and the digits, which C
 * forbids when a precision is given: the callers pass it only without one. 24 digits hold a
 * 64-bit value in octal (22). */
static void put_number(struct sink *out, unsigned long value, int base, int upper, int left,
                       int zero, int width, int precision, const char *prefix) {
    char digits[24];
    const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    int length;
    while (value || (n == 0 && precision != 0)) {
        digits[n++] = alphabet[value % base];
        value /= base;
    }
    while (n < precision) digits[n++] = '0';
    length = n + strlen(prefix);
    if (!left && !zero) put_padding(out, ' ', width - length);
    put_text(out, prefix);
    if (!left && zero) put_padding(out, '0', width - length);
    while (n) put(out, digits[--n]);
    if (left) put_padding(out, ' ', width - length);
}

/* ---- The exact decimal value of a double. */
/* A double has at most 767 significant decimal digits (the smallest subnormal, 2^-1074, is
 * 5^1074 / 10^1074: 751 of them; the most come from a subnormal with every bit set); 800 digits,
 * in limbs of 9, leave room. */
#define PRINTF_DIGITS 800
#define PRINTF_LIMBS 100

/* A double's decimal digits: value = 0.d[0]d[1]...d[count-1] · 10^point, d[0] not 0 (count 0 for
 * zero). */
struct decimal {
    int count;
    int point;
    char d[PRINTF_DIGITS];
};

/* multiply: limbs (base 10^9, least significant first) times factor; returns the new length. A
 * limb below 10^9 times a factor up to 5^13 (1.2·10^9), plus the carry, stays below 2^64, which
 * is why to_decimal multiplies by at most 2^29 or 5^13 at a time. */
static int multiply(unsigned int *limbs, int n, unsigned int factor) {
    unsigned long carry = 0;
    unsigned long t;
    int i;
    for (i = 0; i < n; i++) {
        t = (unsigned long)limbs[i] * factor + carry;
        limbs[i] = (unsigned int)(t % 1000000000);
        carry = t / 1000000000;
    }
    while (carry) {
        limbs[n++] = (unsigned int)(carry % 1000000000);
        carry /= 1000000000;
    }
    return n;
}

/* to_decimal: the digits of mantissa·2^exponent, exactly. A binary fraction always has a finite
 * decimal expansion, so the digits are computed in full, and rounding them afterwards
 * (round_decimal) gives the correctly rounded result at any precision with no floating
 * arithmetic at all: the same digits as glibc, whatever the precision. */
static void to_decimal(unsigned long mantissa, int exponent, struct decimal *out) {
    unsigned int limbs[PRINTF_LIMBS];
    int n = 0;
    int i;
    int k;
    int e;
    unsigned int limb;
    char nine[9];
    out->count = 0;
    out->point = 0;
    if (mantissa == 0) return;
    while (mantissa) {
        limbs[n++] = (unsigned int)(mantissa % 1000000000);
        mantissa /= 1000000000;
    }
    if (exponent >= 0) {
        for (e = exponent; e > 0; e -= k) {
            k = e < 29 ? e : 29;
            n = multiply(limbs, n, (unsigned int)1 << k);
        }
    } else {
        /* m·2^-k = m·5^k / 10^k */
        for (e = -exponent; e > 0; e -= k) {
            unsigned int factor = 1;
            k = e < 13 ? e : 13;
            for (i = 0; i < k; i++) factor *= 5;
            n = multiply(limbs, n, factor);
        }
    }
    /* The most significant limb without its leading zeros, then 9 digits per limb. */
    limb = limbs[n - 1];
    k = 0;
    while (limb) {
        nine[k++] = limb % 10;
        limb /= 10;
    }
    while (k) out->d[out->count++] = nine[--k];
    for (i = n - 2; i >= 0; i--) {
        limb = limbs[i];
        for (k = 8; k >= 0; k--) {
            nine[k] = limb % 10;
            limb /= 10;
        }
        for (k = 0; k < 9; k++) out->d[out->count++] = nine[k];
    }
    out->point = out->count + (exponent < 0 ? exponent : 0);
    while (out->count > 0 && out->d[out->count - 1] == 0) out->count--;
}

/* round_decimal: keeps the first `keep` digits (may be 0 or less: then the value rounds to 0 or to
 * one unit of the last place kept), to nearest, ties to even. The digits are exact, so a 5
 * followed by nothing but zeros is a true tie: only then does the last kept digit's parity
 * decide. */
static void round_decimal(struct decimal *v, int keep) {
    int up;
    int i;
    if (keep >= v->count) return;
    if (keep < 0) {
        v->count = 0;
        return;
    }
    if (v->d[keep] > 5) up = 1;
    else if (v->d[keep] < 5) up = 0;
    else {
        up = 0;
        for (i = keep + 1; i < v->count; i++)
            if (v->d[i]) up = 1;
        if (!up) up = keep > 0 && (v->d[keep - 1] & 1);
    }
    v->count = keep;
    if (up) {
        i = keep - 1;
        while (i >= 0 && v->d[i] == 9) i--;
        if (i < 0) {
            /* 99.9 → 100: one digit 1, a place further. */
            v->d[0] = 1;
            v->count = 1;
            v->point++;
            return;
        }
        v->d[i]++;
        v->count = i + 1;
    }
    while (v->count > 0 && v->d[v->count - 1] == 0) v->count--;
}

/* digit_at: digit i as a character; the places before the first digit and after the last are 0. */
static int digit_at(struct decimal *v, int i) { return i >= 0 && i < v->count ? '0' + v->d[i] : '0'; }

/* The parts of a converted floating number, put out between padding. */
struct float_text {
    const char *sign;
    const char *prefix;     /* "0x" for %a */
    char body[64];          /* when the number is short (inf, nan, %a) */
    struct decimal *digits; /* else: the digits of %f or %e */
    int style;              /* 'f', 'e' or 0 (the body) */
    int precision;
    int point_anyway;       /* '#': the point even with no digit after it */
    int exponent;
    int upper;
};

/* exponent_length: the length of %e's exponent ("e+05" is 4): the sign and at least two digits. */
static int exponent_length(int e) {
    int n = 2;
    if (e < 0) e = -e;
    while (e >= 100) {
        n++;
        e /= 10;
    }
    return n + 2;
}

/* exponent_text: a decimal exponent's sign and digits (at least `least` of them) into b, with
 * its NUL; returns the end. %e writes two digits at least, %a one. */
static char *exponent_text(char *b, int e, int least) {
    char digits[8];
    int n = 0;
    *b++ = e < 0 ? '-' : '+';
    if (e < 0) e = -e;
    do {
        digits[n++] = '0' + e % 10;
        e /= 10;
    } while (e);
    while (n < least) digits[n++] = '0';
    while (n) *b++ = digits[--n];
    *b = 0;
    return b;
}

/* float_length: how many bytes put_float_body and the sign and prefix will write; the padding to
 * the width comes before them, so their length is needed first. */
static int float_length(struct float_text *t) {
    int n = strlen(t->sign) + strlen(t->prefix);
    if (t->style == 0) return n + strlen(t->body);
    if (t->style == 'f') n += t->digits->point > 0 ? t->digits->point : 1;
    else n += 1 + exponent_length(t->exponent);
    if (t->precision > 0 || t->point_anyway) n += 1 + t->precision;
    return n;
}

/* put_float_body: the number's digits in the style chosen (%f: the integer part, then
 * `precision` places; %e: one digit, the places, then the exponent), or the body text. */
static void put_float_body(struct sink *out, struct float_text *t) {
    struct decimal *v = t->digits;
    int i;
    char exponent[8];
    if (t->style == 0) {
        put_text(out, t->body);
        return;
    }
    if (t->style == 'f') {
        if (v->point > 0)
            for (i = 0; i < v->point; i++) put(out, digit_at(v, i));
        else put(out, '0');
        if (t->precision > 0 || t->point_anyway) put(out, '.');
        for (i = 0; i < t->precision; i++) put(out, digit_at(v, v->point + i));
        return;
    }
    put(out, digit_at(v, 0));
    if (t->precision > 0 || t->point_anyway) put(out, '.');
    for (i = 1; i <= t->precision; i++) put(out, digit_at(v, i));
    put(out, t->upper ? 'E' : 'e');
    exponent_text(exponent, t->exponent, 2);
    put_text(out, exponent);
}

/* hex_float: %a of a finite double, into t->body. The 52 fraction bits are 13 hex digits after
 * the leading 1 (0 for a subnormal, whose exponent is written as -1022). With no precision,
 * trailing zero digits are dropped, as glibc does. */
static void hex_float(struct float_text *t, unsigned long bits, int precision) {
    const char *alphabet = t->upper ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned long fraction = bits & 0xfffffffffffffUL;
    int biased = (int)((bits >> 52) & 2047);
    int lead = biased != 0;
    int exponent = biased ? biased - 1023 : (fraction ? -1022 : 0);
    int digits = 13;
    char *b = t->body;
    int i;
    t->prefix = t->upper ? "0X" : "0x";
    if (precision >= 0 && precision < 13) {
        /* Round the 52 fraction bits to 4·precision, ties to even. */
        int drop = 4 * (13 - precision);
        unsigned long rest = fraction & (((unsigned long)1 << drop) - 1);
        unsigned long half = (unsigned long)1 << (drop - 1);
        fraction >>= drop;
        if (rest > half || (rest == half && ((precision ? fraction : (unsigned long)lead) & 1))) fraction++;
        if (fraction >> (4 * precision)) {
            fraction &= ((unsigned long)1 << (4 * precision)) - 1;
            lead++;
        }
        fraction <<= drop;
        digits = precision;
    } else if (precision < 0) {
        while (digits > 0 && ((fraction >> (4 * (13 - digits))) & 15) == 0) digits--;
    }
    *b++ = '0' + lead;
    if (digits > 0 || t->point_anyway || precision > 0) *b++ = '.';
    for (i = 0; i < digits; i++) *b++ = alphabet[(fraction >> (48 - 4 * i)) & 15];
    *b = 0;
    /* Zeros after the 13 digits a double has (at most 32 of them: the rest are left out). */
    t->precision = precision > 13 ? (precision - 13 < 32 ? precision - 13 : 32) : 0;
    b = t->body + strlen(t->body);
    for (i = 0; i < t->precision; i++) *b++ = '0';
    *b++ = t->upper ? 'P' : 'p';
    exponent_text(b, exponent, 1);
    t->precision = 0;
}

/* put_float: one floating conversion (f F e E g G a A) of value, with its flags, width and
 * precision (-1: none, then 6). The sign is taken from the bits, so -0.0 prints "-0". inf and nan
 * ignore the 0 flag, as C says. The digits are kept in one static buffer, not on the stack (800
 * bytes): printf is not reentrant, as C allows (a signal handler must not call it). */
static void put_float(struct sink *out, double value, int conversion, int left, int zero, int plus,
                      int space, int alternate, int width, int precision) {
    static struct decimal v;
    struct float_text t;
    union { double d; unsigned long u; } u;
    int c = tolower(conversion);
    int length;
    int biased;
    unsigned long mantissa;
    u.d = value;
    t.upper = isupper(conversion);
    t.sign = u.u >> 63 ? "-" : plus ? "+" : space ? " " : "";
    t.prefix = "";
    t.style = 0;
    t.digits = &v;
    t.point_anyway = alternate;
    t.precision = 0;
    t.exponent = 0;
    biased = (int)((u.u >> 52) & 2047);
    mantissa = u.u & 0xfffffffffffffUL;
    if (biased == 2047) {
        strcpy(t.body, mantissa ? (t.upper ? "NAN" : "nan") : (t.upper ? "INF" : "inf"));
        zero = 0;
    } else if (c == 'a') {
        hex_float(&t, u.u, precision);
    } else {
        if (precision < 0) precision = 6;
        if (biased) to_decimal(mantissa | ((unsigned long)1 << 52), biased - 1075, &v);
        else to_decimal(mantissa, -1074, &v);
        if (c == 'g') {
            /* %e's exponent at precision P decides: %f if P > X >= -4, else %e. */
            int p = precision ? precision : 1;
            int x;
            round_decimal(&v, p);
            x = v.count ? v.point - 1 : 0;
            if (p > x && x >= -4) {
                c = 'f';
                precision = p - 1 - x;
            } else {
                c = 'e';
                precision = p - 1;
            }
            if (!alternate) {
                /* Without '#', no trailing zeros (nor a point with nothing after it). */
                int shown = c == 'f' ? v.count - v.point : v.count - 1;
                if (shown < 0) shown = 0;
                if (precision > shown) precision = shown;
            }
        }
        t.precision = precision;
        if (c == 'f') {
            round_decimal(&v, v.point + precision);
            t.style = 'f';
        } else {
            round_decimal(&v, precision + 1);
            t.style = 'e';
            t.exponent = v.count ? v.point - 1 : 0;
        }
    }
    length = float_length(&t);
    if (!left && !zero) put_padding(out, ' ', width - length);
    put_text(out, t.sign);
    put_text(out, t.prefix);
    if (!left && zero) put_padding(out, '0', width - length);
    put_float_body(out, &t);
    if (left) put_padding(out, ' ', width - length);
}

/* format: the whole of printf: the format's bytes go to the sink, each conversion replaced by its
 * argument's text. A conversion is: '%', flags, width, '.' and precision, size, letter. */
/* __format_size: the length modifiers at *f (hh h l ll j z t L q), read and stepped over: the
 * size in bytes of the argument they give (4 without one), and in *long_double 1 after L.
 * printf and scanf share it (a name of the library's own, as C reserves them). */
int __format_size(const char **f, int *long_double) {
    int size = 4;
    *long_double = 0;
    for (;; (*f)++) {
        if (**f == 'h') size = size == 2 ? 1 : 2;
        else if (**f == 'l' || **f == 'L' || **f == 'q' || **f == 'j' || **f == 'z' || **f == 't') size = 8;
        else break;
        if (**f == 'L') *long_double = 1;
    }
    return size;
}

static void format(struct sink *out, const char *f, va_list ap) {
    int left;
    int zero;
    int plus;
    int space;
    int alternate;
    int width;
    int precision;
    int size;
    long value;
    unsigned long number;
    const char *s;
    const char *sign;
    int n;
    int long_double;
    for (; *f; f++) {
        if (*f != '%') {
            put(out, *f);
            continue;
        }
        f++;
        left = zero = plus = space = alternate = 0;
        for (;; f++) {
            if (*f == '-') left = 1;
            else if (*f == '0') zero = 1;
            else if (*f == '+') plus = 1;
            else if (*f == ' ') space = 1;
            else if (*f == '#') alternate = 1;
            else break;
        }
        width = 0;
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            f++;
        } else
            while (isdigit((unsigned char)*f)) width = width * 10 + *f++ - '0';
        precision = -1;
        if (*f == '.') {
            f++;
            precision = 0;
            if (*f == '*') {
                precision = va_arg(ap, int);
                if (precision < 0) precision = -1;
                f++;
            } else
                while (isdigit((unsigned char)*f)) precision = precision * 10 + *f++ - '0';
        }
        /* '-' overrides '0' (C's rule): left-justified fields are padded with spaces. */
        if (left) zero = 0;
        /* The size of the argument: 1, 2, 4 or 8 bytes. */
        size = __format_size(&f, &long_double);
        if (*f == 'd' || *f == 'i') {
            /* Every integer argument is passed in a full 8-byte slot, so it is read as one and then cut to
             * the size the format names (a char or short argument arrives promoted to int). */
            value = va_arg(ap, long);
            if (size == 4) value = (int)value;
            else if (size == 2) value = (short)value;
            else if (size == 1) value = (signed char)value;
            number = value < 0 ? -(unsigned long)value : (unsigned long)value;
            sign = value < 0 ? "-" : plus ? "+" : space ? " " : "";
            put_number(out, number, 10, 0, left, zero && precision < 0, width, precision, sign);
        } else if (*f == 'u' || *f == 'x' || *f == 'X' || *f == 'o') {
            number = va_arg(ap, unsigned long);
            if (size == 4) number = (unsigned int)number;
            else if (size == 2) number = (unsigned short)number;
            else if (size == 1) number = (unsigned char)number;
            if (*f == 'u') put_number(out, number, 10, 0, left, zero && precision < 0, width, precision, "");
            else if (*f == 'o') {
                /* '#': a leading 0, unless the digits (at this precision) already start with one. */
                int digits = 0;
                unsigned long rest = number;
                while (rest) {
                    digits++;
                    rest /= 8;
                }
                if (alternate && precision <= digits) precision = digits + 1;
                put_number(out, number, 8, 0, left, zero && precision < 0, width, precision, "");
            } else
                put_number(out, number, 16, *f == 'X', left, zero && precision < 0, width, precision,
                           alternate && number ? (*f == 'X' ? "0X" : "0x") : "");
        } else if (*f == 'p') {
            /* %p as glibc prints it: "(nil)" for a null pointer, else hexadecimal with 0x. */
            number = (unsigned long)va_arg(ap, void *);
            if (number == 0) put_field(out, "(nil)", 5, left, width);
            else
                put_number(out, number, 16, 0, left, zero && precision < 0, width, precision,
                           plus ? "+0x" : space ? " 0x" : "0x");
        } else if (*f == 'f' || *f == 'F' || *f == 'e' || *f == 'E' || *f == 'g' || *f == 'G' || *f == 'a' || *f == 'A') {
            /* A long double argument is a double in cc, but not in TinyCC or GCC building this library. */
            double d = long_double ? (double)va_arg(ap, long double) : va_arg(ap, double);
            put_float(out, d, *f, left, zero, plus, space, alternate, width, precision);
        } else if (*f == 'c') {
            char c = (char)va_arg(ap, int);
            put_field(out, &c, 1, left, width);
        } else if (*f == 's') {
            s = va_arg(ap, const char *);
            /* A null string is undefined in C; glibc prints "(null)" (or nothing if it would be cut), and so
             * does this library, so that programs print the same. */
            if (s == NULL) s = precision < 0 || precision >= 6 ? "(null)" : "";
            n = precision >= 0 ? (int)strnlen(s, precision) : (int)strlen(s);
            put_field(out, s, n, left, width);
        /* %n stores the bytes written so far, at the size the format names. */
        } else if (*f == 'n') {
            void *p = va_arg(ap, void *);
            if (size == 8) *(long *)p = out->length;
            else if (size == 2) *(short *)p = out->length;
            else if (size == 1) *(char *)p = out->length;
            else *(int *)p = out->length;
        } else if (*f == '%') put(out, '%');
        else {
            /* Not a conversion this library knows: written as it is. */
            put(out, '%');
            if (*f == 0) break;
            put(out, *f);
        }
    }
}

/* The entry points: to a FILE (fprintf, printf: stdout), a file descriptor (dprintf, unbuffered
 * but for the sink's 256 bytes), or a string (sprintf, snprintf: bounded); each with its va_list
 * form. They return the number of bytes produced (for snprintf: that the whole output has), or -1
 * when a FILE's error flag is set after writing (the flag may be an earlier call's). */
/* format_to: format into a sink made of file, fd and text (one of them in use). */
static void format_to(struct sink *out, FILE *file, int fd, char *text, size_t size, const char *format_text, va_list ap) {
    out->file = file;
    out->fd = fd;
    out->text = text;
    out->size = size;
    out->length = 0;
    out->pending_count = 0;
    format(out, format_text, ap);
}

int vfprintf(FILE *f, const char *format_text, va_list ap) {
    struct sink out;
    format_to(&out, f, -1, NULL, 0, format_text, ap);
    if (f->error) return -1;
    return out.length;
}

int vdprintf(int fd, const char *format_text, va_list ap) {
    struct sink out;
    format_to(&out, NULL, fd, NULL, 0, format_text, ap);
    if (out.pending_count) write(fd, out.pending, out.pending_count);
    return out.length;
}

int vsnprintf(char *s, size_t n, const char *format_text, va_list ap) {
    struct sink out;
    format_to(&out, NULL, -1, s, n, format_text, ap);
    if (n > 0) s[out.length < n ? out.length : n - 1] = 0;
    return out.length;
}

/* vsprintf: no bound; half of SIZE_MAX so that the room check (length + 1 < size) cannot wrap. */
int vsprintf(char *s, const char *format_text, va_list ap) { return vsnprintf(s, (size_t)-1 >> 1, format_text, ap); }
int vprintf(const char *format_text, va_list ap) { return vfprintf(stdout, format_text, ap); }

int printf(const char *format_text, ...) {
    va_list ap;
    int n;
    va_start(ap, format_text);
    n = vfprintf(stdout, format_text, ap);
    va_end(ap);
    return n;
}

int fprintf(FILE *f, const char *format_text, ...) {
    va_list ap;
    int n;
    va_start(ap, format_text);
    n = vfprintf(f, format_text, ap);
    va_end(ap);
    return n;
}

int dprintf(int fd, const char *format_text, ...) {
    va_list ap;
    int n;
    va_start(ap, format_text);
    n = vdprintf(fd, format_text, ap);
    va_end(ap);
    return n;
}

int sprintf(char *s, const char *format_text, ...) {
    va_list ap;
    int n;
    va_start(ap, format_text);
    n = vsprintf(s, format_text, ap);
    va_end(ap);
    return n;
}

int snprintf(char *s, size_t n, const char *format_text, ...) {
    va_list ap;
    int r;
    va_start(ap, format_text);
    r = vsnprintf(s, n, format_text, ap);
    va_end(ap);
    return r;
}
