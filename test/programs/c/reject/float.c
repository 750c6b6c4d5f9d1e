// error: float.c:3: floating point is not supported: 'x'
double x;
int main(void) { return x > 0; }
