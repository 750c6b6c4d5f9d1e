/* untar-v7.c — untar-v7 ARCHIVE DIR: extracts a tar archive in the old (Unix v7) format, which
 * dash's release tarball uses: its headers have no "ustar" magic, so stage 08's untar (ustar
 * only) refuses them. Regular files and directories only, each header's checksum checked, no
 * path that is absolute or has a ".." component; any other entry or a damaged archive stops
 * with a message naming the archive and the byte offset. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static const char *archive;

static void fail(const char *what, long at) {
    fprintf(stderr, "untar-v7: %s: %s at byte %ld\n", archive, what, at);
    exit(1);
}

/* An octal field: digits, optionally led by spaces and ended by a space or NUL. */
static long octal(const unsigned char *field, int size, long at) {
    long value = 0;
    int i = 0;
    while (i < size && field[i] == ' ') i++;
    for (; i < size && field[i] >= '0' && field[i] <= '7'; i++) value = value * 8 + field[i] - '0';
    if (i < size && field[i] != ' ' && field[i] != 0) fail("bad octal field", at);
    return value;
}

static int unsafe(const char *path) {
    const char *p = path;
    if (*p == '/') return 1;
    while (*p) {
        if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == 0)) return 1;
        while (*p && *p != '/') p++;
        while (*p == '/') p++;
    }
    return 0;
}

/* mkdir -p of path's directories (all of them if whole, else all but the last component). */
static void make_dirs(char *path, int whole) {
    char *p;
    for (p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    if (whole) mkdir(path, 0755);
}

int main(int argc, char **argv) {
    unsigned char header[512];
    char name[101], path[4096];
    static char block[512];
    long at = 0;
    int in;
    if (argc != 3) {
        fprintf(stderr, "usage: untar-v7 ARCHIVE DIR\n");
        return 2;
    }
    archive = argv[1];
    in = open(archive, O_RDONLY);
    if (in < 0) fail("cannot open", 0);
    mkdir(argv[2], 0755);
    for (;;) {
        long size, sum = 0, left;
        int i, out = -1, type, length;
        if (read(in, header, 512) != 512) fail("cut short (no end-of-archive blocks)", at);
        for (i = 0; i < 512 && header[i] == 0; i++) {}
        if (i == 512) return 0; /* a zero block ends the archive */
        for (i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : header[i];
        if (sum != octal(header + 148, 8, at)) fail("bad header checksum", at);
        memcpy(name, header, 100);
        name[100] = 0;
        if (name[0] == 0 || unsafe(name)) fail("empty, absolute or \"..\" path", at);
        size = octal(header + 124, 12, at);
        type = header[156];
        length = strlen(name);
        if (snprintf(path, sizeof path, "%s/%s", argv[2], name) >= (int)sizeof path) fail("path too long", at);
        if (type == '5' || (type == 0 && name[length - 1] == '/')) {
            make_dirs(path, 1);
        } else if (type == '0' || type == 0) {
            make_dirs(path, 0);
            out = open(path, O_WRONLY | O_CREAT | O_TRUNC, (int)(octal(header + 100, 8, at) & 0777));
            if (out < 0) fail("cannot create the entry's file", at);
        } else {
            fail("an entry that is not a file or a directory", at);
        }
        at += 512;
        for (left = size; left > 0; left -= 512) {
            if (read(in, block, 512) != 512) fail("cut short inside a file", at);
            if (out >= 0 && write(out, block, left < 512 ? left : 512) < 0) fail("cannot write", at);
            at += 512;
        }
        if (out >= 0) close(out);
    }
}
