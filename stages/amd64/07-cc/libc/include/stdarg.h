/* stdarg.h — variable arguments. cc passes every argument in an 8-byte stack slot, the first
 * at the lowest address, so the one after `last` is 8 bytes above it. */
#ifndef _STDARG_H
#define _STDARG_H
typedef char *va_list;
#define va_start(ap, last) ((ap) = (char *)&(last) + 8)
#define va_arg(ap, type) (*(type *)(((ap) += 8) - 8))
#define va_end(ap) ((ap) = 0)
#define va_copy(to, from) ((to) = (from))
#endif
