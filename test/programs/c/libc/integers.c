/* integers.c — integers from text (strtol, strtoll, strtoull, strtoul, atoi: bases, prefixes,
 * signs, where reading stops, overflow and errno) and into text (printf's integer conversions
 * with every length modifier and flag), and sscanf. */
// exit: 0
// stdout: strtoll("  -42xyz", 10) = -42, stop 5, errno 0
// stdout: strtoull("  -42xyz", 10) = 18446744073709551574, stop 5, errno 0
// stdout: strtoll("0x1F", 0) = 31, stop 4, errno 0
// stdout: strtoull("0x1F", 0) = 31, stop 4, errno 0
// stdout: strtoll("0x", 16) = 0, stop 1, errno 0
// stdout: strtoull("0x", 16) = 0, stop 1, errno 0
// stdout: strtoll("0777", 0) = 511, stop 4, errno 0
// stdout: strtoull("0777", 0) = 511, stop 4, errno 0
// stdout: strtoll("zz", 36) = 1295, stop 2, errno 0
// stdout: strtoull("zz", 36) = 1295, stop 2, errno 0
// stdout: strtoll("9223372036854775807", 10) = 9223372036854775807, stop 19, errno 0
// stdout: strtoull("9223372036854775807", 10) = 9223372036854775807, stop 19, errno 0
// stdout: strtoll("9223372036854775808", 10) = 9223372036854775807, stop 19, errno 34
// stdout: strtoull("9223372036854775808", 10) = 9223372036854775808, stop 19, errno 0
// stdout: strtoll("-9223372036854775808", 10) = -9223372036854775808, stop 20, errno 0
// stdout: strtoull("-9223372036854775808", 10) = 9223372036854775808, stop 20, errno 0
// stdout: strtoll("-9223372036854775809", 10) = -9223372036854775808, stop 20, errno 34
// stdout: strtoull("-9223372036854775809", 10) = 9223372036854775807, stop 20, errno 0
// stdout: strtoll("18446744073709551615", 10) = 9223372036854775807, stop 20, errno 34
// stdout: strtoull("18446744073709551615", 10) = 18446744073709551615, stop 20, errno 0
// stdout: strtoll("18446744073709551616", 10) = 9223372036854775807, stop 20, errno 34
// stdout: strtoull("18446744073709551616", 10) = 18446744073709551615, stop 20, errno 34
// stdout: strtoll("-1", 10) = -1, stop 2, errno 0
// stdout: strtoull("-1", 10) = 18446744073709551615, stop 2, errno 0
// stdout: strtoll("+", 10) = 0, stop 0, errno 0
// stdout: strtoull("+", 10) = 0, stop 0, errno 0
// stdout: strtol -123 strtoul 255 atoi 77 atol -9
// stdout: [42] [   42] [42   ] [-0042] [+42] [ 42] [007] [    -007] [+5    ]
// stdout: [ff] [FF] [0xff] [010] [10] [0] [] [0]
// stdout: [44] [44] [4464] [4464] [-9223372036854775808] [9223372036854775807] [18446744073709551615] [ffffffffffffffff]
// stdout: [12] [-12] [-3] [-9223372036854775808] [18446744073709551615] [-5] [deadbeef]
// stdout: [a] [  b] [c  ] [str] [st] [    st] [ab    ] [%] [0x1234] [(nil)]
// stdout: [    1] [2    ] [003] [    ab]
// stdout: n 30
// stdout: snprintf cut: 1234 9
// stdout: sscanf 6: 12 -7 31 42 word rest
// stdout: sscanf 3: 325 -0.5 9
// stdout: sscanf 2: abc 123 6
// stdout: sscanf 2: [key] [value]
// stdout: sscanf 1: 8
// stdout: sscanf 1: 44
// stdout: sscanf empty: -1
// stdout: sscanf mismatch: 0
// stdout: sscanf version 3: 0 9 27
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>

