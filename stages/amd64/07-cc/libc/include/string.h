/* string.h — bytes and NUL-terminated strings. */
#ifndef _STRING_H
#define _STRING_H
#include <stddef.h>
void *memcpy(void *to, void *from, size_t n);
void *memmove(void *to, void *from, size_t n);
void *memset(void *p, int value, size_t n);
int memcmp(void *a, void *b, size_t n);
void *memchr(void *p, int c, size_t n);
size_t strlen(char *s);
size_t strnlen(char *s, size_t limit);
int strcmp(char *a, char *b);
int strncmp(char *a, char *b, size_t n);
char *strcpy(char *to, char *from);
char *strncpy(char *to, char *from, size_t n);
char *strcat(char *to, char *from);
char *strchr(char *s, int c);
char *strrchr(char *s, int c);
char *strstr(char *s, char *part);
char *strdup(char *s);
#endif
