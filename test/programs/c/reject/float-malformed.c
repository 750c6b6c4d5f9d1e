// error: float-malformed.c:2: malformed floating constant: '1.5e'
double x = 1.5e;
int main(void) { return 0; }
