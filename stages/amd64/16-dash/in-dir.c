/* in-dir.c — in-dir DIRECTORY PROGRAM [ARGUMENT...]: runs PROGRAM in DIRECTORY. dash's
 * generators write their files into the current directory, and the kaem seed has no cd; this
 * keeps those files in the stage's scratch. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: in-dir DIRECTORY PROGRAM [ARGUMENT...]\n");
        return 2;
    }
    if (chdir(argv[1]) != 0) {
        fprintf(stderr, "in-dir: %s: cannot change to this directory\n", argv[1]);
        return 1;
    }
    execv(argv[2], argv + 2);
    fprintf(stderr, "in-dir: %s: cannot run\n", argv[2]);
    return 1;
}
