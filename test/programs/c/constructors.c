/* constructors.c — GCC's __attribute__((constructor)) and ((destructor)): constructors run
 * before main in the order they are declared; destructors at exit (also when the program calls
 * exit itself), after the functions given to atexit. */
// exit: 3
// stdout: constructor: first
// stdout: constructor: second, counter 1
// stdout: main, counter 2
// stdout: atexit
// stdout: destructor
#include <stdio.h>
#include <stdlib.h>

static int counter;

static void __attribute__((constructor)) first(void) {
    printf("constructor: first\n");
    counter++;
}

void second(void) __attribute__((constructor));

void second(void) {
    printf("constructor: second, counter %d\n", counter);
    counter++;
}

static void __attribute__((destructor)) last(void) { printf("destructor\n"); }

static void bye(void) { printf("atexit\n"); }

int main(void) {
    atexit(bye);
    printf("main, counter %d\n", counter);
    exit(3);
}
