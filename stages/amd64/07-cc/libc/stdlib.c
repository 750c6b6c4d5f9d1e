/* stdlib.c — integers from text, absolute values and quotients, sorting and searching, rand.
 * What it leaves out: the wide-character forms (wcstol ...), random() and the drand48 family,
 * and any locale: digits and blanks are ASCII. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>

/* parse_integer: the common part of the strto*l functions. Reads blanks, a sign, the base's
 * prefix (0x for 16, 0 for 8 when base is 0) and digits; *magnitude is their value, or
 * limit + 1 (and errno ERANGE) when it would exceed limit. Returns whether it was negative;
 * *end is where reading stopped (s itself when there were no digits). */
static int parse_integer(const char *s, char **end, int base, unsigned long limit, unsigned long *magnitude, int *overflow) {
    const char *p = s;
    unsigned long value = 0;
    int digit;
    int negative = 0;
    int any = 0;
    *overflow = 0;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '-' || *p == '+') negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) base = p[0] == '0' ? 8 : 10;
    if (base < 2 || base > 36) {
        errno = EINVAL;
        if (end) *end = (char *)s;
        *magnitude = 0;
        return 0;
    }
    for (;; p++) {
        if (isdigit((unsigned char)*p)) digit = *p - '0';
        else if (isalpha((unsigned char)*p)) digit = tolower((unsigned char)*p) - 'a' + 10;
        else break;
        if (digit >= base) break;
        any = 1;
        /* value·base + digit > limit, tested without computing it (it could wrap). After an
         * overflow the digits are still read, so that *end is past the whole number, as C says. */
        if (value > (limit - digit) / base) *overflow = 1;
        else value = value * base + digit;
    }
    if (end) *end = (char *)(any ? p : s);
    if (*overflow) {
        errno = ERANGE;
        value = limit;
    }
    *magnitude = value;
    return negative;
}

/* strtoull: a negative number is negated as unsigned (C says so); out of range gives ULLONG_MAX. */
unsigned long long strtoull(const char *s, char **end, int base) {
    unsigned long value;
    int overflow;
    int negative = parse_integer(s, end, base, ULONG_MAX, &value, &overflow);
    if (overflow) return ULONG_MAX;
    return negative ? -value : value;
}

/* strtoul, strtol, strtoimax, strtoumax, atoll, atol, atoi, atof: the 64-bit functions above (int
 * and long are read as long long, atoi truncates). */
unsigned long strtoul(const char *s, char **end, int base) { return strtoull(s, end, base); }

/* strtoll: out of range gives LLONG_MAX or LLONG_MIN with errno ERANGE. */
long long strtoll(const char *s, char **end, int base) {
    unsigned long value;
    /* The negative side reaches 2^63 and the positive side only 2^63 - 1: one limit for reading,
     * then the positive side is checked once more below. */
    unsigned long most = (unsigned long)LLONG_MAX + 1;  /* 2^63, the magnitude of LLONG_MIN */
    int overflow;
    int negative = parse_integer(s, end, base, most, &value, &overflow);
    if (negative) {
        if (overflow) return LLONG_MIN;
        return -(long)value;
    }
    if (value >= most) {
        errno = ERANGE;
        return LLONG_MAX;
    }
    return value;
}

long strtol(const char *s, char **end, int base) { return strtoll(s, end, base); }
intmax_t strtoimax(const char *s, char **end, int base) { return strtoll(s, end, base); }
uintmax_t strtoumax(const char *s, char **end, int base) { return strtoull(s, end, base); }
long long atoll(const char *s) { return strtoll(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
double atof(const char *s) { return strtod(s, NULL); }
/* abs, labs, llabs: |n| (the most negative number stays itself); div, ldiv, lldiv: quotient toward
 * zero and remainder. */
int abs(int n) { return n < 0 ? -n : n; }
long labs(long n) { return n < 0 ? -n : n; }
long long llabs(long long n) { return n < 0 ? -n : n; }

div_t div(int a, int b) {
    div_t r;
    r.quot = a / b;
    r.rem = a % b;
    return r;
}

ldiv_t ldiv(long a, long b) {
    ldiv_t r;
    r.quot = a / b;
    r.rem = a % b;
    return r;
}

lldiv_t lldiv(long long a, long long b) {
    lldiv_t r;
    r.quot = a / b;
    r.rem = a % b;
    return r;
}

/* swap_bytes: exchanges two elements of size bytes. */
static void swap_bytes(char *a, char *b, size_t size) {
    char t;
    while (size--) {
        t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* sift_down: restores the heap below element i of the first n (for qsort's heapsort). */
static void sift_down(char *base, size_t i, size_t n, size_t size, int (*compare)(const void *, const void *)) {
    size_t child;
    for (;;) {
        child = 2 * i + 1;
        if (child >= n) return;
        if (child + 1 < n && compare(base + child * size, base + (child + 1) * size) < 0) child++;
        if (compare(base + i * size, base + child * size) >= 0) return;
        swap_bytes(base + i * size, base + child * size, size);
        i = child;
    }
}

/* qsort: heapsort, so at most about 2·n·log2(n) comparisons whatever the order; not stable
 * (C does not ask it to be). */
void qsort(void *base, size_t count, size_t size, int (*compare)(const void *, const void *)) {
    char *b = base;
    size_t i;
    if (count < 2 || size == 0) return;
    for (i = count / 2; i > 0; i--) sift_down(b, i - 1, count, size, compare);
    for (i = count - 1; i > 0; i--) {
        swap_bytes(b, b + i * size, size);
        sift_down(b, 0, i, size, compare);
    }
}

/* bsearch: binary search of a sorted array; any one of equal elements. */
void *bsearch(const void *key, const void *base, size_t count, size_t size, int (*compare)(const void *, const void *)) {
    const char *b = base;
    size_t low = 0;
    size_t high = count;
    size_t middle;
    int order;
    while (low < high) {
        /* Not (low + high) / 2, which could wrap for a huge count. */
        middle = low + (high - low) / 2;
        order = compare(key, b + middle * size);
        if (order == 0) return (void *)(b + middle * size);
        if (order < 0) high = middle;
        else low = middle + 1;
    }
    return NULL;
}

/* rand: a 31-bit linear congruential generator (the same sequence on every run for a seed):
 * the 64-bit state uses Knuth's MMIX multiplier and increment, and the result is its top 31
 * bits (0 to RAND_MAX), because the low bits of such a generator repeat with short periods. */
static unsigned long rand_state = 1;

int rand(void) {
    rand_state = rand_state * 6364136223846793005UL + 1442695040888963407UL;
    return (int)(rand_state >> 33);
}

void srand(unsigned int seed) { rand_state = seed; }
