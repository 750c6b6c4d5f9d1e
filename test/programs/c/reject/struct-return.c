// error: struct-return.c:3: incompatible struct types at '1'
struct pair { int a, b; };
struct pair make(void) { return 1; }
int main(void) { return 0; }
