// error: float-constant.c:2: floating point is not supported: '1.'
int main(void) { return 1.5 > 1; }
