// error: designated.c:3: no such member: 'z'
struct point { int x, y; };
struct point p = { .y = 2, .z = 1 };
int main(void) { return 0; }
