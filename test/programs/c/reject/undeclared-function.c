// error: undeclared-function.c:2: call of an undeclared function: 'helper'
int main(void) { return helper(1); }
