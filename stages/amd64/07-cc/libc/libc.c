/* libc.c — cc's C library for the chain's programs, in C: system calls, memory, strings,
 * character classes, numbers from text, buffered files and formatted output.
 *
 * Compiled with the program as one more source: cc -I libc/include libc/libc.c prog.c prog.M0.
 * A program that defines exit() — this library does — ends through it when main returns, so
 * buffered output is flushed. Limits: malloc keeps freed blocks on one list and reuses the first
 * that fits (it never gives memory back); printf knows d i u x X o c s p % with the flags - 0
 * space + and #, a width and a precision (numbers or *), and the sizes l ll h hh z; no floating
 * point. getenv reads environ, which cc's entry code sets (kaem gives programs in the chain an
 * empty environment).
 */
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

int errno;

/* ---- System calls (Linux x86-64 numbers); a negative result is -errno. */
static long check(long result) {
    if (result < 0 && result > -4096) {
        errno = -result;
        return -1;
    }
    return result;
}

ssize_t read(int fd, void *buffer, size_t n) { return check(__syscall(0, fd, buffer, n)); }
ssize_t write(int fd, void *buffer, size_t n) { return check(__syscall(1, fd, buffer, n)); }
int close(int fd) { return check(__syscall(3, fd)); }
long lseek(int fd, long offset, int whence) { return check(__syscall(8, fd, offset, whence)); }
int fork(void) { return check(__syscall(57)); }
int execve(char *path, char **argv, char **envp) { return check(__syscall(59, path, argv, envp)); }
int waitpid(int pid, int *status, int options) { return check(__syscall(61, pid, status, options, 0)); }
int unlink(char *path) { return check(__syscall(87, path)); }
int chmod(char *path, int mode) { return check(__syscall(90, path, mode)); }
int uname(struct utsname *name) { return check(__syscall(63, name)); }
int wait(int *status) { return waitpid(-1, status, 0); }
int access(char *path, int mode) { return check(__syscall(21, path, mode)); }
int dup2(int from, int to) { return check(__syscall(33, from, to)); }
int chdir(char *path) { return check(__syscall(80, path)); }

char *getcwd(char *buffer, size_t size) {
    if (check(__syscall(79, buffer, size)) < 0) return NULL;
    return buffer;
}
void _exit(int status) { __syscall(60, status); }

int open(char *path, int flags, ...) {
    va_list ap;
    int mode;
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
    if (!(flags & O_CREAT)) mode = 0;
    return check(__syscall(2, path, flags, mode));
}

/* ---- Memory: blocks with an 8-byte size before them; freed blocks wait on a list. */
static char *heap_next;
static char *heap_end;
static long *free_list;

static void *more_memory(size_t n) {
    char *p;
    long want;
    if (heap_next == 0) {
        heap_next = (char *)__syscall(12, 0);
        heap_end = heap_next;
    }
    if (heap_next + n > heap_end) {
        want = (long)heap_next + n + 1048576;
        if (__syscall(12, want) != want) return NULL;
        heap_end = (char *)want;
    }
    p = heap_next;
    heap_next = heap_next + n;
    return p;
}

