// error: vla-goto.c:4: goto into the scope of a variable-length array: 'inside'
int main(int argc, char **argv) {
    {
        goto inside;
        char bytes[argc];
    inside:
        bytes[0] = 0;
    }
    return 0;
}
