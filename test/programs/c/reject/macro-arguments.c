// error: macro-arguments.c:3: wrong number of arguments in a call of macro 'TWO'
#define TWO(a, b) ((a) + (b))
int main(void) { return TWO(1); }
