// error: no-member.c:3: no such member: 'z'
struct point { int x, y; };
int main(void) { struct point p; return p.z; }
