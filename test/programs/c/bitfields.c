// Bit-fields, laid out as x86-64 System V lays them out (checked against the host compiler):
// signed and unsigned, of char, short, int, long and _Bool, in structs and unions, width 0 and
// without a name; reads, writes (the other bits kept), compound assignment, ++ and --, global
// and local initializers; packed structs (a bit-field across bytes), aligned members and types.
// exit: 0
// stdout: 8 16 4 10 7 32 9 16
// stdout: 4 16
// stdout: 1 -15 -1 15 -5 -212
// stdout: 7 -16 -1 0 -15 -211
// stdout: 7 0
// stdout: 8021feffffffbf25
// stdout: 1 2 -1 7
// stdout: bcd bcd b
// stdout: 1 -5 123456789012345
// stdout: 5 9 1 ffffffffffffffff
// stdout: 1 2 0 7
// stdout: 7 -3 -1 15 -12345678901 -200
// stdout: 0
// stdout: 18446744073709551606
#include <stdio.h>
#include <string.h>
struct a { unsigned x : 3; signed y : 5; int z : 1; unsigned char c : 4; long l : 40; short s : 9; };
struct b { char c; int : 0; char d; int e : 30; int f : 4; };
union u { unsigned int bits : 12; unsigned char bytes[4]; int w; };
struct p { char c; int i : 20; long l : 50; } __attribute__((packed));
struct __attribute__((packed)) q { char c; int i; short s; };
struct r { char c; int i __attribute__((aligned(16))); };
struct s { char c; long long x __attribute__((packed)); };
typedef int aint __attribute__((aligned(8)));
struct t { char c; aint i; };
struct fl { int n; char d[]; };
struct g { unsigned a : 4, b : 4; _Bool f : 1; unsigned long long big : 64; };
struct g gl = { 5, 9, 3, 0xFFFFFFFFFFFFFFFFULL };
struct a ga = { 7, -3, -1, 15, -12345678901L, -200 };
int main(void) {
    struct a v; struct b w; union u un; struct p pk; struct g g2 = { 1, 2, 0, 7 };
    unsigned char raw[16]; int i;
    memset(&v, 0, sizeof v);
    printf("%d %d %d %d %d %d %d %d\n", (int)sizeof(struct a), (int)sizeof(struct b), (int)sizeof(union u), (int)sizeof(struct p), (int)sizeof(struct q), (int)sizeof(struct r), (int)sizeof(struct s), (int)sizeof(struct t));
    printf("%d %d\n", (int)sizeof(struct fl), (int)sizeof(struct g));
    v.x = 9; v.y = 17; v.z = 1; v.c = 31; v.l = -5; v.s = 300;
    printf("%d %d %d %d %ld %d\n", v.x, v.y, v.z, v.c, v.l, v.s);
    v.x += 6; v.y -= 1; v.c++; ++v.s; v.l *= 3;
    printf("%d %d %d %d %ld %d\n", v.x, v.y, v.z, v.c, v.l, v.s);
    i = v.x++;
    printf("%d %d\n", i, v.x);
    memcpy(raw, &v, sizeof v);
    for (i = 0; i < (int)sizeof v; i++) printf("%02x", raw[i]);
    printf("\n");
    w.c = 1; w.d = 2; w.e = -1; w.f = 7;
    printf("%d %d %d %d\n", w.c, w.d, w.e, w.f);
    un.w = 0; un.bits = 0xABCD; printf("%x %x %x\n", un.w, un.bits, un.bytes[1]);
    pk.c = 1; pk.i = -5; pk.l = 123456789012345L;
    printf("%d %d %ld\n", pk.c, pk.i, pk.l);
    printf("%u %u %d %llx\n", gl.a, gl.b, gl.f, gl.big);
    printf("%u %u %d %llx\n", g2.a, g2.b, g2.f, g2.big);
    printf("%d %d %d %d %ld %d\n", ga.x, ga.y, ga.z, ga.c, ga.l, ga.s);
    /* An unsigned bit-field narrower than int is promoted to int. */
    printf("%d\n", v.x - 10 > 0);
    printf("%lu\n", (unsigned long)(v.x - 10));
    return 0;
}
