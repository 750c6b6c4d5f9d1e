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
int chdir(char *path);
char *getcwd(char *buffer, size_t size);
int access(char *path, int mode);
int dup2(int from, int to);
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#endif