void *malloc(size_t size) {
    long *block;
    long *previous = NULL;
    size = (size + 15) & ~15;
    for (block = free_list; block; block = (long *)block[1]) {
        if (block[0] >= (long)size) {
            if (previous) previous[1] = block[1];
            else free_list = (long *)block[1];
            return block + 1;
        }
        previous = block;
    }
    block = more_memory(size + 8);
    if (block == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    block[0] = size;
    return block + 1;
}

void free(void *p) {
    long *block;
    if (p == NULL) return;
    block = (long *)p - 1;
    block[1] = (long)free_list;
    free_list = block;
}

void *calloc(size_t count, size_t size) {
    void *p = malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *realloc(void *p, size_t size) {
    void *q;
    long old;
    if (p == NULL) return malloc(size);
    old = ((long *)p)[-1];
    if ((long)size <= old) return p;
    q = malloc(size);
    if (q) {
        memcpy(q, p, old);
        free(p);
    }
    return q;
}

/* ---- Bytes and strings */
void *memcpy(void *to, void *from, size_t n) {
    char *t = to;
    char *f = from;
    while (n--) *t++ = *f++;
    return to;
}

void *memmove(void *to, void *from, size_t n) {
    char *t = to;
    char *f = from;
    if (t < f) return memcpy(to, from, n);
    while (n) {
        n--;
        t[n] = f[n];
    }
    return to;
}

void *memset(void *p, int value, size_t n) {
    char *t = p;
    while (n--) *t++ = value;
    return p;
}

int memcmp(void *a, void *b, size_t n) {
    unsigned char *x = a;
    unsigned char *y = b;
    size_t i;
    for (i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] - y[i];
    return 0;
}

void *memchr(void *p, int c, size_t n) {
    unsigned char *s = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == (unsigned char)c) return s + i;
    return NULL;
}

size_t strlen(char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

size_t strnlen(char *s, size_t limit) {
    size_t n = 0;
    while (n < limit && s[n]) n++;
    return n;
}

int strcmp(char *a, char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(char *a, char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (*a == 0) return 0;
    }
    return 0;
}

char *strcpy(char *to, char *from) {
    char *t = to;
    while ((*t++ = *from++) != 0) ;
    return to;
}

char *strncpy(char *to, char *from, size_t n) {
    size_t i = 0;
    for (; i < n && from[i]; i++) to[i] = from[i];
    for (; i < n; i++) to[i] = 0;
    return to;
}

char *strcat(char *to, char *from) {
    strcpy(to + strlen(to), from);
    return to;
}

char *strchr(char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return s;
        if (*s == 0) return NULL;
    }
}

char *strrchr(char *s, int c) {
    char *found = NULL;
    for (;; s++) {
        if (*s == (char)c) found = s;
        if (*s == 0) return found;
    }
}

char *strstr(char *s, char *part) {
    size_t n = strlen(part);
    for (; *s; s++)
        if (strncmp(s, part, n) == 0) return s;
    if (n == 0) return s;
    return NULL;
}

char *strdup(char *s) {
    char *copy = malloc(strlen(s) + 1);
    if (copy) strcpy(copy, s);
    return copy;
}

/* ---- Character classes */
int isdigit(int c) { return c >= '0' && c <= '9'; }
int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int isupper(int c) { return c >= 'A' && c <= 'Z'; }
int islower(int c) { return c >= 'a' && c <= 'z'; }
int isalpha(int c) { return isupper(c) || islower(c); }
int isalnum(int c) { return isalpha(c) || isdigit(c); }
int isspace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
int isprint(int c) { return c >= 32 && c < 127; }
int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; }
int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }

/* ---- Numbers from text */
unsigned long strtoul(char *s, char **end, int base) {
    unsigned long value = 0;
    int digit;
    int negative = 0;
    while (isspace(*s)) s++;
    if (*s == '-' || *s == '+') negative = *s++ == '-';
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0 && s[0] == '0') base = 8;
    else if (base == 0) base = 10;
    for (;; s++) {
        if (isdigit(*s)) digit = *s - '0';
        else if (isalpha(*s)) digit = tolower(*s) - 'a' + 10;
        else break;
        if (digit >= base) break;
        value = value * base + digit;
    }
    if (end) *end = s;
    return negative ? -value : value;
}

long strtol(char *s, char **end, int base) { return (long)strtoul(s, end, base); }
long atol(char *s) { return strtol(s, NULL, 10); }
int atoi(char *s) { return (int)strtol(s, NULL, 10); }
int abs(int n) { return n < 0 ? -n : n; }
long labs(long n) { return n < 0 ? -n : n; }
/* environ: the environment's strings (NAME=value), set before main by cc's entry code. */
char **environ;

char *getenv(char *name) {
    char **entry;
    size_t n = strlen(name);
    if (environ == NULL) return NULL;
    for (entry = environ; *entry; entry++)
        if (strncmp(*entry, name, n) == 0 && (*entry)[n] == '=') return *entry + n + 1;
    return NULL;
}

/* ---- Files */
static char stdin_buffer[BUFSIZ];
static char stdout_buffer[BUFSIZ];
static FILE stdin_file = {0, 0, 0, 0, 0, 0, 0, stdin_buffer, NULL};
static FILE stdout_file = {1, 1, 0, 0, 0, 0, 0, stdout_buffer, NULL};
static FILE stderr_file = {2, 1, 1, 0, 0, 0, 0, NULL, NULL};
FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;
static FILE *open_files;

FILE *fdopen(int fd, char *mode) {
    FILE *f = calloc(1, sizeof(FILE));
    if (f == NULL) return NULL;
    f->fd = fd;
    f->writing = mode[0] != 'r';
    f->buffer = malloc(BUFSIZ);
    f->next = open_files;
    open_files = f;
    return f;
}

FILE *fopen(char *path, char *mode) {
    int flags;
    int fd;
    if (mode[0] == 'r') flags = O_RDONLY;
    else if (mode[0] == 'w') flags = O_WRONLY | O_CREAT | O_TRUNC;
    else if (mode[0] == 'a') flags = O_WRONLY | O_CREAT | O_APPEND;
    else {
        errno = EINVAL;
        return NULL;
    }
    if (strchr(mode, '+')) flags = (flags & ~3) | O_RDWR;
    fd = open(path, flags, 438);
    if (fd < 0) return NULL;
    return fdopen(fd, mode);
}

