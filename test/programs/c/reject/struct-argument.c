// error: struct-argument.c:3: passing a struct by value is not supported, at ')'
struct pair { int a, b; };
int sum(struct pair p) { return p.a + p.b; }
int main(void) { return 0; }
