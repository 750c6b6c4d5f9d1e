// error: float-pointer.c:3: a cast between a pointer and a floating type is not possible: '('
int *p;
int main(void) { return (double)p > 0; }
