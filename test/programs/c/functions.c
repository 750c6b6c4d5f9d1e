// Functions: recursion, mutual recursion through a prototype, pointers to functions (called
// directly and through a table), variadic functions with stdarg, static functions and locals.
// exit: 0
// stdout: 120 55
// stdout: 1 0
// stdout: 7 12 3
// stdout: 15 6
// stdout: 1 2 3
#include <stdio.h>
#include <stdarg.h>
int is_odd(int n);
int is_even(int n) { return n == 0 ? 1 : is_odd(n - 1); }
int is_odd(int n) { return n == 0 ? 0 : is_even(n - 1); }
long factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }
int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static int sub(int a, int b) { return a - b; }
int (*operations[3])(int, int) = {add, mul, sub};
int apply(int (*f)(int, int), int a, int b) { return (*f)(a, b); }
int total(int count, ...) {
    va_list ap;
    int s = 0;
    va_start(ap, count);
    while (count--) s += va_arg(ap, int);
    va_end(ap);
    return s;
}
int counter(void) {
    static int calls;
    return ++calls;
}
int main(void) {
    printf("%ld %d\n", factorial(5), fib(10));
    printf("%d %d\n", is_even(10), is_even(7));
    printf("%d %d %d\n", apply(add, 3, 4), operations[1](3, 4), operations[2](5, 2));
    printf("%d %d\n", total(5, 1, 2, 3, 4, 5), total(3, 1, 2, 3));
    printf("%d", counter());
    printf(" %d", counter());
    printf(" %d\n", counter());
    return 0;
}
