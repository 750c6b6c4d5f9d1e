// Structs and unions: layout with natural alignment, sizeof, nested structs, arrays of structs,
// struct assignment, -> chains through a linked list, unions sharing their bytes.
// exit: 6
// stdout: 24 24 8 4
// stdout: 0 4 8 16
// stdout: 1 2 3
// stdout: 7 8 9
// stdout: 3 2 1
// stdout: 78563412 12 56
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
struct mixed { char c; int i; long l; short s; };
struct inner { int x; int y; };
struct outer { char tag; struct inner in; long n; };
struct node { int value; struct node *next; };
union word { unsigned int u; unsigned char b[4]; };
struct point { int x, y, z; };
int main(void) {
    struct mixed m;
    struct outer o;
    struct point pts[3];
    struct point copy;
    struct node *list = NULL;
    struct node *n;
    union word w;
    int i, count = 0;
    printf("%d %d %d %d\n", (int)sizeof(struct mixed), (int)sizeof(struct outer), (int)sizeof(struct inner), (int)sizeof(union word));
    printf("%d %d %d %d\n", (int)offsetof(struct mixed, c), (int)offsetof(struct mixed, i), (int)offsetof(struct mixed, l), (int)offsetof(struct mixed, s));
    o.tag = 'x';
    o.in.x = 1;
    o.in.y = 2;
    o.n = 3;
    printf("%d %d %ld\n", o.in.x, o.in.y, o.n);
    for (i = 0; i < 3; i++) {
        pts[i].x = 7 + i;
        pts[i].y = 0;
        pts[i].z = 0;
    }
    copy = pts[0];
    pts[0].x = 100;
    printf("%d %d %d\n", copy.x, pts[1].x, (pts + 2)->x);
    for (i = 1; i <= 3; i++) {
        n = malloc(sizeof *n);
        n->value = i;
        n->next = list;
        list = n;
    }
    printf("%d %d %d\n", list->value, list->next->value, list->next->next->value);
    for (n = list; n; n = n->next) count += n->value;
    w.u = 0x78563412;
    printf("%x %x %x\n", w.u, w.b[0], w.b[2]);
    m.c = 1;
    return count;
}
