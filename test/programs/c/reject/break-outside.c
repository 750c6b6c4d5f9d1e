// error: break-outside.c:2: break outside a loop or switch
int main(void) { break; return 0; }
