// error: deref-int.c:2: '*' needs a pointer after it: '*'
int main(void) { int x = 1; return *x; }
