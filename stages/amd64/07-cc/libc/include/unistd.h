/* unistd.h — system calls on files and processes. */
#ifndef _UNISTD_H
#define _UNISTD_H
#include <stddef.h>
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
ssize_t read(int fd, void *buffer, size_t n);
ssize_t write(int fd, void *buffer, size_t n);
int close(int fd);
long lseek(int fd, long offset, int whence);
int unlink(char *path);
int fork(void);
int execve(char *path, char **argv, char **envp);
int waitpid(int pid, int *status, int options);
int chmod(char *path, int mode);
#endif
