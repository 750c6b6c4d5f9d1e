// error: duplicate-case.c:2: duplicate case value
int main(void) { switch (1) { case 1: case 1: break; } return 0; }
