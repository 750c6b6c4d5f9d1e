// error: float.c:2: floating point is not supported: 'double'
double x;
int main(void) { return 0; }
