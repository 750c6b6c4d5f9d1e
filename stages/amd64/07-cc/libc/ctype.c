/* ctype.c — character classes of ASCII (the "C" locale); bytes from 128 up are in none.
 *
 * Each class is a comparison, not a table lookup: any int argument is safe (EOF, a negative
 * char), where a table would be indexed out of its bounds; EOF is in no class. What it leaves
 * out: locales (the library has no setlocale) and the wide-character forms (no wctype.h). */
#include <ctype.h>

int isdigit(int c) { return c >= '0' && c <= '9'; }
int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int isupper(int c) { return c >= 'A' && c <= 'Z'; }
int islower(int c) { return c >= 'a' && c <= 'z'; }
int isalpha(int c) { return isupper(c) || islower(c); }
int isalnum(int c) { return isalpha(c) || isdigit(c); }
int isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; } /* the six of the "C" locale */
int isblank(int c) { return c == ' ' || c == '\t'; }
int isprint(int c) { return c >= 32 && c < 127; } /* the space is printable */
int isgraph(int c) { return c > 32 && c < 127; } /* ... but not graphic */
int ispunct(int c) { return isgraph(c) && !isalnum(c); }
int iscntrl(int c) { return (c >= 0 && c < 32) || c == 127; } /* DEL (127) is a control too */
int isascii(int c) { return c >= 0 && c < 128; } /* X/Open, not C; kept for old sources */
int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; } /* anything else, EOF too, as it is */
int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }
