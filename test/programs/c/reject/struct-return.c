// error: struct-return.c:3: a function returning a struct is not supported, at 'void'
struct pair { int a, b; };
struct pair make(void) { struct pair p; return p; }
int main(void) { return 0; }
