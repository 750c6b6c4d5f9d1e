// error: designated-index.c:2: the index is past the array's end at '['
int table[4] = { [1] = 1, [4] = 2 };
int main(void) { return 0; }
