/* scanf.c — formatted input from a string or a FILE: conversions d i u o x X c s [ ] p n % and
 * the floating ones f e g a (E G A F too, read with strtod), '*' to read without storing, a
 * width, the sizes hh h l ll j z t L q. Blanks in the format skip any blanks in the input. Returns
 * how many values were stored, or EOF when the input ended before the first conversion. What it
 * leaves out: wide characters (%lc %ls), positional arguments; a number is read into a buffer of
 * at most 511 characters. */
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <stdio.h>

/* The length modifiers' reader, printf.c's. */
int __format_size(const char **f, int *long_double);

/* The input: a FILE or a string; `count` bytes taken so far (for %n). */
struct scan_input {
    FILE *file;
    const char *text;
    long count;
};

/* scan_get: the next input byte as an unsigned char, or EOF at the end of the file or at the
 * string's NUL; counts it for %n. */
static int scan_get(struct scan_input *in) {
    int c;
    if (in->file) c = fgetc(in->file);
    else {
        c = (unsigned char)*in->text;
        if (c == 0) c = EOF;
        else in->text++;
    }
    if (c != EOF) in->count++;
    return c;
}

/* scan_unget: gives back the byte scan_get returned last (EOF is nothing to give back). Only that
 * one byte is ever given back, which is all ungetc promises for a FILE; so a number that stops
 * being one after two bytes ("1e" then a letter) keeps the bytes it read. */
static void scan_unget(struct scan_input *in, int c) {
    if (c == EOF) return;
    in->count--;
    if (in->file) ungetc(c, in->file);
    else in->text--;
}

/* store_integer: value into the object of the argument's size (4: int; hh 1, h 2, l ll j z t q 8),
 * truncated to it as an assignment does; signed or unsigned does not matter at the same size. */
/* store_integer: value into the object of the argument's size. */
static void store_integer(void *p, int size, unsigned long value) {
    if (size == 8) *(long *)p = value;
    else if (size == 2) *(short *)p = value;
    else if (size == 1) *(char *)p = value;
    else *(int *)p = value;
}

/* read_number: the longest prefix of the input (at most width bytes) that could begin a number of
 * the kind (an integer of base 0, 8, 10 or 16, or 'f' for floating), into buffer. */
/* Reading the text first and converting it with strtol/strtod afterwards keeps one parser of
 * numbers in the library. The width counts the sign and prefix, as C says; a number longer than
 * the buffer (511 bytes) is cut there. */
