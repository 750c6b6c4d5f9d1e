// error: bit-field-address.c:3: a bit-field has no address: '&'
struct flags { unsigned a : 3, b : 2; } f;
int main(void) { unsigned *p = &f.b; return 0; }
