/* config.h — TinyCC's build configuration (what its configure script writes), for the chain.
 * tcc.h includes it first. The paths are where the toolchain template puts things: tcc's own
 * headers and libtcc1.a in /usr/lib/tcc, the C library's headers in /usr/include, its crt1.o,
 * crti.o, crtn.o and libc.a in /usr/lib. In the stage every path is given on the command line. */
#define TCC_VERSION "0.9.27"
#define ONE_SOURCE 1
#define TCC_TARGET_X86_64 1
/* tcc is a static program: no dlopen (there is no dynamic loader in the chain). */
#define CONFIG_TCC_STATIC 1
#define CONFIG_TCCDIR "/usr/lib/tcc"
#define CONFIG_TCC_SYSINCLUDEPATHS "{B}/include:/usr/include"
#define CONFIG_TCC_LIBPATHS "/usr/lib"
#define CONFIG_TCC_CRTPREFIX "/usr/lib"
