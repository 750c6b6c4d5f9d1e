/* math.h — the functions of double that TinyCC and ordinary programs use; long double is double in cc. */
#ifndef _MATH_H
#define _MATH_H
/* Infinity and NaN as constant expressions that overflow or have no value: cc has no
 * __builtin_inf or __builtin_nan, and these fold to the same bits in cc, TinyCC and GCC. */
#define HUGE_VAL (1e300 * 1e300)
#define HUGE_VALF ((float)HUGE_VAL)
#define HUGE_VALL HUGE_VAL
#define INFINITY ((float)HUGE_VAL)
#define NAN (0.0f / 0.0f)
#define M_PI 3.14159265358979323846
#define M_E 2.7182818284590452354
#define M_LN2 0.69314718055994530942
#define M_LN10 2.30258509299404568402
#define M_SQRT2 1.41421356237309504880
/* The classes in this order, so that isfinite is one comparison (zero, subnormal, normal). */
#define FP_NAN 0
#define FP_INFINITE 1
#define FP_ZERO 2
#define FP_SUBNORMAL 3
#define FP_NORMAL 4
/* The class macros take a double only: a float argument is converted, which keeps its class. */
int __fpclassify(double x);
int __signbit(double x);
#define fpclassify(x) __fpclassify(x)
#define isnan(x) (__fpclassify(x) == FP_NAN)
#define isinf(x) (__fpclassify(x) == FP_INFINITE)
#define isfinite(x) (__fpclassify(x) >= FP_ZERO)
#define isnormal(x) (__fpclassify(x) == FP_NORMAL)
#define signbit(x) __signbit(x)
double fabs(double x);
double copysign(double x, double y);
double ldexp(double x, int n);
double scalbn(double x, int n);
double frexp(double x, int *exponent);
double modf(double x, double *integral);
double floor(double x);
double ceil(double x);
double trunc(double x);
double round(double x);
double fmod(double x, double y);
double sqrt(double x);
double exp(double x);
double log(double x);
double log10(double x);
double log2(double x);
double pow(double x, double y);
double sin(double x);
double cos(double x);
double tan(double x);
double asin(double x);
double acos(double x);
double atan(double x);
double atan2(double y, double x);
double sinh(double x);
double cosh(double x);
double tanh(double x);
double hypot(double x, double y);
float fabsf(float x);
float ldexpf(float x, int n);
float sqrtf(float x);
float floorf(float x);
float ceilf(float x);
long double fabsl(long double x);
long double ldexpl(long double x, int n);
long double frexpl(long double x, int *exponent);
#endif
