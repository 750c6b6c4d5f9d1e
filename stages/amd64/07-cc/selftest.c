/* selftest.c — C checks that stage 07-cc compiles with cc and runs inside the chain.
 *
 * Each CHECK compares what the compiled code computes with the value C defines; a failure is
 * printed with its line, and the exit status is the number of failures (0: all passed), so the
 * stage fails if cc miscompiles any of them. Covers the integer types and conversions, pointer
 * arithmetic, structs and unions, every statement, function pointers, variadic functions, the
 * preprocessor, initializers and the C library (strings, memory, printf, files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <ctype.h>

static int checks;
static int failures;

#define CHECK(expression) check((expression) != 0, #expression)

static void check(int ok, char *text) {
    checks++;
    if (!ok) {
        failures++;
        printf("selftest: failed: %s\n", text);
    }
}

static int check_string(char *got, char *wanted) {
    checks++;
    if (strcmp(got, wanted) != 0) {
        failures++;
        printf("selftest: got \"%s\", wanted \"%s\"\n", got, wanted);
        return 0;
    }
    return 1;
}

/* ---- Types and conversions */
static void integers(void) {
    char c = 127;
    unsigned char uc = 200;
    short s = -1;
    unsigned short us = 65535;
    int i = -1;
    unsigned u = 4000000000u;
    long l = -1;
    c++;
    CHECK(c == -128);
    CHECK(uc + uc == 400);
    CHECK((unsigned char)(uc + uc) == 144);
    CHECK(s == -1 && us == 65535 && (short)us == -1);
    CHECK(i < 0 && (unsigned)i == 4294967295u);
    CHECK(u > 3000000000u && (int)u < 0);
    CHECK(u / 2 == 2000000000u && u % 7 == 4000000000u % 7);
    CHECK(-7 / 2 == -3 && -7 % 2 == -1 && 7 / -2 == -3);
    CHECK(l >> 63 == -1 && (unsigned long)l >> 63 == 1);
    CHECK((1 << 31) < 0 && 1u << 31 == 2147483648u);
    CHECK(-1 < 0u == 0);
    CHECK(sizeof(char) == 1 && sizeof(short) == 2 && sizeof(int) == 4 && sizeof(long) == 8 && sizeof(void *) == 8);
    CHECK(0x7fffffff + 1 == -2147483647 - 1);
    CHECK(010 == 8 && 0x10 == 16 && 'A' == 65 && '\n' == 10 && '\x41' == 'A' && '\101' == 'A');
}

/* ---- Pointers and arrays */
static void pointers(void) {
    int a[5] = {1, 2, 3, 4, 5};
    int *p = a + 1;
    long grid[3][4];
    char *s = "pointer";
    int r, k;
    CHECK(*p == 2 && p[2] == 4 && *(a + 4) == 5);
    CHECK(&a[4] - p == 3 && (char *)&a[4] - (char *)p == 12);
    p += 2;
    CHECK(*p-- == 4 && *p == 3);
    for (r = 0; r < 3; r++)
        for (k = 0; k < 4; k++) grid[r][k] = r * 10 + k;
    CHECK(grid[2][3] == 23 && sizeof grid == 96 && sizeof grid[1] == 32);
    CHECK(s[3] == 'n' && *(s + 7) == 0 && strlen(s) == 7);
}

/* ---- Structs and unions */
struct shape {
    char kind;
    int sides;
    long area;
    struct shape *next;
};

union number {
    long whole;
    int halves[2];
    unsigned char bytes[8];
};

static void structs(void) {
    struct shape a, b;
    struct shape *p = &a;
    union number n;
    CHECK(sizeof(struct shape) == 24 && offsetof(struct shape, area) == 8 && offsetof(struct shape, next) == 16);
    a.kind = 's';
    a.sides = 4;
    a.area = 16;
    a.next = &b;
    b = a;
    b.sides = 3;
    CHECK(p->next->sides == 3 && b.area == 16 && a.sides == 4);
    n.whole = 0x0102030405060708;
    CHECK(n.bytes[0] == 8 && n.halves[1] == 0x01020304 && sizeof n == 8);
}

