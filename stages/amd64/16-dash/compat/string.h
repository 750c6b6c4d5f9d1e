/* string.h — the chain library's, plus the GNU and POSIX extras dash uses. */
#ifndef _COMPAT_STRING_H
#define _COMPAT_STRING_H
#include_next <string.h>
char *stpcpy(char *to, const char *from);
char *stpncpy(char *to, const char *from, size_t n);
char *strchrnul(const char *s, int c);
char *strsignal(int signal);
#endif
