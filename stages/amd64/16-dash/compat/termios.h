/* termios.h — the foreground process group of a terminal (job control). */
#ifndef _TERMIOS_H
#define _TERMIOS_H
#include <sys/types.h>
pid_t tcgetpgrp(int fd);
int tcsetpgrp(int fd, pid_t group);
#endif
