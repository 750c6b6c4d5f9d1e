// error: not-constant.c:3: not a constant expression: 'n'
int n;
int table[n];
int main(void) { return 0; }
