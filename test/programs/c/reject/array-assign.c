// error: array-assign.c:2: an array cannot be assigned: '='
int main(void) { int a[2], b[2]; a = b; return 0; }