int fflush(FILE *f) {
    int done = 0;
    int n;
    if (f == NULL) {
        for (f = open_files; f; f = f->next) fflush(f);
        return fflush(stdout);
    }
    if (!f->writing) return 0;
    while (done < f->count) {
        n = write(f->fd, f->buffer + done, f->count - done);
        if (n <= 0) {
            f->error = 1;
            f->count = 0;
            return EOF;
        }
        done += n;
    }
    f->count = 0;
    return 0;
}

int fclose(FILE *f) {
    FILE **link;
    int result = fflush(f);
    if (close(f->fd) < 0) result = EOF;
    for (link = &open_files; *link; link = &(*link)->next)
        if (*link == f) {
            *link = f->next;
            break;
        }
    if (f != stdin && f != stdout && f != stderr) {
        free(f->buffer);
        free(f);
    }
    return result;
}

int fputc(int c, FILE *f) {
    unsigned char byte = c;
    if (f->unbuffered) {
        if (write(f->fd, &byte, 1) != 1) {
            f->error = 1;
            return EOF;
        }
        return byte;
    }
    f->buffer[f->count++] = byte;
    if (f->count == BUFSIZ) if (fflush(f)) return EOF;
    return byte;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs(char *s, FILE *f) {
    if (f->unbuffered) {
        size_t n = strlen(s);
        if (write(f->fd, s, n) != (ssize_t)n) {
            f->error = 1;
            return EOF;
        }
        return 0;
    }
    while (*s)
        if (fputc(*s++, f) == EOF) return EOF;
    return 0;
}

int puts(char *s) {
    if (fputs(s, stdout) == EOF) return EOF;
    return fputc('\n', stdout);
}

size_t fwrite(void *p, size_t size, size_t count, FILE *f) {
    char *bytes = p;
    size_t i;
    for (i = 0; i < size * count; i++)
        if (fputc(bytes[i], f) == EOF) return i / size;
    return count;
}

int fgetc(FILE *f) {
    int n;
    if (f->position == f->count) {
        if (f->eof) return EOF;
        if (f == stdin) fflush(stdout);
        n = read(f->fd, f->buffer, BUFSIZ);
        if (n <= 0) {
            if (n < 0) f->error = 1;
            f->eof = 1;
            return EOF;
        }
        f->count = n;
        f->position = 0;
    }
    return (unsigned char)f->buffer[f->position++];
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f) {
    if (c == EOF || f->position == 0) return EOF;
    f->buffer[--f->position] = c;
    f->eof = 0;
    return c;
}

char *fgets(char *s, int n, FILE *f) {
    int i = 0;
    int c;
    while (i < n - 1) {
        c = fgetc(f);
        if (c == EOF) break;
        s[i++] = c;
        if (c == '\n') break;
    }
    if (i == 0) return NULL;
    s[i] = 0;
    return s;
}

size_t fread(void *p, size_t size, size_t count, FILE *f) {
    char *bytes = p;
    size_t i;
    int c;
    for (i = 0; i < size * count; i++) {
        c = fgetc(f);
        if (c == EOF) return i / size;
        bytes[i] = c;
    }
    return count;
}

int feof(FILE *f) { return f->eof; }
int ferror(FILE *f) { return f->error; }

void exit(int status) {
    fflush(NULL);
    _exit(status);
}

void abort(void) {
    fflush(NULL);
    _exit(134);
}

/* ---- Formatted output: every conversion goes to a sink, a FILE or a string. */
struct sink {
    FILE *file;
    char *text;
    size_t size;        /* room in text, the NUL included */
    size_t length;      /* bytes produced (also those that did not fit) */
};

static void put(struct sink *out, int c) {
    if (out->file) fputc(c, out->file);
    else if (out->length + 1 < out->size) out->text[out->length] = c;
    out->length++;
}

static void put_padding(struct sink *out, int c, int n) {
    while (n-- > 0) put(out, c);
}

/* put_number: the digits of value in base, with sign or prefix, padded to width. */
static void put_number(struct sink *out, unsigned long value, int base, int is_negative,
                       int upper, int left, int zero, int width, int precision, char *prefix) {
    char digits[24];
    char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    int length;
    while (value || (n == 0 && precision != 0)) {
        digits[n++] = alphabet[value % base];
        value /= base;
    }
    while (n < precision) digits[n++] = '0';
    length = n + strlen(prefix);
    if (!left && !zero) put_padding(out, ' ', width - length);
    while (*prefix) put(out, *prefix++);
    if (!left && zero) put_padding(out, '0', width - length);
    while (n) put(out, digits[--n]);
    if (left) put_padding(out, ' ', width - length);
}

static void format(struct sink *out, char *f, va_list ap) {
    int left;
    int zero;
    int plus;
    int space;
    int alternate;
    int width;
    int precision;
    int size;
    long value;
    unsigned long number;
    char *s;
    int n;
    for (; *f; f++) {
        if (*f != '%') {
            put(out, *f);
            continue;
        }
        f++;
        left = zero = plus = space = alternate = 0;
        for (;; f++) {
            if (*f == '-') left = 1;
            else if (*f == '0') zero = 1;
            else if (*f == '+') plus = 1;
            else if (*f == ' ') space = 1;
            else if (*f == '#') alternate = 1;
            else break;
        }
        width = 0;
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            f++;
        } else
            while (isdigit(*f)) width = width * 10 + *f++ - '0';
        precision = -1;
        if (*f == '.') {
            f++;
            precision = 0;
            if (*f == '*') {
                precision = va_arg(ap, int);
                f++;
            } else
                while (isdigit(*f)) precision = precision * 10 + *f++ - '0';
        }
        if (precision >= 0) zero = 0;
        size = 4;
        while (*f == 'l' || *f == 'h' || *f == 'z') {
            if (*f == 'h') size = size / 2;
            else size = 8;
            f++;
        }
        if (*f == 'd' || *f == 'i') {
            value = va_arg(ap, long);
            if (size == 4) value = (int)value;
            else if (size == 2) value = (short)value;
            else if (size == 1) value = (char)value;
            number = value < 0 ? -value : value;
            put_number(out, number, 10, value < 0, 0, left, zero, width, precision,
                       value < 0 ? "-" : plus ? "+" : space ? " " : "");
        } else if (*f == 'u' || *f == 'x' || *f == 'X' || *f == 'o') {
            number = va_arg(ap, unsigned long);
            if (size == 4) number = (unsigned int)number;
            else if (size == 2) number = (unsigned short)number;
            else if (size == 1) number = (unsigned char)number;
            if (*f == 'u') put_number(out, number, 10, 0, 0, left, zero, width, precision, "");
            else if (*f == 'o') put_number(out, number, 8, 0, 0, left, zero, width, precision, alternate && number ? "0" : "");
            else put_number(out, number, 16, 0, *f == 'X', left, zero, width, precision,
                            alternate && number ? (*f == 'X' ? "0X" : "0x") : "");
        } else if (*f == 'p') {
            number = va_arg(ap, unsigned long);
            put_number(out, number, 16, 0, 0, left, zero, width, precision, "0x");
        } else if (*f == 'c') {
            n = va_arg(ap, int);
            if (!left) put_padding(out, ' ', width - 1);
            put(out, n);
            if (left) put_padding(out, ' ', width - 1);
        } else if (*f == 's') {
            s = va_arg(ap, char *);
            if (s == NULL) s = "(null)";
            n = strlen(s);
            if (precision >= 0 && n > precision) n = precision;
            if (!left) put_padding(out, ' ', width - n);
            width -= n;
            while (n--) put(out, *s++);
            if (left) put_padding(out, ' ', width);
        } else if (*f == '%') put(out, '%');
        else {
            /* Not a conversion this library knows: written as it is. */
            put(out, '%');
            if (*f == 0) break;
            put(out, *f);
        }
    }
}

