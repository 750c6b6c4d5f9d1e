// error: pragma-pack.c:2: #pragma pack needs a power of two: '3'
#pragma pack(3)
struct s { char c; int i; };
int main(void) { return 0; }
