// error: attribute-aligned.c:2: aligned needs a power of two: 'aligned'
struct wide { char c; } __attribute__((aligned(3)));
int main(void) { return 0; }
