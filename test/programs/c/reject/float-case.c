// error: float-case.c:3: an integer constant is needed, not a floating one, at '1.5'
int main(int argc, char **argv) {
    switch (argc) { case 1.5: return 1; }
    return 0;
}
