// Statements: for, while, do, switch with fall-through and default, goto, break and continue
// in nested loops, the conditional operator and the comma operator.
// exit: 42
// stdout: 0 1 2 3 4
// stdout: 9 7 5 3 1
// stdout: ten many small small two one
// stdout: 1:1 2:1 2:2 3:1 3:2 3:3
// stdout: 6 3 b
#include <stdio.h>
char *name(int n) {
    switch (n) {
    case 1: return "one";
    case 2: return "two";
    case 10: return "ten";
    case 3:
    case 4: return "small";
    default: return "many";
    }
}
int main(void) {
    int i, j, k = 0, total;
    for (i = 0; i < 5; i++) printf(i ? " %d" : "%d", i);
    printf("\n");
    i = 10;
    while (1) {
        if (--i % 2 == 0) continue;
        printf("%d", i);
        if (i == 1) break;
        printf(" ");
    }
    printf("\n%s %s %s %s %s %s\n", name(10), name(99), name(3), name(4), name(2), name(1));
    for (i = 1; i <= 3; i++) {
        j = 0;
        do {
            j++;
            printf(i == 1 ? "%d:%d" : " %d:%d", i, j);
        } while (j < i);
    }
    printf("\n");
    total = 0;
    i = 0;
loop:
    total += ++i;
    if (i < 3) goto loop;
    k = (i++, i++, i);
    printf("%d %d %c\n", total, k - 2, k > 4 ? 'b' : 'a');
    switch (k) {
    case 5:
        k = 40;
    case 6:
        k += 2;
        break;
    case 7:
        k = 0;
    }
    return k;
}
