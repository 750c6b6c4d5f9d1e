// Pointers: arithmetic scaled by the element size, differences, arrays and their decay,
// two-dimensional arrays, pointers to pointers, pointer comparisons, void pointers.
// exit: 0
// stdout: 10 20 30 2 8
// stdout: 5 6 7 8
// stdout: 1 2 3 4 5 6
// stdout: hello ello 104
// stdout: 3 1 1
// stdout: 28 8 24
#include <stdio.h>
void set(int *p, int v) { *p = v; }
int sum(int *a, int n) { int s = 0; while (n--) s += *a++; return s; }
int main(void) {
    int a[3] = {10, 20, 30};
    int *p = a;
    long b[4];
    long *q;
    int grid[2][3];
    int i, j;
    char *s = "hello";
    char **ps = &s;
    void *v;
    printf("%d %d %d %ld %ld\n", *p, *(p + 1), p[2], (p + 2) - p, (char *)(p + 2) - (char *)p);
    for (i = 0; i < 4; i++) b[i] = i + 5;
    q = b;
    ++q;
    printf("%ld %ld %ld %ld\n", q[-1], *q, *(q + 1), b[3]);
    for (i = 0; i < 2; i++)
        for (j = 0; j < 3; j++) grid[i][j] = i * 3 + j + 1;
    printf("%d %d %d %d %d %d\n", grid[0][0], grid[0][1], grid[0][2], grid[1][0], grid[1][1], grid[1][2]);
    printf("%s %s %d\n", *ps, *ps + 1, **ps);
    set(&a[1], 3);
    v = a;
    printf("%d %d %d\n", a[1], (int *)v == a, &a[2] > &a[0]);
    printf("%d %d %d\n", (int)sizeof(a) + (int)sizeof(b) - 16, (int)sizeof(p), (int)sizeof(grid));
    return sum(a, 3) - 43;
}
