// error: vla-static.c:3: a variable-length array cannot be static or extern: 'table'
int main(int argc, char **argv) {
    static int table[argc];
    return 0;
}
