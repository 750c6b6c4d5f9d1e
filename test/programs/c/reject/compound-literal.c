// error: compound-literal.c:3: compound literals are not supported: '{'
struct point { int x, y; };
int main(void) { return ((struct point){1, 2}).x; }
