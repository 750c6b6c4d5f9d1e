/* diff-harness.h — what the differential test programs (float-diff.c, math-diff.c) share: a
 * pseudo-random sequence in integer arithmetic only (xorshift), so that a build with cc's C
 * library and one with the host's see the same values, a double from its bits, and the
 * arguments COUNT SEED. */
#include <stdlib.h>
#include <string.h>

static unsigned long state;

static unsigned long next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static double from_bits(unsigned long u) {
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* The number of values to print (argument 1, else 100); the sequence starts at argument 2. */
static int start(int argc, char **argv) {
    state = argc > 2 ? strtoul(argv[2], NULL, 10) : 1;
    if (state == 0) state = 1;
    return argc > 1 ? atoi(argv[1]) : 100;
}
