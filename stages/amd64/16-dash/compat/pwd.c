/* pwd.c — getpwnam from /etc/passwd (name:password:uid:gid:gecos:home:shell), for dash's ~user. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char line[1024];
static struct passwd record;

/* Splits line at ':' into at most count fields; returns how many it found. */
static int split(char *text, char **fields, int count) {
    int n = 0;
    fields[n++] = text;
    while (*text && n < count) {
        if (*text == ':') {
            *text = 0;
            fields[n++] = text + 1;
        }
        text++;
    }
    return n;
}

struct passwd *getpwnam(const char *name) {
    FILE *file = fopen("/etc/passwd", "r");
    char *fields[7];
    if (file == NULL) return NULL;
    while (fgets(line, sizeof line, file)) {
        line[strcspn(line, "\n")] = 0;
        if (split(line, fields, 7) != 7 || strcmp(fields[0], name) != 0) continue;
        fclose(file);
        record.pw_name = fields[0];
        record.pw_passwd = fields[1];
        record.pw_uid = strtoul(fields[2], NULL, 10);
        record.pw_gid = strtoul(fields[3], NULL, 10);
        record.pw_gecos = fields[4];
        record.pw_dir = fields[5];
        record.pw_shell = fields[6];
        return &record;
    }
    fclose(file);
    return NULL;
}
