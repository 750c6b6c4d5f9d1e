// error: wrong-arguments.c:3: wrong number of arguments in a call of 'add'
int add(int a, int b) { return a + b; }
int main(void) { return add(1); }
