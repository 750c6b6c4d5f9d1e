// error: string-too-long.c:2: the string is longer than the array: '"abcd"'
char word[3] = "abcd";
int main(void) { return 0; }
