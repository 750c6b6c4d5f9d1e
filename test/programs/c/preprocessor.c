// The preprocessor: object-like and function-like macros, # and ##, variadic macros, nested
// expansion, #if with defined and arithmetic, #elif, #else, #ifdef, #ifndef, #undef, and
// #include "..." and <...> (from -I test/programs/c/include).
// exit: 0
// stdout: 16 9 3
// stdout: x + y
// stdout: 42 kindling
// stdout: level 2
// stdout: included 7
// stdout: line 43 of preprocessor.c
#include <stdio.h>
#include "include/shapes.h"
#include <shapes.h>
#define SQUARE(x) ((x) * (x))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define STRING(x) #x
#define JOIN(a, b) a##b
#define SHOW(format, ...) printf(format, __VA_ARGS__)
#define LEVEL 2
#if LEVEL > 2
#define WORD "high"
#elif defined(LEVEL) && LEVEL == 2
#define WORD "level 2"
#else
#define WORD "low"
#endif
#ifdef NOT_DEFINED
#error this is not compiled
#endif
#define TEMPORARY 1
#undef TEMPORARY
#ifndef TEMPORARY
#define NAME "kindling"
#endif
int main(void) {
    int JOIN(value, 1) = 42;
    printf("%d %d %d\n", SQUARE(3 + 1), MAX(SQUARE(3), 2), MIN(MAX(1, 3), 5));
    printf("%s\n", STRING(x + y));
    SHOW("%d %s\n", value1, NAME);
    puts(WORD);
    printf("included %d\n", SHAPE_SIDES(3) + 1);
    printf("line %d of %s\n", __LINE__, __FILE__);
    return 0;
}
