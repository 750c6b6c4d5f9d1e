// Initial values: global and local arrays, structs, nested braces, strings into char arrays,
// arrays whose length comes from the initializer, pointers to strings and globals, zeros for
// what is not given, static locals initialized once, and braces left out around inner arrays
// and structs (the initializers then fill them in order).
// exit: 0
// stdout: 1 2 0 0 | 3
// stdout: ab 2 one two three
// stdout: 10 20 x 0
// stdout: 5 6 7 8 0
// stdout: hi 3 4
// stdout: 1 2 3
// stdout: 1 2 3 4 | 5 6 7 | 8 9
#include <stdio.h>
int table[4] = {1, 2};
int counted[] = {4, 5, 6};
char word[] = "ab";
char *names[] = {"one", "two", "three"};
struct entry { int key; int value; char tag; long rest; };
struct entry entries[2] = {{10, 20, 'x'}, {30}};
int *pointer = &table[0];
int *others = counted;
struct span { int from; int to; };
struct span spans[2] = {1, 2, 3, 4};
int matrix[2][2] = {5, 6, 7};
int next(void) {
    static int n = 0;
    return ++n;
}
int main(void) {
    int local[5] = {5, 6, 7, 8};
    char text[8] = "hi";
    struct entry e = {3, 4};
    int grid[2][2] = {{1, 2}, {3, 4}};
    printf("%d %d %d %d | %d\n", table[0], table[1], table[2], table[3], (int)(sizeof counted / sizeof counted[0]));
    printf("%s %d %s %s %s\n", word, (int)sizeof(word) - 1, names[0], names[1], names[2]);
    printf("%d %d %c %ld\n", entries[0].key, entries[0].value, entries[0].tag, entries[1].rest);
    printf("%d %d %d %d %d\n", local[0], local[1], local[2], local[3], local[4]);
    printf("%s %d %d\n", text, e.key, e.value);
    next();
    next();
    printf("%d %d %d\n", *pointer, grid[0][1], next());
    {
        struct { struct span first; int rest[2]; } mixed = {8, 9};
        printf("%d %d %d %d | %d %d %d | %d %d\n", spans[0].from, spans[0].to, spans[1].from, spans[1].to, matrix[0][0], matrix[0][1], matrix[1][0], mixed.first.from, mixed.first.to + mixed.rest[1]);
    }
    return others[0] - 4 + grid[1][1] - 4;
}
