// error: flexible-not-last.c:2: a member after a flexible array member, at ';'
struct list { int n; int items[]; int after; };
int main(void) { return 0; }
