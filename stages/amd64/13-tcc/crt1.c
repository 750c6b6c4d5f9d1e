/* crt1.c — tcc links crt1.o first into every program, as with glibc. The chain's C library has
 * its own _start (unistd.c: environ set, main called, exit with its value), in the same object as
 * exit; this reference to exit makes sure that object is linked even into a program that calls
 * nothing of the library itself. */
void exit(int status);
void (*const __libc_crt1_exit)(int) = exit;
