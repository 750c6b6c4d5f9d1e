/* in-dir.c — in-dir DIRECTORY PROGRAM [ARGUMENT...]: makes DIRECTORY (and its parents) if it
 * is missing, then runs PROGRAM there. tcc -c writes each object into the current directory,
 * and neither kaem nor make (with no shell) has a cd or a mkdir. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char path[4096];
    char *p;
    if (argc < 3) {
        fprintf(stderr, "usage: in-dir DIRECTORY PROGRAM [ARGUMENT...]\n");
        return 2;
    }
    if (strlen(argv[1]) >= sizeof path) {
        fprintf(stderr, "in-dir: %s: path too long\n", argv[1]);
        return 1;
    }
    strcpy(path, argv[1]);
    for (p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    mkdir(path, 0755);
    if (chdir(path) != 0) {
        fprintf(stderr, "in-dir: %s: cannot change to this directory\n", argv[1]);
        return 1;
    }
    execv(argv[2], argv + 2);
    fprintf(stderr, "in-dir: %s: cannot run\n", argv[2]);
    return 1;
}
