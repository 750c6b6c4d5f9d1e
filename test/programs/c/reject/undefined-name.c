// error: undefined-name.c:3: undefined name 'y'
int main(void) {
    return y;
}
