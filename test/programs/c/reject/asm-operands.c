// error: asm-operands.c:3: asm with operands is not supported: ':'
int main(void) {
    asm("nop" : : );
    return 0;
}