static void from_text(const char *s, int base) {
    char *end;
    long long v;
    unsigned long long u;
    errno = 0;
    v = strtoll(s, &end, base);
    printf("strtoll(\"%s\", %d) = %lld, stop %d, errno %d\n", s, base, v, (int)(end - s), errno);
    errno = 0;
    u = strtoull(s, &end, base);
    printf("strtoull(\"%s\", %d) = %llu, stop %d, errno %d\n", s, base, u, (int)(end - s), errno);
}

int main(void) {
    int a = 0;
    int b = 0;
    int c = 0;
    unsigned int x = 0;
    long l = 0;
    char word[16];
    char rest[16];
    double d = 0;
    float f = 0;
    int n = 0;
    short h = 0;
    signed char hh = 0;
    from_text("  -42xyz", 10);
    from_text("0x1F", 0);
    from_text("0x", 16);
    from_text("0777", 0);
    from_text("zz", 36);
    from_text("9223372036854775807", 10);
    from_text("9223372036854775808", 10);
    from_text("-9223372036854775808", 10);
    from_text("-9223372036854775809", 10);
    from_text("18446744073709551615", 10);
    from_text("18446744073709551616", 10);
    from_text("-1", 10);
    from_text("+", 10);
    printf("strtol %ld strtoul %lu atoi %d atol %ld\n", strtol("-123", NULL, 10), strtoul("ff", NULL, 16), atoi(" 77 "), atol("-9"));
    printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-+6d]\n", 42, 42, 42, -42, 42, 42, 7, -7, 5);
    printf("[%x] [%X] [%#x] [%#o] [%o] [%#.0o] [%.0d] [%#X]\n", 255, 255, 255, 8, 8, 0, 0, 0);
    printf("[%hhd] [%hhu] [%hd] [%hu] [%ld] [%lld] [%llu] [%lx]\n", 300, 300, 70000, 70000, LONG_MIN, LLONG_MAX, ULLONG_MAX, -1L);
    printf("[%zu] [%zd] [%td] [%jd] [%ju] [%" PRId64 "] [%" PRIx32 "]\n", (size_t)12, (long)-12, (ptrdiff_t)-3, (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX, (int64_t)-5, (uint32_t)0xdeadbeef);
    printf("[%c] [%3c] [%-3c] [%s] [%.2s] [%6.2s] [%-6s] [%%] [%p] [%5p]\n", 'a', 'b', 'c', "str", "str", "str", "ab", (void *)0x1234, NULL);
    printf("[%*d] [%-*d] [%.*d] [%*.*s]%n\n", 5, 1, 5, 2, 3, 3, 6, 2, "abc", &n);
    printf("n %d\n", n);
    snprintf(word, 5, "%d", 123456);
    printf("snprintf cut: %s %d\n", word, snprintf(NULL, 0, "%s-%d", "abc", 12345));
    n = sscanf("  12 -7 0x1f 42 word rest", "%d %i %x %ld %15s %15s", &a, &b, &x, &l, word, rest);
    printf("sscanf %d: %d %d %u %ld %s %s\n", n, a, b, x, l, word, rest);
    n = sscanf("3.25e2,-0.5:9", "%lf,%f:%d", &d, &f, &c);
    printf("sscanf %d: %g %g %d\n", n, d, f, c);
    n = sscanf("abc123def", "%[a-z]%d%n", word, &a, &c);
    printf("sscanf %d: %s %d %d\n", n, word, a, c);
    n = sscanf("key = value;", "%[^ =] = %[^;]", word, rest);
    printf("sscanf %d: [%s] [%s]\n", n, word, rest);
    n = sscanf("7 8", "%*d %hd", &h);
    printf("sscanf %d: %d\n", n, h);
    n = sscanf("300", "%hhd", &hh);
    printf("sscanf %d: %d\n", n, hh);
    n = sscanf("", "%d", &a);
    printf("sscanf empty: %d\n", n);
    n = sscanf("x", "%d", &a);
    printf("sscanf mismatch: %d\n", n);
    n = sscanf("0.9.27", "%d.%d.%d", &a, &b, &c);
    printf("sscanf version %d: %d %d %d\n", n, a, b, c);
    return 0;
}
