/* stdio.c — buffered FILEs over file descriptors. What it leaves out: a FILE either reads or
 * writes, as its mode's first letter says ("r+" reads; "w+" and "a+" write); line buffering (stdout
 * is flushed when full, at exit and before stdin reads; stderr is unbuffered); wide characters. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>

/* The three standard FILEs are static, so they work before and without malloc (fields in
 * stdio.h's order: fd, writing, unbuffered, eof, error, count, position, buffer, next). stderr
 * has no buffer: what a program says on stderr is out before it crashes. */
static char stdin_buffer[BUFSIZ];
static char stdout_buffer[BUFSIZ];
static FILE stdin_file = {0, 0, 0, 0, 0, 0, 0, stdin_buffer, NULL};
static FILE stdout_file = {1, 1, 0, 0, 0, 0, 0, stdout_buffer, NULL};
static FILE stderr_file = {2, 1, 1, 0, 0, 0, 0, NULL, NULL};
FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;
/* Every FILE fopen and fdopen made, so that fflush(NULL), and exit through it, writes them all. */
static FILE *open_files;

/* fdopen: a FILE over descriptor fd (the mode is not checked against how fd was opened), with a
 * buffer of BUFSIZ from malloc; NULL when memory runs out. */
FILE *fdopen(int fd, const char *mode) {
    FILE *f = calloc(1, sizeof(FILE));
    if (f == NULL) return NULL;
    f->fd = fd;
    f->writing = mode[0] != 'r';
    f->buffer = malloc(BUFSIZ);
    if (f->buffer == NULL) {
        free(f);
        return NULL;
    }
    f->next = open_files;
    open_files = f;
    return f;
}

/* open_flags: the flags of open() for an fopen mode ("r", "w", "a", each with "+" and "b"). */
static int open_flags(const char *mode) {
    int flags;
    if (mode[0] == 'r') flags = O_RDONLY;
    else if (mode[0] == 'w') flags = O_WRONLY | O_CREAT | O_TRUNC;
    else if (mode[0] == 'a') flags = O_WRONLY | O_CREAT | O_APPEND;
    else return -1;
    if (strchr(mode, '+')) flags = (flags & ~3) | O_RDWR;
    return flags;
}

FILE *fopen(const char *path, const char *mode) {
    int fd;
    FILE *f;
    int flags = open_flags(mode);
    if (flags < 0) {
        errno = EINVAL;
        return NULL;
    }
    /* 438 is 0666: the file's mode before the process's umask, as C's fopen creates files. */
    fd = open(path, flags, 438);
    if (fd < 0) return NULL;
    f = fdopen(fd, mode);
    if (f == NULL) close(fd);
    return f;
}

/* freopen: f now reads or writes path (its descriptor is reused when it is one of the standard
 * three). */
FILE *freopen(const char *path, const char *mode, FILE *f) {
    int fd;
    int flags = open_flags(mode);
    fflush(f);
    if (flags < 0) {
        errno = EINVAL;
        return NULL;
    }
    fd = open(path, flags, 438);
    if (fd < 0) return NULL;
    /* dup2 keeps f on its descriptor number, so that stdout reopened is still descriptor 1 for the
     * programs this one starts. */
    if (fd != f->fd) {
        dup2(fd, f->fd);
        close(fd);
    }
    f->writing = mode[0] != 'r';
    f->eof = f->error = f->count = f->position = 0;
    return f;
}

/* fflush: writes what f buffers (every open FILE, stdout and stderr for NULL); a FILE that reads
 * keeps what it read ahead. */
