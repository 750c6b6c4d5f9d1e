/* stdarg.h — variable arguments. cc passes every argument in an 8-byte stack slot, the first
 * at the lowest address, so the one after `last` is 8 bytes above it. Other compilers (TinyCC,
 * GCC, building this library) have their own built-in va_list. */
#ifndef _STDARG_H
#define _STDARG_H
#ifdef __KINDLING_CC__
typedef char *va_list;
#define va_start(ap, last) ((ap) = (char *)&(last) + 8)
#define va_arg(ap, type) (*(type *)(((ap) += 8) - 8))
#define va_end(ap) ((ap) = 0)
#define va_copy(to, from) ((to) = (from))
#else
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define va_copy(to, from) __builtin_va_copy(to, from)
#endif
#endif
