// error: vla-case.c:5: a case or default inside the scope of a variable-length array the switch is not in
int main(int argc, char **argv) {
    switch (argc) {
        int bytes[argc];
    case 1:
    default:
        return 0;
    }
}
