/* string.c — bytes and NUL-terminated strings, one byte at a time. strerror gives the message
 * of the errno values errno.h names, "Unknown error N" for the others.
 *
 * One byte at a time on purpose: each function is a loop a reader can check at a glance, which
 * matters more in the chain than speed. What it leaves out: word-at-a-time copying and searching,
 * locales (strcoll is strcmp), the wide-character forms (wchar.h), strtok_r. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <ctype.h>

/* memcpy: n bytes forward (the areas must not overlap); memmove allows overlap. */
void *memcpy(void *to, const void *from, size_t n) {
    char *t = to;
    const char *f = from;
    while (n--) *t++ = *f++;
    return to;
}

void *memmove(void *to, const void *from, size_t n) {
    char *t = to;
    const char *f = from;
    /* Copying forward is safe when the destination starts below the source; otherwise the copy goes
     * backward, so each overlapping byte is read before it is overwritten. */
    if (t < f) return memcpy(to, from, n);
    while (n) {
        n--;
        t[n] = f[n];
    }
    return to;
}

/* memset, memcmp (bytes compared unsigned), memchr. */
void *memset(void *p, int value, size_t n) {
    char *t = p;
    while (n--) *t++ = value;
    return p;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a;
    const unsigned char *y = b;
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] - y[i];
    return 0;
}

void *memchr(const void *p, int c, size_t n) {
    const unsigned char *s = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == (unsigned char)c) return (void *)(s + i);
    return NULL;
}

/* strlen, strnlen (at most limit). */
size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

size_t strnlen(const char *s, size_t limit) {
    size_t n = 0;
    while (n < limit && s[n]) n++;
    return n;
}

/* strcmp, strncmp: the first differing bytes compared as unsigned char. */
int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (*a == 0) return 0;
    }
    return 0;
}

/* strcoll: strcmp (the only locale is "C"). */
int strcoll(const char *a, const char *b) { return strcmp(a, b); }

/* strcasecmp, strncasecmp: as strcmp with ASCII letters folded to lower case. */
int strcasecmp(const char *a, const char *b) {
    while (*a && tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
        a++;
        b++;
    }
    return tolower((unsigned char)*a) - tolower((unsigned char)*b);
}

int strncasecmp(const char *a, const char *b, size_t n) {
    int d;
    for (; n; n--, a++, b++) {
        d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
        if (d) return d;
        if (*a == 0) return 0;
    }
    return 0;
}

/* strcpy, strncpy (pads with NULs, leaves no NUL when from is n bytes or longer), strcat, strncat
 * (always adds the NUL). */
char *strcpy(char *to, const char *from) {
    char *t = to;
    while ((*t++ = *from++) != 0) ;
    return to;
}

char *strncpy(char *to, const char *from, size_t n) {
    size_t i = 0;
    for (; i < n && from[i]; i++) to[i] = from[i];
    for (; i < n; i++) to[i] = 0;
    return to;
}

char *strcat(char *to, const char *from) {
    strcpy(to + strlen(to), from);
    return to;
}

char *strncat(char *to, const char *from, size_t n) {
    char *t = to + strlen(to);
    while (n-- && *from) *t++ = *from++;
    *t = 0;
    return to;
}

/* strchr, strrchr: the first or last c (the NUL itself can be found). */
char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (*s == 0) return NULL;
    }
}

char *strrchr(const char *s, int c) {
    const char *found = NULL;
    for (;; s++) {
        if (*s == (char)c) found = s;
        if (*s == 0) return (char *)found;
    }
}

/* strstr: the first occurrence of part (byte by byte comparison, no faster search). */
char *strstr(const char *s, const char *part) {
    size_t n = strlen(part);
    /* At each position of s; an empty part matches at once (strncmp of 0 bytes), and also when s
     * is empty, which the loop never enters. */
    for (; *s; s++)
        if (strncmp(s, part, n) == 0) return (char *)s;
    if (n == 0) return (char *)s;
    return NULL;
}

/* strspn, strcspn, strpbrk: runs of bytes in (or not in) a set. */
size_t strspn(const char *s, const char *accept) {
    size_t n = 0;
    while (s[n] && strchr(accept, s[n])) n++;
    return n;
}

size_t strcspn(const char *s, const char *reject) {
    size_t n = 0;
    while (s[n] && !strchr(reject, s[n])) n++;
    return n;
}

char *strpbrk(const char *s, const char *accept) {
    s += strcspn(s, accept);
    return *s ? (char *)s : NULL;
}

/* strtok: the next token of s (or of the string the last call was given) between separators. */
/* Where the next call without a string goes on (NULL: the string is used up). One place for the
 * whole program: strtok is not reentrant, and two strings cannot be split at once. */
static char *strtok_rest;

char *strtok(char *s, const char *separators) {
    char *token;
    if (s == NULL) s = strtok_rest;
    if (s == NULL) return NULL;
    s += strspn(s, separators);
    if (*s == 0) {
        strtok_rest = NULL;
        return NULL;
    }
    token = s;
    s += strcspn(s, separators);
    if (*s) *s++ = 0;
    else s = NULL;
    strtok_rest = s;
    return token;
}

/* strdup, strndup: a copy in memory from malloc. */
char *strdup(const char *s) {
    char *copy = malloc(strlen(s) + 1);
    if (copy) strcpy(copy, s);
    return copy;
}

char *strndup(const char *s, size_t n) {
    size_t length = strnlen(s, n);
    char *copy = malloc(length + 1);
    if (copy) {
        memcpy(copy, s, length);
        copy[length] = 0;
    }
    return copy;
}

/* The messages of errno values 0 to 40 in Linux's numbering, worded as glibc words them, so that
 * a program's perror and strerror output is the same as on the host. */
static const char *error_messages[] = {
    "Success", "Operation not permitted", "No such file or directory", "No such process",
    "Interrupted system call", "Input/output error", "No such device or address",
    "Argument list too long", "Exec format error", "Bad file descriptor", "No child processes",
    "Resource temporarily unavailable", "Cannot allocate memory", "Permission denied",
    "Bad address", "Block device required", "Device or resource busy", "File exists",
    "Invalid cross-device link", "No such device", "Not a directory", "Is a directory",
    "Invalid argument", "Too many open files in system", "Too many open files",
    "Inappropriate ioctl for device", "Text file busy", "File too large",
    "No space left on device", "Illegal seek", "Read-only file system", "Too many links",
    "Broken pipe", "Numerical argument out of domain", "Numerical result out of range",
    "Resource deadlock avoided", "File name too long", "No locks available",
    "Function not implemented", "Directory not empty", "Too many levels of symbolic links",
};
static char strerror_unknown[32];

/* strerror: the message of an errno value; an unknown number is written into one buffer that the
 * next call reuses. */
char *strerror(int number) {
    if (number >= 0 && number < (int)(sizeof error_messages / sizeof error_messages[0]))
        return (char *)error_messages[number];
    snprintf(strerror_unknown, sizeof strerror_unknown, "Unknown error %d", number);
    return strerror_unknown;
}