/* ---- Statements */
static int classify(int n) {
    switch (n) {
    case 0:
        return 100;
    case 1:
    case 2:
        n += 10;
    case 3:
        return n;
    default:
        break;
    }
    return -1;
}

static void statements(void) {
    int i, total = 0, j;
    for (i = 0; i < 10; i++) {
        if (i == 2) continue;
        if (i == 8) break;
        total += i;
    }
    CHECK(total == 26);
    i = 0;
    do i++;
    while (i < 5);
    CHECK(i == 5);
    CHECK(classify(0) == 100 && classify(1) == 11 && classify(3) == 3 && classify(9) == -1);
    j = 0;
again:
    if (++j < 4) goto again;
    CHECK(j == 4);
    CHECK((i > 3 ? 1 : 2) == 1 && (j = 7, j + 1) == 8);
}

/* ---- Functions */
static int twice(int n) { return 2 * n; }
static int square(int n) { return n * n; }
static int (*table[2])(int) = {twice, square};

static long sum(int count, ...) {
    va_list ap;
    long total = 0;
    va_start(ap, count);
    while (count-- > 0) total += va_arg(ap, long);
    va_end(ap);
    return total;
}

static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }

static void functions(void) {
    int (*f)(int) = square;
    CHECK(f(7) == 49 && (*f)(3) == 9 && table[0](21) == 42 && table[1](5) == 25);
    CHECK(sum(4, 1L, 2L, 3L, 4L) == 10 && sum(0) == 0);
    CHECK(depth(1000) == 1000);
}

/* ---- Preprocessor */
#define PLUS(a, b) ((a) + (b))
#define NAME(x) #x
#define GLUE(a, b) a##b
#if defined(PLUS) && PLUS(1, 2) == 3
#define PREPROCESSOR_WORKS 1
#else
#define PREPROCESSOR_WORKS 0
#endif

static void preprocessor(void) {
    int GLUE(x, 1) = 5;
    CHECK(PLUS(x1, 2) * 2 == 14);
    check_string(NAME(a + b), "a + b");
    CHECK(PREPROCESSOR_WORKS);
}

/* ---- Initializers */
static int primes[] = {2, 3, 5, 7, 11};
static char *words[] = {"zero", "one", "two"};
static struct shape shapes[2] = {{'t', 3, 6}, {'q', 4}};

static void initializers(void) {
    char text[] = "text";
    int local[4] = {9};
    struct shape s = {'p', 5, 10};
    CHECK(sizeof primes == 20 && primes[4] == 11);
    check_string(words[2], "two");
    CHECK(shapes[0].area == 6 && shapes[1].sides == 4 && shapes[1].area == 0 && shapes[1].next == NULL);
    CHECK(sizeof text == 5 && text[3] == 't' && local[0] == 9 && local[3] == 0 && s.sides == 5);
}

/* ---- The C library */
static void library(void) {
    char buffer[100];
    char *p;
    FILE *f;
    sprintf(buffer, "%d|%5s|%-3d|%x|%lu|%c|%%", -12, "ab", 7, 48879, 123456789012UL, 'z');
    check_string(buffer, "-12|   ab|7  |beef|123456789012|z|%");
    CHECK(snprintf(buffer, 4, "%s", "truncated") == 9);
    check_string(buffer, "tru");
    p = malloc(64);
    strcpy(p, "memory");
    p = realloc(p, 4096);
    check_string(p, "memory");
    free(p);
    CHECK(memcmp("abc", "abd", 3) < 0 && strncmp("abc", "abd", 2) == 0 && strchr("abc", 'c') != NULL);
    CHECK(atoi("-42") == -42 && strtol("ff", NULL, 16) == 255 && toupper('q') == 'Q' && isdigit('5'));
    f = fopen("tmp/selftest.txt", "w");
    CHECK(f != NULL);
    if (f == NULL) return;
    fprintf(f, "written %d\n", 42);
    fclose(f);
    f = fopen("tmp/selftest.txt", "r");
    fgets(buffer, sizeof buffer, f);
    fclose(f);
    check_string(buffer, "written 42\n");
}

int main(void) {
    integers();
    pointers();
    structs();
    statements();
    functions();
    preprocessor();
    initializers();
    library();
    printf("selftest: %d checks, %d failed\n", checks, failures);
    return failures;
}
