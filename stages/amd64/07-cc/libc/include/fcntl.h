/* fcntl.h — open() and its flags (Linux x86-64 values). */
#ifndef _FCNTL_H
#define _FCNTL_H
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define O_CREAT 64
#define O_EXCL 128
#define O_NOCTTY 256
#define O_TRUNC 512
#define O_APPEND 1024
#define O_NONBLOCK 2048
#define O_DIRECTORY 65536
#define O_CLOEXEC 524288
#define O_BINARY 0
int open(const char *path, int flags, ...);
int creat(const char *path, int mode);
#endif
