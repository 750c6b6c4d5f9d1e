/* bootstrappable.h — the helpers mescc-tools' sources call (their M2libc provides them upstream;
 * the release tarball does not hold M2libc). Written for cc's tests: the names and arguments are
 * the ones mescc-tools uses. */
#ifndef BOOTSTRAPPABLE_H
#define BOOTSTRAPPABLE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define TRUE 1
#define FALSE 0
/* require: stops the program with the message unless ok. */
void require(int ok, char *message);
/* match: 1 if both strings are equal (or both NULL). */
int match(char *a, char *b);
/* in_set: 1 if c is one of the bytes of set (never for 0). */
int in_set(int c, char *set);
/* strtoint: a number written in decimal, 0x hexadecimal or 0 octal, optionally negative. */
int strtoint(char *text);
/* int2str: x in base, with a '-' if is_signed and x is negative; new memory. */
char *int2str(int x, int base, int is_signed);
#endif
