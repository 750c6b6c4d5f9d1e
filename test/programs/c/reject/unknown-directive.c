// error: unknown-directive.c:2: unknown preprocessor directive: 'warning'
#warning not a directive cc knows
int main(void) { return 0; }
