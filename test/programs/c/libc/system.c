/* system.c — files (fseek, ftell, rewind, fgetpos, remove, rename, large fread/fwrite), processes
 * (execvp finding a program on PATH, setenv, fork, waitpid), memory maps (mmap, mprotect, munmap),
 * the clock (time, gettimeofday, clock_gettime agree) and the calendar (gmtime, localtime, mktime,
 * strftime of fixed moments). The program writes files beside the path it is given. */
// args: /tmp/kindling-libc-system-test
// exit: 0
// stdout: ftell while writing: 20
// stdout: ftell after 4: 4
// stdout: after SEEK_CUR 3: 7 (ftell 8)
// stdout: 2 before the end: i
// stdout: last: j
// stdout: at the end: -1, eof 1
// stdout: rewound: eof 0
// stdout: read again: 01234XY
// stdout: fsetpos back: 7
// stdout: rename: 0
// stdout: old name gone: 1
// stdout: fwrite big: 100000
// stdout: fread big: 100000
// stdout: same bytes: 1
// stdout: remove: 0
// stdout: again: -1 (errno 2)
// stdout: mmap: 1
// stdout: mprotect: 0, read: mapped
// stdout: munmap: 0
// stdout: mmap of a bad fd: 1, errno 9
// stdout: not on PATH: -1, errno 2
// stdout: child ran with execvp
// stdout: child exit status 7
// stdout: clocks agree: 1 1, after 2020: 1
// stdout: 0: 1970-01-01 00:00:00 Thu Jan yday 001 wday 4
// stdout: 951782400: 2000-02-29 00:00:00 Tue Feb yday 060 wday 2
// stdout: 1709251199: 2024-02-29 23:59:59 Thu Feb yday 060 wday 4
// stdout: -1: 1969-12-31 23:59:59 Wed Dec yday 365 wday 3
// stdout: 4102444800: 2100-01-01 00:00:00 Fri Jan yday 001 wday 5
// stdout: mktime: 1741050000 -> 2025-3-4 1:00 yday 62
// stdout: localtime is UTC: 71
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/time.h>
#include <sys/mman.h>
#include <sys/wait.h>

static void show(time_t t) {
    struct tm *tm = gmtime(&t);
    char text[80];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %a %b yday %j wday", tm);
    printf("%ld: %s %d\n", (long)t, text, tm->tm_wday);
}

int main(int argc, char **argv) {
    char path[256];
    char moved[256];
    char buffer[64];
    static char big[100000];
    FILE *f;
    long position;
    fpos_t saved;
    int i;
    int status;
    int pid;
    char *p;
    struct tm tm;
    struct timeval tv;
    struct timespec ts;
    time_t now;
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("child ran with %s\n", argv[2]);
        return 7;
    }
    snprintf(path, sizeof path, "%s.data", argv[1]);
    snprintf(moved, sizeof moved, "%s.moved", argv[1]);
    f = fopen(path, "w");
    fputs("0123456789abcdefghij", f);
    printf("ftell while writing: %ld\n", ftell(f));
    fseek(f, 5, SEEK_SET);
    fputs("XY", f);
    fclose(f);
    f = fopen(path, "r");
    fread(buffer, 1, 4, f);
    printf("ftell after 4: %ld\n", ftell(f));
    fseek(f, 3, SEEK_CUR);
    i = fgetc(f);
    printf("after SEEK_CUR 3: %c (ftell %ld)\n", i, ftell(f));
    fseek(f, -2, SEEK_END);
    printf("2 before the end: %c\n", fgetc(f));
    i = fgetc(f);
    printf("last: %c\n", i);
    i = fgetc(f);
    printf("at the end: %d, eof %d\n", i, feof(f) != 0);
    rewind(f);
    printf("rewound: eof %d\n", feof(f) != 0);
    printf("read again: %s\n", fgets(buffer, 8, f));
    fgetpos(f, &saved);
    fgetc(f);
    fsetpos(f, &saved);
    printf("fsetpos back: %c\n", fgetc(f));
    fclose(f);
    printf("rename: %d\n", rename(path, moved));
    printf("old name gone: %d\n", fopen(path, "r") == NULL && errno == ENOENT);
    f = fopen(moved, "w");
    for (i = 0; i < (int)sizeof big; i++) big[i] = (char)(i * 7);
    printf("fwrite big: %d\n", (int)fwrite(big, 1, sizeof big, f));
    fclose(f);
    memset(big, 0, sizeof big);
    f = fopen(moved, "r");
    printf("fread big: %d\n", (int)fread(big, 1, sizeof big, f));
    for (i = 0; i < (int)sizeof big && big[i] == (char)(i * 7); i++) ;
    printf("same bytes: %d\n", i == (int)sizeof big);
    fclose(f);
    i = remove(moved);
    printf("remove: %d\n", i);
    i = remove(moved);
    printf("again: %d (errno %d)\n", i, errno);

    p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap: %d\n", p != MAP_FAILED);
    strcpy(p + 4096, "mapped");
    i = mprotect(p, 8192, PROT_READ);
    printf("mprotect: %d, read: %s\n", i, p + 4096);
    printf("munmap: %d\n", munmap(p, 8192));
    i = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED;
    printf("mmap of a bad fd: %d, errno %d\n", i, errno);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char *args[4];
        char directory[256];
        char *slash;
        strcpy(directory, argv[0]);
        slash = strrchr(directory, '/');
        if (slash) *slash = 0;
        setenv("PATH", "/nonexistent", 1);
        args[0] = "not-on-path";
        args[1] = NULL;
        i = execvp("not-on-path", args);
        printf("not on PATH: %d, errno %d\n", i, errno);
        snprintf(buffer, sizeof buffer, "/nonexistent:%s", directory);
        setenv("PATH", buffer, 1);
        args[0] = slash ? slash + 1 : argv[0];
        args[1] = "child";
        args[2] = "execvp";
        args[3] = NULL;
        fflush(stdout);
        execvp(args[0], args);
        printf("execvp failed\n");
        exit(1);
    }
    waitpid(pid, &status, 0);
    printf("child exit status %d\n", WEXITSTATUS(status));

    now = time(NULL);
    gettimeofday(&tv, NULL);
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("clocks agree: %d %d, after 2020: %d\n", tv.tv_sec - now <= 1, ts.tv_sec - tv.tv_sec <= 1, now > 1577836800);
    show(0);
    show(951782400);
    show(1709251199);
    show(-1);
    show(4102444800L);
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 124;
    tm.tm_mon = 13;
    tm.tm_mday = 31;
    tm.tm_hour = 25;
    now = mktime(&tm);
    printf("mktime: %ld -> %d-%d-%d %d:00 yday %d\n", (long)now, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_yday);
    now = 86400 * 365;
    printf("localtime is UTC: %d\n", localtime(&now)->tm_year);
    return 0;
}
