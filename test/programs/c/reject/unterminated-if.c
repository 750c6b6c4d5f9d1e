// error: unterminated-if.c:3: #if without #endif before the end of the file
#if 1
int main(void) { return 0; }
