// error: bit-field.c:2: bit-fields are not supported: ':'
struct flags { int a : 1; };
int main(void) { return 0; }
