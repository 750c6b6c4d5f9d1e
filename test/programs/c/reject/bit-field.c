// error: bit-field.c:2: a bit-field's width must be from 0 to its type's bits, at ';'
struct flags { int a : 33; };
int main(void) { return 0; }
