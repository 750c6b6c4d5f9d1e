/* unistd.h — system calls on files and processes. */
#ifndef _UNISTD_H
#define _UNISTD_H
#include <stddef.h>
/* off_t, pid_t and the other system types, as sys/types.h defines them. */
#include <sys/types.h>
#ifndef __KINDLING_CC__
/* cc has __syscall built in; for other compilers the C library defines it (unistd.c). */
long __syscall(long number, ...);
#endif
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2
ssize_t read(int fd, void *buffer, size_t n);
ssize_t write(int fd, const void *buffer, size_t n);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int unlink(const char *path);
int rmdir(const char *path);
int fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int waitpid(int pid, int *status, int options);
int chmod(const char *path, int mode);
int chdir(const char *path);
char *getcwd(char *buffer, size_t size);
int access(const char *path, int mode);
int dup(int fd);
int dup2(int from, int to);
int pipe(int fds[2]);
int isatty(int fd);
int ftruncate(int fd, off_t length);
pid_t getpid(void);
long sysconf(int name);
int getpagesize(void);
ssize_t readlink(const char *path, char *buffer, size_t size);
#define _SC_PAGESIZE 30
#define _SC_PAGE_SIZE _SC_PAGESIZE
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#endif
