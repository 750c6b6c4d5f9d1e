/* wchar.h — cc's C library: the wide character types only. A wchar_t is an int holding a code
 * point, as cc's L'x' and L"..." make them; the library has no wide character functions (it has
 * no locales either). */
#ifndef _WCHAR_H
#define _WCHAR_H
#include <stddef.h>
typedef unsigned int wint_t;
#define WEOF ((wint_t)-1)
#define WCHAR_MIN (-2147483647 - 1)
#define WCHAR_MAX 2147483647
#endif
