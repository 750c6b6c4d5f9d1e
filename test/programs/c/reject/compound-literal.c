// error: compound-literal.c:3: a compound literal needs a complete object type: '('
struct point { int x, y; };
int main(void) { return ((struct missing){1, 2}).x; }