static int read_number(struct scan_input *in, char *buffer, int width, int kind) {
    int n = 0;
    int c = scan_get(in);
    int hex = kind == 16;
    int point = 0;
    int exponent = 0;
    if (width <= 0 || width > 511) width = 511;
    if ((c == '-' || c == '+') && n < width) {
        buffer[n++] = c;
        c = scan_get(in);
    }
    /* A leading 0: "0x" starts a hexadecimal number (%i, %x, %p, and a hexadecimal floating one);
     * for %i a 0 without x makes the rest octal. */
    if (kind != 8 && kind != 10 && c == '0' && n < width) {
        buffer[n++] = c;
        c = scan_get(in);
        if ((c == 'x' || c == 'X') && n < width && kind != 10) {
            buffer[n++] = c;
            c = scan_get(in);
            hex = 1;
        } else if (kind == 0) kind = 8;
    }
    for (; n < width; c = scan_get(in)) {
        if (kind == 8 ? (c >= '0' && c <= '7') : hex ? isxdigit(c) : isdigit(c)) buffer[n++] = c;
        else if (kind == 'f' && c == '.' && !point && !exponent) {
            point = 1;
            buffer[n++] = c;
        } else if (kind == 'f' && !exponent && (hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E'))) {
            exponent = 1;
            buffer[n++] = c;
            c = scan_get(in);
            if ((c == '-' || c == '+') && n < width) buffer[n++] = c;
            else scan_unget(in, c);
        } else if (kind == 'f' && n == (buffer[0] == '-' || buffer[0] == '+') && (c == 'i' || c == 'I' || c == 'n' || c == 'N')) {
            /* inf, infinity, nan */
            while (n < width && (isalpha(c) || c == '(' || c == ')' || c == '_')) {
                buffer[n++] = c;
                c = scan_get(in);
            }
            break;
        } else break;
    }
    scan_unget(in, c);
    buffer[n] = 0;
    return n;
}

/* scan: the whole of scanf: walks the format, taking input as each directive asks, and stops at
 * the first byte that does not match (left in the input). Returns how many values were stored;
 * EOF only if the input ended before any conversion took input (`any`), as C distinguishes "no
 * input" from "input that did not match". */
static int scan(struct scan_input *in, const char *f, va_list ap) {
    int stored = 0;
    int any = 0;
    int c;
    int width;
    int size;
    int suppress;
    int long_double;
    char buffer[512];
    char *end;
    char *p;
    for (; *f; f++) {
        if (isspace((unsigned char)*f)) {
            do c = scan_get(in);
            while (isspace(c));
            scan_unget(in, c);
            continue;
        }
        /* An ordinary byte of the format, or "%%" (which, like a conversion, skips blanks first), must
         * be the next input byte. */
        if (*f != '%' || f[1] == '%') {
            if (*f == '%') {
                f++;
                do c = scan_get(in);
                while (isspace(c));
            } else c = scan_get(in);
            if (c != (unsigned char)*f) {
                scan_unget(in, c);
                if (c == EOF && !any) return EOF;
                return stored;
            }
            continue;
        }
        f++;
        suppress = *f == '*';
        if (suppress) f++;
        width = 0;
        while (isdigit((unsigned char)*f)) width = width * 10 + *f++ - '0';
        size = __format_size(&f, &long_double);
        /* %n stores the count of bytes read so far; it takes no input and does not count as a stored
         * value. */
        if (*f == 'n') {
            if (!suppress) store_integer(va_arg(ap, void *), size, in->count);
            continue;
        }
        /* Every conversion but %c and %[ skips leading blanks (C's rule: %c reads any byte). */
        if (*f != 'c' && *f != '[') {
            do c = scan_get(in);
            while (isspace(c));
            scan_unget(in, c);
        }
        if (*f == 'd' || *f == 'i' || *f == 'u' || *f == 'o' || *f == 'x' || *f == 'X' || *f == 'p') {
            int base = *f == 'i' ? 0 : *f == 'o' ? 8 : *f == 'x' || *f == 'X' || *f == 'p' ? 16 : 10;
            unsigned long value;
            if (read_number(in, buffer, width, base) == 0) {
                c = scan_get(in);
                scan_unget(in, c);
                return c == EOF && !any ? EOF : stored;
            }
            any = 1;
            /* Text read but not a whole number ("-", "0x" alone) is a matching failure. Signed
             * conversions go through strtoll, so an out-of-range value is clamped as strtoll clamps it. */
            value = *f == 'd' || *f == 'i' ? (unsigned long)strtoll(buffer, &end, base) : strtoull(buffer, &end, base);
            if (*end) return stored;
            if (*f == 'p') size = 8;
            if (!suppress) {
                store_integer(va_arg(ap, void *), size, value);
                stored++;
            }
        } else if (*f == 'f' || *f == 'e' || *f == 'g' || *f == 'a' || *f == 'F' || *f == 'E' || *f == 'G' || *f == 'A') {
            /* Read as a double (strtod) and stored at the size asked: %Lf widens it to a long double,
             * which under cc is a double itself. */
            double value;
            if (read_number(in, buffer, width, 'f') == 0) {
                c = scan_get(in);
                scan_unget(in, c);
                return c == EOF && !any ? EOF : stored;
            }
            any = 1;
            value = strtod(buffer, &end);
            if (end == buffer) return stored;
            if (!suppress) {
                if (long_double) *va_arg(ap, long double *) = value;
                else if (size == 8) *va_arg(ap, double *) = value;
                else *va_arg(ap, float *) = (float)value;
                stored++;
            }
        } else if (*f == 'c') {
            if (width == 0) width = 1;
            p = suppress ? NULL : va_arg(ap, char *);
            for (; width > 0; width--) {
                c = scan_get(in);
                if (c == EOF) return any ? stored : EOF;
                any = 1;
                if (p) *p++ = c;
            }
            if (!suppress) stored++;
        } else if (*f == 's' || *f == '[') {
            char set[256];
            int invert = 0;
            int i;
            int n = 0;
            if (*f == '[') {
                f++;
                if (*f == '^') {
                    invert = 1;
                    f++;
                }
                memset(set, 0, sizeof set);
                /* A ']' first is in the set; a '-' between two characters is a range. */
                if (*f == ']') set[(unsigned char)*f++] = 1;
                for (; *f && *f != ']'; f++) {
                    if (f[1] == '-' && f[2] && f[2] != ']') {
                        for (i = (unsigned char)f[0]; i <= (unsigned char)f[2]; i++) set[i] = 1;
                        f += 2;
                    } else set[(unsigned char)*f] = 1;
                }
                if (*f == 0) return stored;
            } else {
                for (i = 0; i < 256; i++) set[i] = !isspace(i);
            }
            p = suppress ? NULL : va_arg(ap, char *);
            /* No width: as many bytes as are in the set (-1 never reaches 0). */
            if (width == 0) width = -1;
            for (; width != 0; width--) {
                c = scan_get(in);
                if (c == EOF || !(set[c] ^ invert)) {
                    scan_unget(in, c);
                    break;
                }
                if (p) p[n] = c;
                n++;
            }
            if (n == 0) return c == EOF && !any ? EOF : stored;
            any = 1;
            if (p) {
                p[n] = 0;
                stored++;
            }
        } else return stored;
    }
    return stored;
}

/* The six entry points: from a string (sscanf), a FILE (fscanf) or stdin (scanf), with the
 * arguments given directly or as a va_list (the v forms); all go through scan. */
int vsscanf(const char *s, const char *format, va_list ap) {
    struct scan_input in;
    in.file = NULL;
    in.text = s;
    in.count = 0;
    return scan(&in, format, ap);
}

int vfscanf(FILE *f, const char *format, va_list ap) {
    struct scan_input in;
    in.file = f;
    in.text = NULL;
    in.count = 0;
    return scan(&in, format, ap);
}

int vscanf(const char *format, va_list ap) { return vfscanf(stdin, format, ap); }

int sscanf(const char *s, const char *format, ...) {
    va_list ap;
    int n;
    va_start(ap, format);
    n = vsscanf(s, format, ap);
    va_end(ap);
    return n;
}

int fscanf(FILE *f, const char *format, ...) {
    va_list ap;
    int n;
    va_start(ap, format);
    n = vfscanf(f, format, ap);
    va_end(ap);
    return n;
}

int scanf(const char *format, ...) {
    va_list ap;
    int n;
    va_start(ap, format);
    n = vfscanf(stdin, format, ap);
    va_end(ap);
    return n;
}
