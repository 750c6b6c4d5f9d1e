// Integer types: char, short, int, long, signed and unsigned; wrap-around, division, shifts,
// comparisons between signed and unsigned, and the usual conversions (also in compound
// assignments, computed in the common type of both sides, then stored in the left one's).
// exit: 0
// stdout: -128 255 -32768 65535
// stdout: -2147483648 4294967295 0
// stdout: 7 -7 -3 -1 3 1
// stdout: 4294967295 1 0 1
// stdout: 1024 -8 268435455 -1
// stdout: 1 1 1 0
// stdout: 3000000000 -1294967296 11
// stdout: 2147483646 44 -1 4294967293 -31072
#include <stdio.h>
int main(void) {
    char c = 127;
    unsigned char uc = 0;
    short s = 32767;
    unsigned short us = 0;
    int i = 2147483647;
    unsigned int u = 0;
    long l = 3000000000;
    c++;
    uc--;
    s = s + 1;
    us = us - 1;
    printf("%d %d %d %d\n", c, uc, s, us);
    i++;
    u--;
    printf("%d %u %d\n", i, u, u + 1);
    printf("%d %d %d %d %d %d\n", 14 / 2, -14 / 2, -7 / 2, -7 % 2, 7 % 4, 7 % 2);
    printf("%u %d %d %d\n", (unsigned)-1, -1 < 1u ? 0 : 1, -1 < 1 ? 0 : 1, (unsigned char)-1 == 255);
    printf("%d %d %d %d\n", 1 << 10, -16 >> 1, -1u >> 4 >> 0 & 0xFFFFFFF, -1 >> 20);
    printf("%d %d %d %d\n", sizeof(char) == 1, sizeof(short) == 2, sizeof(long) == 8 && sizeof(int) == 4, 0 > 1);
    printf("%ld %d %d\n", l, (int)l, (int)(l % 1000000007 % 13));
    i = -4;
    uc = 200;
    l = -1;
    u = 7;
    s = 1000;
    i /= 2u;
    uc += 100;
    l >>= 1;
    u -= 10;
    s *= 100;
    printf("%d %d %ld %u %d\n", i, uc, l, u, s);
    return 0;
}
