// error: designated.c:3: designated initializers are not supported: '.'
struct point { int x, y; };
struct point p = { .x = 1 };
int main(void) { return 0; }