int fflush(FILE *f) {
    int done = 0;
    int n;
    if (f == NULL) {
        for (f = open_files; f; f = f->next) fflush(f);
        fflush(stderr);
        return fflush(stdout);
    }
    if (!f->writing) return 0;
    while (done < f->count) {
        n = write(f->fd, f->buffer + done, f->count - done);
        /* A failed write drops the buffer and marks the error, rather than trying the same bytes at
         * every later flush. */
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

/* fclose: flushes, closes the descriptor and frees the FILE (never stdin, stdout or stderr
 * themselves). */
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

/* fputc: one byte into the buffer (written when full), or straight out when f is unbuffered. */
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

/* putc, putchar: fputc (functions, not macros). */
int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

/* fwrite: count items of size bytes; a short count on a write error. */
size_t fwrite(const void *p, size_t size, size_t count, FILE *f) {
    const char *bytes = p;
    size_t total = size * count;
    size_t i;
    if (total == 0) return 0;
    if (f->unbuffered || total >= BUFSIZ) {
        /* Straight to the descriptor, after what is buffered. */
        if (fflush(f)) return 0;
        for (i = 0; i < total;) {
            ssize_t n = write(f->fd, bytes + i, total - i);
            if (n <= 0) {
                f->error = 1;
                return i / size;
            }
            i += n;
        }
        return count;
    }
    for (i = 0; i < total; i++)
        if (fputc(bytes[i], f) == EOF) return i / size;
    return count;
}

/* fputs: s without its NUL; puts adds a newline and writes to stdout. */
int fputs(const char *s, FILE *f) {
    size_t n = strlen(s);
    if (n && fwrite(s, 1, n, f) != n) return EOF;
    return 0;
}

int puts(const char *s) {
    if (fputs(s, stdout) == EOF) return EOF;
    return fputc('\n', stdout);
}

/* fgetc: the next byte (as unsigned char) or EOF; reading stdin first flushes stdout. */
int fgetc(FILE *f) {
    int n;
    if (f->position == f->count) {
        if (f->eof) return EOF;
        /* No line buffering: flushing stdout here is what makes a prompt appear before input is read. */
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

/* getc, getchar: fgetc. */
int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

/* ungetc: one byte back into the buffer; fails when nothing was read from it yet. The byte given
 * back replaces the one read there, which is all C guarantees (one byte); after fseek, or on a
 * FILE that has read nothing, it fails. */
int ungetc(int c, FILE *f) {
    if (c == EOF || f->position == 0) return EOF;
    f->buffer[--f->position] = c;
    f->eof = 0;
    return (unsigned char)c;
}

/* fgets: a line (with its newline) or n - 1 bytes, NUL-terminated; NULL at the end of the file.
 * With n of 1 there is room for no byte, and it returns NULL where C gives an empty string. */
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

/* fread: count items of size bytes; fewer at the end of the file or on an error. */
size_t fread(void *p, size_t size, size_t count, FILE *f) {
    char *bytes = p;
    size_t total = size * count;
    size_t i = 0;
    size_t n;
    ssize_t got;
    while (i < total) {
        if (f->position < f->count) {
            n = f->count - f->position;
            if (n > total - i) n = total - i;
            memcpy(bytes + i, f->buffer + f->position, n);
            f->position += n;
            i += n;
        } else if (total - i >= BUFSIZ) {
            /* Large reads go straight to the caller's memory. */
            if (f->eof) break;
            got = read(f->fd, bytes + i, total - i);
            if (got <= 0) {
                if (got < 0) f->error = 1;
                f->eof = 1;
                break;
            }
            i += got;
        } else {
            int c = fgetc(f);
            if (c == EOF) break;
            bytes[i++] = c;
        }
    }
    return size ? i / size : 0;
}

/* feof, ferror, clearerr, fileno: the FILE's marks and descriptor. */
int feof(FILE *f) { return f->eof; }
int ferror(FILE *f) { return f->error; }
void clearerr(FILE *f) { f->eof = f->error = 0; }
int fileno(FILE *f) { return f->fd; }

/* fseek: writes what is buffered, forgets what was read ahead, then moves the descriptor;
 * clears the end-of-file mark. */
int fseek(FILE *f, long offset, int whence) {
    if (f->writing) {
        if (fflush(f)) return -1;
    /* The descriptor is ahead of the reader by the bytes read ahead: SEEK_CUR counts from the reader. */
    } else if (whence == SEEK_CUR) offset -= f->count - f->position;
    if (lseek(f->fd, offset, whence) < 0) return -1;
    f->count = f->position = 0;
    f->eof = 0;
    return 0;
}

/* ftell: the descriptor's position, with buffered bytes counted where they belong. */
long ftell(FILE *f) {
    long position = lseek(f->fd, 0, SEEK_CUR);
    if (position < 0) return -1;
    if (f->writing) return position + f->count;
    return position - (f->count - f->position);
}

/* rewind: fseek to 0 and clear the error mark. */
void rewind(FILE *f) {
    fseek(f, 0, SEEK_SET);
    f->error = 0;
}

/* fgetpos, fsetpos: the position as ftell and fseek see it (an fpos_t is an offset). */
int fgetpos(FILE *f, fpos_t *position) {
    *position = ftell(f);
    return *position < 0 ? -1 : 0;
}

int fsetpos(FILE *f, const fpos_t *position) { return fseek(f, *position, SEEK_SET); }

/* setvbuf: _IONBF makes every write go out at once; other modes and a caller's buffer are not
 * used (the FILE keeps its own). */
int setvbuf(FILE *f, char *buffer, int mode, size_t size) {
    fflush(f);
    f->unbuffered = mode == _IONBF || f->buffer == NULL;
    return 0;
}

void setbuf(FILE *f, char *buffer) { setvbuf(f, buffer, buffer ? _IOFBF : _IONBF, BUFSIZ); }

/* remove: a file (unlink) or else an empty directory (rmdir). */
int remove(const char *path) {
    if (unlink(path) == 0) return 0;
    /* Linux's unlink refuses a directory with EISDIR. */
    if (errno == EISDIR) return rmdir(path);
    return -1;
}

/* perror: "s: " and strerror(errno) on stderr. */
void perror(const char *s) {
    if (s && *s) fprintf(stderr, "%s: ", s);
    fprintf(stderr, "%s\n", strerror(errno));
}
