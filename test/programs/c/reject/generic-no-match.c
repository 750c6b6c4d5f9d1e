// error: generic-no-match.c:2: no type in _Generic matches its expression's: '_Generic'
int x = _Generic(1.5, int: 1, char *: 2);
int main(void) { return 0; }
