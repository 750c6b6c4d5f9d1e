// error: include-missing.c:2: included file not found: "no-such-header.h"
#include "no-such-header.h"
int main(void) { return 0; }
