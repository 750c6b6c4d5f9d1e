/* crtn.c — tcc links crti.o and crtn.o around every program, as a C library with .init and
 * .fini sections would have them. The chain's library runs nothing before main but crt1.o's
 * _start, so both are empty objects. */
