// error: static-assert.c:2: static assertion failed: '"int is not 8 bytes"'
_Static_assert(sizeof(int) == 8, "int is not 8 bytes");
int main(void) { return 0; }
