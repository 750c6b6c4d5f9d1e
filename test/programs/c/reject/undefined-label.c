// error: undefined-label.c:2: goto to a label that is not defined: 'nowhere'
int main(void) { goto nowhere; return 0; }
