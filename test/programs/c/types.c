// Types: enum (with given and following values), typedef of numbers, pointers, structs and
// functions, casts between integer sizes and to and from pointers, sizeof of types and
// expressions (not evaluated), const and volatile accepted; stdint.h and stdbool.h.
// exit: 9
// stdout: 0 5 6 10
// stdout: 8 4 2 1 8
// stdout: 300 44 -56 200
// stdout: 3 1
// stdout: 1 2 4 8 1 255
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
enum color { RED, GREEN = 5, BLUE, LAST = 10 };
typedef enum color Color;
typedef unsigned char byte;
typedef struct pair { int first; int second; } Pair;
typedef int (*binary)(int, int);
typedef Pair *PairPointer;
int plus(int a, int b) { return a + b; }
int main(void) {
    Color c = BLUE;
    const int n = 300;
    volatile long big = 200;
    byte b = (byte)n;
    Pair p;
    PairPointer pp = &p;
    binary f = plus;
    int side = 0;
    printf("%d %d %d %d\n", RED, GREEN, c, LAST);
    printf("%d %d %d %d %d\n", (int)sizeof(long), (int)sizeof(Color), (int)sizeof(short), (int)sizeof(byte), (int)sizeof(Pair));
    printf("%d %d %d %ld\n", n, b, (signed char)(char)200, (long)(int)big);
    pp->first = 1;
    pp->second = 2;
    printf("%d %d\n", f(pp->first, pp->second), (int)sizeof(side++) == 4 && side == 0);
    {
        uint8_t small = 255;
        bool yes = true;
        printf("%d %d %d %d %d %d\n", (int)sizeof(uint8_t), (int)sizeof(int16_t), (int)sizeof(uint32_t), (int)sizeof(int64_t), yes, small);
    }
    return (int)(long)(void *)9;
}
