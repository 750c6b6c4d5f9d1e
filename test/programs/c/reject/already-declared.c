// error: already-declared.c:2: already declared: 'x'
int main(void) { int x; int x; return 0; }
