// The C library's files and memory: fopen, fprintf, fputs, fclose, fgetc, fgets, ungetc,
// fwrite/fread; malloc, realloc and free (freed blocks are reused); exit() with a status
// flushes stdout. The program writes a file next to itself (args: a path to write).
// args: /tmp/kindling-cc-files-test.txt
// exit: 3
// stdout: wrote 3 lines
// stdout: first line
// stdout: 2: second 7
// stdout: x 3 bytes
// stdout: grew to 1000: 999
// stdout: not set: 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    FILE *f = fopen(argv[1], "w");
    char line[64];
    char *p;
    int i, c;
    fprintf(f, "first line\n");
    fputs("2: second ", f);
    fprintf(f, "%d\nthird\n", 7);
    fclose(f);
    printf("wrote 3 lines\n");
    f = fopen(argv[1], "r");
    fgets(line, sizeof line, f);
    fputs(line, stdout);
    fgets(line, sizeof line, f);
    printf("%s", line);
    c = fgetc(f);
    ungetc(c, f);
    fclose(f);
    f = fopen(argv[1], "w");
    fwrite("xyz", 1, 3, f);
    fclose(f);
    f = fopen(argv[1], "r");
    i = fread(line, 1, 10, f);
    fclose(f);
    unlink(argv[1]);
    printf("%c %d bytes\n", line[0], i);
    p = malloc(10);
    for (i = 0; i < 10; i++) p[i] = i;
    p = realloc(p, 1000);
    p[999] = 99;
    printf("grew to 1000: %d%d\n", p[9], p[999]);
    free(p);
    if (malloc(16) == NULL) return 1;
    printf("not set: %d\n", getenv("KINDLING_CC_NOT_SET") == NULL);
    exit(3);
}
