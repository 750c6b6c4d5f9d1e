// error: never-defined.c:3: function called but never defined: 'later'
int later(int n);
int main(void) { return later(1); }
