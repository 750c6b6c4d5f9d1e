/* sys/wait.h — waiting for a child process and reading its status. */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H
#define WNOHANG 1
#define WEXITSTATUS(status) (((status) >> 8) & 255)
#define WTERMSIG(status) ((status) & 127)
#define WIFEXITED(status) (WTERMSIG(status) == 0)
#define WIFSIGNALED(status) (WTERMSIG(status) != 0 && WTERMSIG(status) != 127)
int waitpid(int pid, int *status, int options);
int wait(int *status);
#endif
