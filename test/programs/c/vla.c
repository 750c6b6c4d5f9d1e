/* vla.c — variable-length arrays (C99 6.7.5.2): declared with a length computed at run time,
 * sizeof of one (a run-time value) and of its type, indexing, two dimensions (also an array of
 * variable-length arrays of constant length), a pointer to one (its arithmetic scaled by the
 * run-time size), a typedef of one (its size fixed where the typedef is), a parameter written
 * as one; in loops the bytes are taken again each time round (the same address, the stack does
 * not grow), and a goto back before the declaration and longjmp out of a loop leave the stack
 * as it was. */
// exit: 0
// stdout: a: 0 1 4 9 16 25 36, sizeof 28
// stdout: m: 2.3, sizeof 160, row 40
// stdout: grid: 7, sizeof 96, row 32
// stdout: pointer: sizeof 20, step 20, difference 3
// stdout: typedef: sizeof 40 40 (n now 3)
// stdout: sizeof(int[n][3]): 36
// stdout: loop: same address 1, sum 4950
// stdout: goto: same address 1
// stdout: longjmp: same address 1
// stdout: parameter: 15
// stdout: nested: 1 2 3 4 5 6
#include <stdio.h>
#include <setjmp.h>

static jmp_buf env;

static int sum(int n, int values[n]) {
    int total = 0, i;
    for (i = 0; i < n; i++) total += values[i];
    return total;
}

int main(void) {
    int n = 7, i, j;
    int a[n];
    for (i = 0; i < n; i++) a[i] = i * i;
    printf("a:");
    for (i = 0; i < n; i++) printf(" %d", a[i]);
    printf(", sizeof %lu\n", sizeof a);

    n = 4;
    double m[n][n + 1];
    for (i = 0; i < n; i++)
        for (j = 0; j <= n; j++) m[i][j] = i + j / 10.0;
    printf("m: %g, sizeof %lu, row %lu\n", m[2][3], sizeof m, sizeof m[0]);

    long grid[3][n];
    for (i = 0; i < 3; i++)
        for (j = 0; j < n; j++) grid[i][j] = i * 3 + j;
    printf("grid: %ld, sizeof %lu, row %lu\n", grid[2][1], sizeof grid, sizeof grid[2]);

    int (*p)[n + 1] = (void *)a;
    int (*q)[n + 1] = p + 3;
    printf("pointer: sizeof %lu, step %ld, difference %ld\n", sizeof *p, (long)((char *)(p + 1) - (char *)p), (long)(q - p));

    typedef int row[n * 2 + 2];
    row r;
    n = 3;
    printf("typedef: sizeof %lu %lu (n now %d)\n", sizeof(row), sizeof r, n);
    printf("sizeof(int[n][3]): %lu\n", sizeof(int[n][3]));

    char *first = 0;
    int same = 1, total = 0;
    for (i = 0; i < 100; i++) {
        int k = i % 5 + 1;
        int numbers[k];
        numbers[k - 1] = i;
        if (k == 5) {
            if (first == 0) first = (char *)numbers;
            else if (first != (char *)numbers) same = 0;
        }
        total += numbers[k - 1];
        if (i % 7 == 0) continue;
    }
    printf("loop: same address %d, sum %d\n", same, total);

    char *at[3];
    int round = 0;
again:;
    {
        char bytes[n + 100];
        at[round] = bytes;
        round++;
        if (round < 3) goto again;
    }
    printf("goto: same address %d\n", at[0] == at[1] && at[1] == at[2]);

    volatile int jumps = 0;
    char *place[3];
    if (setjmp(env) < 3) {
        char bytes[50 + jumps];
        place[jumps] = bytes;
        jumps++;
        if (jumps < 3) longjmp(env, jumps);
    }
    printf("longjmp: same address %d\n", place[0] == place[2]);

    int values[5] = {1, 2, 3, 4, 5};
    printf("parameter: %d\n", sum(5, values));

    int outer = 2;
    {
        int x[outer];
        {
            int y[outer * 2];
            x[0] = 1;
            x[1] = 2;
            for (i = 0; i < 4; i++) y[i] = i + 3;
            printf("nested: %d %d %d %d %d %d\n", x[0], x[1], y[0], y[1], y[2], y[3]);
        }
    }
    return 0;
}
