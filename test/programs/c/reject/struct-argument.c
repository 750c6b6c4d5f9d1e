// error: struct-argument.c:5: incompatible struct types at 'o'
struct pair { int a, b; };
struct other { int a, b; };
int sum(struct pair p) { return p.a + p.b; }
int main(void) { struct other o; return sum(o); }
