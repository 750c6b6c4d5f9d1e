// error: missing-semicolon.c:4: expected ';', found 'return'
int main(void) {
    int x = 1
    return x;
}
