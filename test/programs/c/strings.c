// Strings and characters: escapes (\n \t \\ \' \" \0 \x41 \101 \a), character constants as
// ints, adjacent literals joined, string functions of the C library, sprintf into a buffer.
// exit: 0
// stdout: A A 7 0 92 39 34 9
// stdout: joined string 13
// stdout: 5 abc 0 1
// stdout: tab	end
// stdout: -1 255
#include <stdio.h>
#include <string.h>
int main(void) {
    char buffer[32];
    char *s = "abc\0def";
    char c = '\xff';
    unsigned char u = '\377';
    printf("%c %c %d %d %d %d %d %d\n", '\x41', '\101', '\a', '\0', '\\', '\'', '\"', '\t');
    printf("%s %d\n", "joined " "string", (int)strlen("joined " "string"));
    strcpy(buffer, "hello");
    printf("%d %s %d %d\n", (int)strlen(buffer), s, strcmp(s, "abc"), sizeof("abc\0def") == 8);
    puts("tab\tend");
    printf("%d %d\n", c, u);
    return 0;
}
