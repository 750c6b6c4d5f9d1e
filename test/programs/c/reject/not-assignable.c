// error: not-assignable.c:2: the left side is not something that can be assigned: '='
int main(void) { int a[2]; a + 1 = 0; return 0; }
