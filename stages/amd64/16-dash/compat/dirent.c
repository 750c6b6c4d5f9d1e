/* dirent.c — opendir, readdir and closedir on Linux's getdents64 (the chain's C library has no
 * directory reading yet). The kernel's linux_dirent64 has struct dirent's layout, so readdir
 * returns a pointer into the buffer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

long __syscall(long number, ...);

struct __dir {
    int fd;
    long size;
    long next;
    char buffer[4096];
};

DIR *opendir(const char *path) {
    DIR *dir;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return NULL;
    dir = malloc(sizeof *dir);
    if (dir == NULL) {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    dir->fd = fd;
    dir->size = 0;
    dir->next = 0;
    return dir;
}

struct dirent *readdir(DIR *dir) {
    struct dirent *entry;
    if (dir->next >= dir->size) {
        long n = __syscall(217, dir->fd, dir->buffer, sizeof dir->buffer);
        if (n <= 0) {
            if (n < 0) errno = -n;
            return NULL;
        }
        dir->size = n;
        dir->next = 0;
    }
    entry = (struct dirent *)(dir->buffer + dir->next);
    dir->next += entry->d_reclen;
    return entry;
}

int closedir(DIR *dir) {
    int status = close(dir->fd);
    free(dir);
    return status;
}
