// error: error-directive.c:3: #error stop here
#define WANTED 1
#error stop here
int main(void) { return 0; }
