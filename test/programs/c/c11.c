// C11's _Generic and _Static_assert. _Generic picks the association whose type is compatible
// with its expression's, taken as a value (an array is a pointer, a function a pointer to it,
// qualifiers of the value itself dropped), else default; a pointer keeps the qualifiers of what
// it points to, so const char * and char * are told apart, and "c ? p : q" of two pointers
// points to what both qualifiers say (void if either points to void; a null pointer constant
// takes the other's type). Its expression is not evaluated, and a global it alone names need not
// be defined. _Static_assert stops compilation when its constant is 0 (reject/static-assert.c).
// exit: 0
// stdout: int long double float char* const-char* void* struct-a struct-b default
// stdout: int* int-const* int-array4 function 3 fptr
// stdout: cv-long* void-cv* long* long* const-char* 0
// stdout: const-int* int* const-char*
#include <stdio.h>
#define NAME(x) _Generic((x), int: "int", long: "long", double: "double", float: "float", \
    char *: "char*", const char *: "const-char*", void *: "void*", struct a: "struct-a", \
    struct b: "struct-b", default: "default")
struct a { int x; };
struct b { int x; };
_Static_assert(sizeof(struct a) == 4, "struct a is one int");
_Static_assert(1);
typedef int (*fptr)(int);
typedef const int cint;
typedef const char *text_t;
static int twice(int i) { return 2 * i; }
extern int never_defined;
struct sized {
    int n;
    _Static_assert(sizeof(int) == 4, "int has 4 bytes");
};
int main(void) {
    const char *text = "x";
    char buffer[4];
    void *nothing = 0;
    struct a sa;
    struct b sb;
    const int ci = 3;
    int four[4];
    int (*p4)[4] = &four;
    int count = 0;
    long volatile *vl = 0;
    long const *cl = 0;
    _Static_assert(sizeof(long) == 8, "long has 8 bytes");
    printf("%s %s %s %s %s %s %s %s %s %s\n", NAME(1), NAME(2L), NAME(1.5), NAME(1.5f), NAME(buffer), NAME(text),
           NAME(nothing), NAME(sa), NAME(sb), NAME((short)1));
    printf("%s %s %s %s %d %s\n", _Generic(&count, int *: "int*", const int *: "int-const*"),
           _Generic(&four[0] + 0 ? (const int *)0 : 0, int *: "int*", const int *: "int-const*"),
           _Generic(p4, int (*)[3]: "int-array3", int (*)[4]: "int-array4"), _Generic(main, int (*)(void): "function", default: "other"),
           _Generic(ci, int: ci, default: 0), _Generic(twice, fptr: "fptr", default: "other"));
    printf("%s %s %s %s %s %d\n", _Generic(0 ? vl : cl, long const volatile *: "cv-long*", default: "other"),
           _Generic(0 ? vl : (void const *)cl, void const volatile *: "void-cv*", default: "other"),
           _Generic(0 ? (long *)0 : (void *)0, long *: "long*", default: "other"),
           _Generic(0 ? (long *)0 : 0, long *: "long*", default: "other"),
           _Generic(0 ? text : buffer, const char *: "const-char*", default: "other"),
           _Generic(never_defined++, int: count, default: 1));
    {
        cint *pc = 0;
        int *pi = 0;
        text_t t = "t";
        printf("%s %s %s\n", _Generic(pc, int *: "int*", const int *: "const-int*"), _Generic(pi, int *: "int*", const int *: "const-int*"),
               _Generic(t, char *: "char*", const char *: "const-char*"));
    }
    return 0;
}
