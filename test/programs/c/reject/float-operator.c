// error: float-operator.c:3: this operator needs integers: '%'
double x = 1.5;
int main(void) { return x % 2; }
