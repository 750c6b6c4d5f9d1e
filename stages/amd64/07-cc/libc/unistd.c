/* unistd.c — Linux system calls (x86-64 numbers) as C functions: a result from -4095 to -1 is an
 * error, which becomes -1 with its number in errno. Also the process's end (exit, abort), the
 * environment (environ, getenv) and execvp's search of PATH.
 *
 * The C library is built from these files joined in the order build.kaem gives (one translation
 * unit: lib/cc/libc.c), so a static name must be unique across all of them. */
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

/* One errno for the process: the library has no threads, so no thread-local storage. */
int errno;

#if defined __KINDLING_CC__ && defined __aarch64__
/* On AArch64 (cc --target aarch64) the library's system calls keep their x86-64 numbers and
 * arguments, and this one function gives each to the kernel as AArch64 Linux takes it: another
 * number, or the *at form of a call AArch64 lacks (openat for open, ...: -100 is AT_FDCWD), and
 * x86-64's struct stat and open flags made from and into AArch64's. The arguments are read from
 * cc's argument slots (the one after n, and up: slots past the last argument passed are read but
 * not used). A call it does not know is ENOSYS. (cc reads __syscall's arguments as b0
 * expressions, so an array is passed through a pointer variable.) */
static long aarch64_syscall(long n, ...) {
    long *a = (long *)&n + 1, r, flags, k[16], *kernel = k, *u;
    struct { long seconds, nanoseconds; } now;
    if (n == 0) return __syscall(63, a[0], a[1], a[2]);
    if (n == 1) return __syscall(64, a[0], a[1], a[2]);
    if (n == 2) {
        /* x86-64's O_DIRECT, O_LARGEFILE, O_DIRECTORY and O_NOFOLLOW sit elsewhere on AArch64. */
        flags = a[1] & ~0360000;
        if (a[1] & 040000) flags |= 0200000;
        if (a[1] & 0100000) flags |= 0400000;
        if (a[1] & 0200000) flags |= 040000;
        if (a[1] & 0400000) flags |= 0100000;
        return __syscall(56, -100, a[0], flags, a[2]);
    }
    if (n == 3) return __syscall(57, a[0]);
    if (n == 4 || n == 5 || n == 6) {
        /* AArch64's struct stat has the x86-64 one's sizes and times at the same offsets, but
         * its mode and link count in other places, a 4-byte block size, and is 128 bytes. */
        if (n == 5) r = __syscall(80, a[0], kernel);
        else if (n == 4) r = __syscall(79, -100, a[0], kernel, 0);
        else r = __syscall(79, -100, a[0], kernel, 0x100);
        if (r < 0) return r;
        u = (long *)a[1];
        u[0] = k[0];
        u[1] = k[1];
        u[2] = (unsigned)(k[2] >> 32);
        u[3] = (unsigned)k[2] | k[3] << 32;
        u[4] = (unsigned)(k[3] >> 32);
        u[5] = k[4];
        u[6] = k[6];
        u[7] = (int)k[7];
        for (r = 8; r < 15; r++) u[r] = k[r];
        u[15] = u[16] = u[17] = 0;
        return 0;
    }
    if (n == 8) return __syscall(62, a[0], a[1], a[2]);
    if (n == 9) return __syscall(222, a[0], a[1], a[2], a[3], a[4], a[5]);
    if (n == 10) return __syscall(226, a[0], a[1], a[2]);
    if (n == 11) return __syscall(215, a[0], a[1]);
    if (n == 12) return __syscall(214, a[0]);
    if (n == 13) return __syscall(134, a[0], a[1], a[2], a[3]);
    if (n == 14) return __syscall(135, a[0], a[1], a[2], a[3]);
    if (n == 16) return __syscall(29, a[0], a[1], a[2]);
    if (n == 21) return __syscall(48, -100, a[0], a[1], 0);
    if (n == 22) return __syscall(59, a[0], 0);
    if (n == 32) return __syscall(23, a[0]);
    if (n == 33) return a[0] == a[1] ? __syscall(25, a[0], 1, 0) < 0 ? -9 : a[1] : __syscall(24, a[0], a[1], 0);
    if (n == 35) return __syscall(101, a[0], a[1]);
    if (n == 39) return __syscall(172);
    if (n == 57) return __syscall(220, 17, 0, 0, 0, 0);
    if (n == 59) return __syscall(221, a[0], a[1], a[2]);
    if (n == 60) return __syscall(93, a[0]);
    if (n == 61) return __syscall(260, a[0], a[1], a[2], a[3]);
    if (n == 62) return __syscall(129, a[0], a[1]);
    if (n == 63) return __syscall(160, a[0]);
    if (n == 77) return __syscall(46, a[0], a[1]);
    if (n == 79) return __syscall(17, a[0], a[1]);
    if (n == 80) return __syscall(49, a[0]);
    if (n == 82) return __syscall(38, -100, a[0], -100, a[1]);
    if (n == 83) return __syscall(34, -100, a[0], a[1]);
    if (n == 84) return __syscall(35, -100, a[0], 0x200);
    if (n == 87) return __syscall(35, -100, a[0], 0);
    if (n == 89) return __syscall(78, -100, a[0], a[1], a[2]);
    if (n == 90) return __syscall(53, -100, a[0], a[1]);
    if (n == 201) {
        /* time: AArch64 has no such call; the seconds of clock_gettime(CLOCK_REALTIME). */
        r = __syscall(113, 0, &now);
        return r < 0 ? r : now.seconds;
    }
    if (n == 228) return __syscall(113, a[0], a[1]);
    return -38;
}
/* Every __syscall after this line, in this file and the library's later ones, is that function. */
#define __syscall aarch64_syscall
#endif

