// Bit-fields laid out and read as GCC does them beyond the plain case: a packed bit-field across
// 9 bytes (from bit 3 of one byte, 64 bits long), read, written, incremented and initialized, with
// its neighbours' bits kept; aligned(16) on a bit-field starts it at a 16-byte boundary; and
// #pragma pack(1) caps aligned(N) too, for bit-fields and other members alike.
// exit: 0
// stdout: 3 30 -81985529216486895 5 1 | 6 8000000000000001 9
// stdout: -81985529216486890 4 11 9
// stdout: ABFB72EA61D950C859E003
// stdout: 480000000000000026
// stdout: 1311768467463790320 fedcba9876543210 5 17 -2
// stdout: 4A48D159E26AF37BC1E003
// stdout: 8FF6E5D4C3B2A19085
// stdout: aligned: 16 32 7 | packed: 1 7 1 9
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#pragma pack(push, 1)
struct w { int x : 12; char y : 6; long long z : 63; char a : 4; long long b : 2; };
struct u { unsigned char c : 3; unsigned long long z : 64; unsigned d : 5; };
struct pa { unsigned x : 5, y : 5, : 0, z : 5; char a : 5; short b : 5 __attribute__((aligned(16))); };
struct pm { char c; long l __attribute__((aligned(16))); };
#pragma pack(pop)
struct al { unsigned x : 5, y : 5, : 0, z : 5; char a : 5; short b : 5 __attribute__((aligned(16))); };
struct w gw = { 3, 30, 0x123456789abcdef0LL, 5, -2 };
struct u gu = { 5, 0xfedcba9876543210ULL, 17 };

/* dump: the bytes of an object, the last first, in hexadecimal. */
static void dump(const void *p, int n) {
    const unsigned char *b = p;
    for (int i = n - 1; i >= 0; i--) printf("%02X", b[i]);
    printf("\n");
}

int main(void) {
    struct w s;
    struct u t;
    struct al a;
    memset(&s, 0xff, sizeof s);
    memset(&t, 0, sizeof t);
    s.x = 3;
    s.y = 30;
    s.z = -0x123456789abcdefLL;
    s.a = 5;
    s.b = 1;
    t.c = 6;
    t.z = 0x8000000000000001ULL;
    t.d = 9;
    printf("%d %d %lld %d %lld | %u %llx %u\n", s.x, s.y, (long long)s.z, s.a, (long long)s.b, t.c, (unsigned long long)t.z, t.d);
    s.z += 5;
    t.z++;
    t.z <<= 1;
    printf("%lld %llx %zu %zu\n", (long long)s.z, (unsigned long long)t.z, sizeof s, sizeof t);
    dump(&s, sizeof s);
    dump(&t, sizeof t);
    printf("%lld %llx %u %u %lld\n", (long long)gw.z, (unsigned long long)gu.z, gu.c, gu.d, (long long)gw.b);
    dump(&gw, sizeof gw);
    dump(&gu, sizeof gu);
    memset(&a, 0, sizeof a);
    a.b = 7;
    printf("aligned: %zu %zu %d | packed: %zu %zu %zu %zu\n", _Alignof(struct al), sizeof(struct al), (int)(((unsigned char *)&a)[16]),
           _Alignof(struct pa), sizeof(struct pa), _Alignof(struct pm), sizeof(struct pm));
    return 0;
}
