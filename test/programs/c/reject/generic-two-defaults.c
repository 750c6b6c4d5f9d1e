// error: generic-two-defaults.c:2: a second default in _Generic: 'default'
int x = _Generic(1, default: 1, int: 2, default: 3);
int main(void) { return 0; }