#ifndef __KINDLING_CC__
/* For other compilers (TinyCC building this library for its programs), in GNU assembler:
 * __syscall, the System V way (the number in rdi, the arguments in rsi, rdx, rcx, r8, r9 and on
 * the stack, moved to where the kernel wants them), and _start, which calls __libc_start (below)
 * with argc, argv and envp. cc writes its own _start and has __syscall built in. */
__asm__(".text\n"
        ".globl __syscall\n"
        "__syscall:\n"
        "    mov %rdi, %rax\n"
        "    mov %rsi, %rdi\n"
        "    mov %rdx, %rsi\n"
        "    mov %rcx, %rdx\n"
        "    mov %r8, %r10\n"
        "    mov %r9, %r8\n"
        "    mov 8(%rsp), %r9\n"
        "    syscall\n"
        "    ret\n"
        ".globl _start\n"
        "_start:\n"
        "    xor %ebp, %ebp\n"
        "    mov (%rsp), %rdi\n"
        "    lea 8(%rsp), %rsi\n"
        "    lea 8(%rsi,%rdi,8), %rdx\n"
        "    and $-16, %rsp\n"
        "    call __libc_start\n"
        "    hlt\n");

/* The linker's bounds of the tables of constructors and destructors (functions with
 * __attribute__((constructor)) or ((destructor))); both TinyCC and GNU ld define them. */
