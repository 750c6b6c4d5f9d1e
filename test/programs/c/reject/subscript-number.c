// error: subscript-number.c:3: '[' needs an array or a pointer and an integer: '['
int main(void) {
    int n = 1; return n[0];
}
