/* flags.h — what BusyBox's Makefile.flags puts on every compiler command line (-D...), read
 * by tcc before each source (-include), ahead of include/autoconf.h as in BusyBox's build. A
 * header rather than -D options: make runs its commands without a shell only if they hold no
 * quote, and BB_VER is a string. */
#define _GNU_SOURCE 1
#define NDEBUG 1
#define _LARGEFILE_SOURCE 1
#define _LARGEFILE64_SOURCE 1
#define _FILE_OFFSET_BITS 64
#define BB_VER "1.35.0"
/* tcc understands __attribute__ (packed, aligned, noreturn, ...) but does not define __GNUC__,
 * and BusyBox's include/platform.h then defines __attribute__(x) to nothing unless it is
 * already a macro: a macro that names itself keeps it, unchanged (BusyBox needs PACKED). */
#define __attribute__ __attribute__