extern void (*__preinit_array_start[])(void);
extern void (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
extern void (*__fini_array_start[])(void);
extern void (*__fini_array_end[])(void);
int main(int argc, char **argv, char **envp);

/* __libc_start: what _start calls: environ set, the constructors run, then exit(main(...)). */
void __libc_start(int argc, char **argv, char **envp) {
    void (**f)(void);
    environ = envp;
    for (f = __preinit_array_start; f < __preinit_array_end; f++) (*f)();
    for (f = __init_array_start; f < __init_array_end; f++) (*f)();
    exit(main(argc, argv, envp));
}
#endif

/* check: a system call's result, or -1 with errno set when it is -4095 to -1. Only that range is
 * an error: a successful result may be negative as a long (an mmap address high in memory, a
 * large lseek offset read as signed), but the kernel never returns one of those 4095 values. */
static long check(long result) {
    if (result < 0 && result > -4096) {
        errno = -result;
        return -1;
    }
    return result;
}

ssize_t read(int fd, void *buffer, size_t n) { return check(__syscall(0, fd, buffer, n)); }
ssize_t write(int fd, const void *buffer, size_t n) { return check(__syscall(1, fd, buffer, n)); }
int close(int fd) { return check(__syscall(3, fd)); }
int stat(const char *path, struct stat *status) { return check(__syscall(4, path, status)); }
int fstat(int fd, struct stat *status) { return check(__syscall(5, fd, status)); }
int lstat(const char *path, struct stat *status) { return check(__syscall(6, path, status)); }
off_t lseek(int fd, off_t offset, int whence) { return check(__syscall(8, fd, offset, whence)); }
/* mmap: the kernel's call; MAP_FAILED ((void *)-1) on error, as C asks. */
void *mmap(void *address, size_t length, int protection, int flags, int fd, off_t offset) {
    return (void *)check(__syscall(9, address, length, protection, flags, fd, offset));
}
int mprotect(void *address, size_t length, int protection) { return check(__syscall(10, address, length, protection)); }
int munmap(void *address, size_t length) { return check(__syscall(11, address, length)); }
int access(const char *path, int mode) { return check(__syscall(21, path, mode)); }
int pipe(int fds[2]) { return check(__syscall(22, fds)); }
int dup(int fd) { return check(__syscall(32, fd)); }
int dup2(int from, int to) { return check(__syscall(33, from, to)); }
/* getpid: never fails. */
pid_t getpid(void) { return __syscall(39); }
int fork(void) { return check(__syscall(57)); }
int execve(const char *path, char *const argv[], char *const envp[]) { return check(__syscall(59, path, argv, envp)); }
/* 61 is wait4: waitpid is wait4 without the resource usage (0). */
int waitpid(int pid, int *status, int options) { return check(__syscall(61, pid, status, options, 0)); }
int kill(pid_t pid, int signal) { return check(__syscall(62, pid, signal)); }
int uname(struct utsname *name) { return check(__syscall(63, name)); }
int ftruncate(int fd, off_t length) { return check(__syscall(77, fd, length)); }
int chdir(const char *path) { return check(__syscall(80, path)); }
int rename(const char *from, const char *to) { return check(__syscall(82, from, to)); }
int mkdir(const char *path, int mode) { return check(__syscall(83, path, mode)); }
int rmdir(const char *path) { return check(__syscall(84, path)); }
int unlink(const char *path) { return check(__syscall(87, path)); }
ssize_t readlink(const char *path, char *buffer, size_t size) { return check(__syscall(89, path, buffer, size)); }
int chmod(const char *path, int mode) { return check(__syscall(90, path, mode)); }
/* wait: waitpid for any child; creat: open for writing, created or truncated. */
int wait(int *status) { return waitpid(-1, status, 0); }
int creat(const char *path, int mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }
/* isatty: whether fd is a terminal (the TCGETS ioctl succeeds on it). */
int isatty(int fd) {
    char termios[64];
    /* 16: ioctl, 0x5401: TCGETS, which only a terminal answers; 64 bytes hold its struct termios. */
    return __syscall(16, fd, 0x5401, termios) == 0;
}
/* sysconf: only _SC_PAGESIZE (4096); -1 with EINVAL for every other name. */
long sysconf(int name) {
    if (name == _SC_PAGESIZE) return 4096;
    errno = EINVAL;
    return -1;
}
/* getpagesize: 4096, the page size of x86-64 Linux. */
int getpagesize(void) { return 4096; }

/* getcwd: the working directory into buffer (NULL and errno when it does not fit); no buffer of
 * its own when buffer is NULL. */
char *getcwd(char *buffer, size_t size) {
    if (check(__syscall(79, buffer, size)) < 0) return NULL;
    return buffer;
}
void _exit(int status) { __syscall(60, status); }

/* open: the mode argument is read only with O_CREAT (a caller need not pass it otherwise). */
int open(const char *path, int flags, ...) {
    va_list ap;
    int mode = 0;
    if (flags & O_CREAT) {
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return check(__syscall(2, path, flags, mode));
}

/* environ: the environment's strings (NAME=value), set before main by cc's entry code. */
char **environ;

/* getenv: the value of NAME in environ, or NULL. */
char *getenv(const char *name) {
    char **entry;
    size_t n = strlen(name);
    if (environ == NULL) return NULL;
    for (entry = environ; *entry; entry++)
        if (strncmp(*entry, name, n) == 0 && (*entry)[n] == '=') return *entry + n + 1;
    return NULL;
}

/* execv: execve with this process's environment. */
int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

/* execvp: a file name without '/' is looked for in each directory of PATH (else /bin:/usr/bin),
 * in order; the first that can be executed is. What it leaves out: running a file that is not an
 * executable as a shell script. */
int execvp(const char *file, char *const argv[]) {
    const char *path;
    const char *end;
    char full[4096];
    size_t length;
    size_t name_length = strlen(file);
    int error = ENOENT;
    if (strchr(file, '/')) return execv(file, argv);
    path = getenv("PATH");
    if (path == NULL) path = "/bin:/usr/bin";
    for (;;) {
        end = strchr(path, ':');
        length = end ? (size_t)(end - path) : strlen(path);
        /* An empty element of PATH ("::", or a ':' first or last) is the working directory. An error
         * other than "not there" (EACCES: found but not executable) is kept, so that errno says why
         * the file that exists could not be run. */
        if (length + name_length + 2 <= sizeof full) {
            memcpy(full, length ? path : ".", length ? length : 1);
            if (length == 0) length = 1;
            full[length] = '/';
            memcpy(full + length + 1, file, name_length + 1);
            execve(full, argv, environ);
            if (errno != ENOENT && errno != ENOTDIR) error = errno;
        }
        if (end == NULL) break;
        path = end + 1;
    }
    errno = error;
    return -1;
}

/* atexit: functions run by exit, the last registered first (at most 32). */
static void (*exit_functions[32])(void);
static int exit_function_count;

/* atexit: registers a function for exit to run; -1 when 32 are registered. */
int atexit(void (*function)(void)) {
    if (exit_function_count == 32) return -1;
    exit_functions[exit_function_count++] = function;
    return 0;
}

/* exit: runs the atexit functions (then, built by another compiler than cc, the destructors,
 * the last first), flushes every open FILE, ends the process. */
void exit(int status) {
    /* The FILEs are flushed after the atexit functions, so that what those print goes out too. */
    while (exit_function_count > 0) exit_functions[--exit_function_count]();
#ifndef __KINDLING_CC__
    {
        void (**f)(void);
        for (f = __fini_array_end; f > __fini_array_start;) (*--f)();
    }
#endif
    fflush(NULL);
    _exit(status);
}

/* abort: flushes output and ends the process with SIGABRT (as the default action would). */
void abort(void) {
    fflush(NULL);
    /* If SIGABRT is caught and the handler returns, or it is ignored, the process still ends, with
     * the status a shell shows for SIGABRT (128 + 6). */
    kill(getpid(), SIGABRT);
    _exit(134);
}

/* setenv: NAME=value into a new environment array (the old strings are kept; nothing is freed). */
int setenv(const char *name, const char *value, int overwrite) {
    size_t n = strlen(name);
    size_t count = 0;
    char **entry;
    char **grown;
    char *text;
    if (n == 0 || strchr(name, '=')) {
        errno = EINVAL;
        return -1;
    }
    if (getenv(name) && !overwrite) return 0;
    text = malloc(n + strlen(value) + 2);
    if (text == NULL) return -1;
    memcpy(text, name, n);
    text[n] = '=';
    strcpy(text + n + 1, value);
    if (environ)
        for (entry = environ; *entry; entry++, count++)
            if (strncmp(*entry, name, n) == 0 && (*entry)[n] == '=') {
                *entry = text;
                return 0;
            }
    /* A new array, since the first environ is the kernel's, on the stack, where it cannot grow; the
     * old arrays are not freed, as a caller may still hold them. */
    grown = malloc((count + 2) * sizeof(char *));
    if (grown == NULL) return -1;
    if (count) memcpy(grown, environ, count * sizeof(char *));
    grown[count] = text;
    grown[count + 1] = NULL;
    environ = grown;
    return 0;
}

/* system: /bin/sh -c command in a child process; its wait status (-1 if it could not start). */
int system(const char *command) {
    int pid;
    int status;
    char *argv[4];
    if (command == NULL) return access("/bin/sh", X_OK) == 0;
    /* Buffered output is written before fork, else parent and child would both write it. */
    fflush(NULL);
    pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        argv[0] = "sh";
        argv[1] = "-c";
        argv[2] = (char *)command;
        argv[3] = NULL;
        execve("/bin/sh", argv, environ);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) return -1;
    return status;
}

/* mkstemp: replaces the template's final XXXXXX with letters until a new file can be created
 * (mode 0600, opened for reading and writing); its descriptor. */
int mkstemp(char *template) {
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t n = strlen(template);
    /* Names from the pid and the time are not secret, but O_EXCL makes them safe: an existing file
     * is never opened, another name is tried (1000 times at most). */
    unsigned long seed = (unsigned long)getpid() * 2654435761UL;
    int attempt;
    int i;
    int fd;
    if (n < 6 || strcmp(template + n - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (attempt = 0; attempt < 1000; attempt++) {
        unsigned long r = seed + attempt * 7919UL + (unsigned long)__syscall(201, 0);  /* time() */
        for (i = 0; i < 6; i++) {
            template[n - 6 + i] = letters[r % 62];
            r /= 62;
        }
        fd = open(template, O_RDWR | O_CREAT | O_EXCL, 384);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}
