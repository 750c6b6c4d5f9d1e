/* setjmp.c — setjmp returning twice in every place C99 (7.13.1.1) allows it: the whole
 * controlling expression of if, switch, while, do and for; one side of a comparison with a
 * constant (either side), under !, a whole expression statement (also cast to void); and as
 * C programs commonly write it, the value of an assignment to a variable or of a declaration's
 * initializer. Between setjmp and longjmp deep calls overwrite the stack below the frame. */
// exit: 0
// stdout: assign local: 0 then 5
// stdout: assign global: 0 then 6
// stdout: initializer: 0 then 7
// stdout: compare ==: first, then 8
// stdout: compare constant first: first, then 9
// stdout: not: first, then 10
// stdout: compare >: 13
// stdout: switch: 0 11
// stdout: while: 3 rounds
// stdout: do: 3 rounds
// stdout: for: 5 rounds
// stdout: statement: 2 passes
// stdout: void cast: 2 passes
#include <stdio.h>
#include <setjmp.h>

static jmp_buf env;
static int global;

/* Deep enough calls, each with a buffer, to overwrite what lies below the caller's frame. */
static void dive(int depth, int value) {
    char buffer[64];
    int i;
    for (i = 0; i < 64; i++) buffer[i] = (char)(depth + i);
    if (depth == 20) longjmp(env, value + buffer[0] - 20);
    dive(depth + 1, value);
}

static void assign_local(void) {
    volatile int seen = 0;
    int x;
    x = setjmp(env);
    if (seen) {
        printf("assign local: 0 then %d\n", x);
        return;
    }
    seen = x + 1;
    dive(0, 5);
}

static void assign_global(void) {
    volatile int seen = 0;
    global = setjmp(env);
    if (seen) {
        printf("assign global: 0 then %d\n", global);
        return;
    }
    seen = global + 1;
    dive(0, 6);
}

static void initializer(void) {
    volatile int seen = 0;
    long x = setjmp(env);
    if (seen) {
        printf("initializer: 0 then %ld\n", x);
        return;
    }
    seen = (int)x + 1;
    dive(0, 7);
}

static void compare(void) {
    volatile int value = 0;
    if (setjmp(env) == 0) {
        printf("compare ==: first, ");
        value = 8;
        dive(0, value);
    } else printf("then %d\n", value);
    if (0 == setjmp(env)) {
        printf("compare constant first: first, ");
        value = 9;
        dive(0, value);
    } else printf("then %d\n", value);
    if (!setjmp(env)) {
        printf("not: first, ");
        value = 10;
        dive(0, value);
    } else printf("then %d\n", value);
    if (setjmp(env) > 12) printf("compare >: %d\n", value);
    else {
        value = 13;
        dive(0, 13);
    }
}

static void loops(void) {
    volatile int rounds = 0;
    switch (setjmp(env)) {
    case 0:
        printf("switch: 0 ");
        dive(0, 11);
        break;
    case 11:
        printf("11\n");
        break;
    default:
        printf("wrong\n");
    }
    while (setjmp(env) < 3) {
        rounds++;
        dive(0, rounds);
    }
    printf("while: %d rounds\n", rounds);
    rounds = 0;
    do {
        rounds++;
        if (rounds > 1 && rounds < 4) dive(0, rounds);
    } while (setjmp(env) != 3);
    printf("do: %d rounds\n", rounds);
    rounds = 0;
    for (; setjmp(env) != 5;) {
        rounds++;
        if (rounds < 5) dive(0, 1);
        dive(0, 5);
    }
    printf("for: %d rounds\n", rounds);
}

static void statements(void) {
    volatile int passes = 0;
    setjmp(env);
    passes++;
    if (passes < 2) dive(0, 1);
    printf("statement: %d passes\n", passes);
    passes = 0;
    (void)setjmp(env);
    passes++;
    if (passes < 2) dive(0, 1);
    printf("void cast: %d passes\n", passes);
}

int main(void) {
    assign_local();
    assign_global();
    initializer();
    compare();
    loops();
    statements();
    return 0;
}
