/* sys/stat.h — file modes and chmod. */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H
#define S_IRWXU 448
#define S_IRUSR 256
#define S_IWUSR 128
#define S_IXUSR 64
#define S_IRWXG 56
#define S_IRGRP 32
#define S_IWGRP 16
#define S_IXGRP 8
#define S_IRWXO 7
#define S_IROTH 4
#define S_IWOTH 2
#define S_IXOTH 1
int chmod(char *path, int mode);
#endif
