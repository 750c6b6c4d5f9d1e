/* stdio.h — buffered files, formatted output and input. */
#ifndef _STDIO_H
#define _STDIO_H
#include <stddef.h>
#include <stdarg.h>
#define EOF (-1)
#define BUFSIZ 4096
#define FILENAME_MAX 4096
#define FOPEN_MAX 1024
#define L_tmpnam 32
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
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
typedef long fpos_t;
extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
FILE *freopen(const char *path, const char *mode, FILE *f);
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
int fputs(const char *s, FILE *f);
int puts(const char *s);
size_t fread(void *p, size_t size, size_t count, FILE *f);
size_t fwrite(const void *p, size_t size, size_t count, FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);
int fseek(FILE *f, long offset, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int fgetpos(FILE *f, fpos_t *position);
int fsetpos(FILE *f, const fpos_t *position);
int setvbuf(FILE *f, char *buffer, int mode, size_t size);
void setbuf(FILE *f, char *buffer);
int remove(const char *path);
int rename(const char *from, const char *to);
int printf(const char *format, ...);
int fprintf(FILE *f, const char *format, ...);
int dprintf(int fd, const char *format, ...);
int sprintf(char *s, const char *format, ...);
int snprintf(char *s, size_t n, const char *format, ...);
int vprintf(const char *format, va_list ap);
int vfprintf(FILE *f, const char *format, va_list ap);
int vdprintf(int fd, const char *format, va_list ap);
int vsprintf(char *s, const char *format, va_list ap);
int vsnprintf(char *s, size_t n, const char *format, va_list ap);
int scanf(const char *format, ...);
int fscanf(FILE *f, const char *format, ...);
int sscanf(const char *s, const char *format, ...);
int vscanf(const char *format, va_list ap);
int vfscanf(FILE *f, const char *format, va_list ap);
int vsscanf(const char *s, const char *format, va_list ap);
void perror(const char *s);
#endif