int vfprintf(FILE *f, char *format_text, va_list ap) {
    struct sink out;
    out.file = f;
    out.text = NULL;
    out.size = 0;
    out.length = 0;
    format(&out, format_text, ap);
    if (f->error) return -1;
    return out.length;
}

int vsnprintf(char *s, size_t n, char *format_text, va_list ap) {
    struct sink out;
    out.file = NULL;
    out.text = s;
    out.size = n;
    out.length = 0;
    format(&out, format_text, ap);
    if (n > 0) s[out.length < n ? out.length : n - 1] = 0;
    return out.length;
}

int vsprintf(char *s, char *format_text, va_list ap) { return vsnprintf(s, (size_t)-1 >> 1, format_text, ap); }
int vprintf(char *format_text, va_list ap) { return vfprintf(stdout, format_text, ap); }

int printf(char *format_text, ...) {
    va_list ap;
    va_start(ap, format_text);
    return vfprintf(stdout, format_text, ap);
}

int fprintf(FILE *f, char *format_text, ...) {
    va_list ap;
    va_start(ap, format_text);
    return vfprintf(f, format_text, ap);
}

int sprintf(char *s, char *format_text, ...) {
    va_list ap;
    va_start(ap, format_text);
    return vsprintf(s, format_text, ap);
}

int snprintf(char *s, size_t n, char *format_text, ...) {
    va_list ap;
    va_start(ap, format_text);
    return vsnprintf(s, n, format_text, ap);
}

void perror(char *s) {
    if (s && *s) fprintf(stderr, "%s: ", s);
    fprintf(stderr, "error %d\n", errno);
}
