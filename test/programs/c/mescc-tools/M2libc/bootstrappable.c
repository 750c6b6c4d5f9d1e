/* bootstrappable.c — see bootstrappable.h. */
#include "bootstrappable.h"

void require(int ok, char *message) {
    if (ok) return;
    fputs(message, stderr);
    exit(EXIT_FAILURE);
}

int match(char *a, char *b) {
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

int in_set(int c, char *set) {
    if (c == 0) return FALSE;
    for (; *set; set++)
        if (*set == c) return TRUE;
    return FALSE;
}

int strtoint(char *text) { return (int)strtol(text, NULL, 0); }

char *int2str(int x, int base, int is_signed) {
    char *text = calloc(40, 1);
    unsigned int magnitude = x;
    int at = 38;
    if (is_signed && x < 0) magnitude = -x;
    do {
        text[at--] = "0123456789ABCDEF"[magnitude % base];
        magnitude /= base;
    } while (magnitude);
    if (is_signed && x < 0) text[at--] = '-';
    return text + at + 1;
}
