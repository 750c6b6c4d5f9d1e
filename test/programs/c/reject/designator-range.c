// error: designator-range.c:2: a range's last index is before its first: '['
int table[4] = { [3 ... 1] = 0 };
int main(void) { return 0; }
