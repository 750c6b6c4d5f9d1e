/* stdlib.h — memory, numbers from text, the exit status. */
#ifndef _STDLIB_H
#define _STDLIB_H
#include <stddef.h>
#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void exit(int status);
void _exit(int status);
void abort(void);
int atoi(char *s);
long atol(char *s);
long strtol(char *s, char **end, int base);
unsigned long strtoul(char *s, char **end, int base);
int abs(int n);
long labs(long n);
char *getenv(char *name);
extern char **environ;
#endif
