/* config.h — GNU make 4.3's build configuration for the chain: Linux x86-64, musl 1.2.3 (stage
 * 14-musl), compiled by tcc. It stands for what make's configure script writes into
 * src/config.h from src/config.h.in; the chain has no shell to run configure. Each answer is
 * what configure finds on such a system, checked against musl's headers; README.md says which
 * choices are the chain's own (no jobserver, no guile, no load, fork rather than posix_spawn). */

/* Who and what. */
#define PACKAGE "make"
#define PACKAGE_BUGREPORT "bug-make@gnu.org"
#define PACKAGE_NAME "GNU make"
#define PACKAGE_STRING "GNU make 4.3"
#define PACKAGE_TARNAME "make"
#define PACKAGE_URL "http://www.gnu.org/software/make/"
#define PACKAGE_VERSION "4.3"
#define VERSION "4.3"
/* make --version prints it; $(MAKE_HOST) holds it. */
#define MAKE_HOST "x86_64-pc-linux-musl"

/* The C library's extensions, as configure's AC_USE_SYSTEM_EXTENSIONS asks for them. */
#define _GNU_SOURCE 1
#define _ALL_SOURCE 1
#define _POSIX_PTHREAD_SEMANTICS 1
#define _TANDEM_SOURCE 1
#define __EXTENSIONS__ 1

/* Headers musl has. */
#define STDC_HEADERS 1
#define HAVE_ALLOCA_H 1
#define HAVE_DIRENT_H 1
#define HAVE_FCNTL_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_LIMITS_H 1
#define HAVE_LOCALE_H 1
#define HAVE_MEMORY_H 1
#define HAVE_STDINT_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRINGS_H 1
#define HAVE_STRING_H 1
#define HAVE_SYS_FILE_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_SYS_RESOURCE_H 1
#define HAVE_SYS_SELECT_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIMEB_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_WAIT_H 1
#define HAVE_UNISTD_H 1
#define HAVE_WCHAR_H 1
/* HAVE_WCTYPE_H is not one of config.h.in's: left out, lib/fnmatch.c matches character
 * classes by name, not by glibc's internal __iswctype. */
#define TIME_WITH_SYS_TIME 1

/* Functions musl has. alloca is tcc's own (libtcc1.a). */
#define HAVE_ALLOCA 1
#define HAVE_ATEXIT 1
#define HAVE_CLOCK_GETTIME 1
#define HAVE_DUP 1
#define HAVE_DUP2 1
#define HAVE_FDOPEN 1
#define HAVE_FILENO 1
#define HAVE_GETCWD 1
#define HAVE_GETGROUPS 1
#define HAVE_GETHOSTNAME 1
#define HAVE_GETLOADAVG 1
#define HAVE_GETRLIMIT 1
#define HAVE_GETTIMEOFDAY 1
#define HAVE_ISATTY 1
#define HAVE_LSTAT 1
#define HAVE_MEMPCPY 1
#define HAVE_MEMRCHR 1
#define HAVE_MKSTEMP 1
#define HAVE_MKTEMP 1
#define HAVE_PIPE 1
#define HAVE_PSELECT 1
#define HAVE_READLINK 1
#define HAVE_REALPATH 1
#define HAVE_SETEGID 1
#define HAVE_SETEUID 1
#define HAVE_SETLINEBUF 1
#define HAVE_SETREGID 1
#define HAVE_SETREUID 1
#define HAVE_SETRLIMIT 1
#define HAVE_SETVBUF 1
#define HAVE_SIGACTION 1
#define HAVE_STRCASECMP 1
#define HAVE_STRCOLL 1
#define HAVE_STRDUP 1
#define HAVE_STRNCASECMP 1
#define HAVE_STRNDUP 1
#define HAVE_STRSIGNAL 1
#define HAVE_STPCPY 1
#define HAVE_TTYNAME 1
#define HAVE_UMASK 1
#define HAVE_WAIT3 1
#define HAVE_WAITPID 1
#define HAVE_WORKING_FORK 1
#define HAVE_FORK 1
/* musl's vfork works, but make's child code is written for either: fork is the plain one. */
#define vfork fork
#define HAVE_SA_RESTART 1
#define HAVE_STRUCT_DIRENT_D_TYPE 1
/* musl declares bsd_signal (signal.h, with _GNU_SOURCE) and program_invocation_name. */
#define HAVE_DECL_BSD_SIGNAL 1
#define HAVE_DECL_PROGRAM_INVOCATION_NAME 1
#define HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME 1
#define HAVE_DECL_SYS_SIGLIST 0
#define HAVE_DECL__SYS_SIGLIST 0
#define HAVE_DECL___SYS_SIGLIST 0
#define HAVE_DECL_DLERROR 0
#define HAVE_DECL_DLOPEN 0
#define HAVE_DECL_DLSYM 0

/* What configure says of the system's behaviour. */
#define RETSIGTYPE void
#define CLOSEDIR_VOID 0
#define PATH_SEPARATOR_CHAR ':'
#define SCCS_GET "get"
#define FILE_TIMESTAMP_HI_RES 1
#define HAVE_STRUCT_STAT_ST_MTIM_TV_NSEC 1
#define ST_MTIM_NSEC st_mtim.tv_nsec
/* -L follows symbolic links' times (lstat and readlink are there). */
#define MAKE_SYMLINKS 1
/* Left undefined, as the chain's choice: MAKE_JOBSERVER (-j works in one make; recursive makes
 * do not share job slots), MAKE_LOAD (no dynamic loader), HAVE_GUILE, USE_POSIX_SPAWN (make's
 * fork and exec path, the older and plainer one). make's own glob and fnmatch (lib/) are built:
 * make's dir.c hands glob its directory functions (GLOB_ALTDIRFUNC), which musl's glob does not
 * take. */

/* What gnulib's part of configure adds for the lib/ files (dirname.h, xalloc.h): attributes a
 * compiler may ignore, and inline functions as static inline ones, which tcc compiles. */
#define _GL_ATTRIBUTE_PURE
#define _GL_ATTRIBUTE_CONST
#define _GL_ATTRIBUTE_MALLOC
#define _GL_ATTRIBUTE_ALLOC_SIZE(args)
#define _GL_ATTRIBUTE_FORMAT_PRINTF(a, b)
#define _GL_ARG_NONNULL(params)
#define _GL_UNUSED
#define _GL_INLINE static inline
#define _GL_EXTERN_INLINE static inline
#define _GL_INLINE_HEADER_BEGIN
#define _GL_INLINE_HEADER_END

/* Paths make's Makefile passes with -D (kaem has no quoting, so they are here): where the
 * buildenv template puts headers and libraries; make searches INCLUDEDIR for `include`. */
#define LIBDIR "/usr/lib"
#define INCLUDEDIR "/usr/include"
#define LOCALEDIR "/usr/share/locale"
