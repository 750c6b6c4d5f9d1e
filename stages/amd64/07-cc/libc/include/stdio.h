/* stdio.h — buffered files, formatted output. */
#ifndef _STDIO_H
#define _STDIO_H
#include <stddef.h>
#include <stdarg.h>
#define EOF (-1)
#define BUFSIZ 4096
/* A FILE: its descriptor, how it was opened, and one buffer (for reading or for writing). */
typedef struct FILE {
    int fd;
    int writing;        /* 1: the buffer holds bytes to write, 0: bytes read ahead */
    int unbuffered;     /* 1: every write goes out at once (stderr) */
    int eof;
    int error;
    int count;          /* bytes in the buffer */
    int position;       /* the next byte to read from it */
    char *buffer;
    struct FILE *next;  /* every open FILE, to flush them at exit */
} FILE;
extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
FILE *fopen(char *path, char *mode);
FILE *fdopen(int fd, char *mode);
int fclose(FILE *f);
int fflush(FILE *f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
char *fgets(char *s, int n, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(char *s, FILE *f);
int puts(char *s);
size_t fread(void *p, size_t size, size_t count, FILE *f);
size_t fwrite(void *p, size_t size, size_t count, FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
int printf(char *format, ...);
int fprintf(FILE *f, char *format, ...);
int sprintf(char *s, char *format, ...);
int snprintf(char *s, size_t n, char *format, ...);
int vprintf(char *format, va_list ap);
int vfprintf(FILE *f, char *format, va_list ap);
int vsprintf(char *s, char *format, va_list ap);
int vsnprintf(char *s, size_t n, char *format, va_list ap);
void perror(char *s);
#endif
