/* config.h — dash 0.5.12 configured by hand for the amd64 chain: Linux x86-64, static, TinyCC
 * (stage 13-tcc) and the chain's C library (stage 07-cc's lib/cc/libc.c, built by tcc), with
 * this stage's compat/ headers and functions for what that library lacks. dash's ./configure
 * needs a shell, which is what this stage builds; each line below is the answer configure would
 * find on this target (README.md, "config.h"). Included before every source (-include). */

/* Smallest useful shell: no line editing (libedit is not in the chain), SMALL as upstream's
 * --disable-lineno is not set: LINENO stays. */
#define SMALL 1
#define WITH_LINENO 1
/* Job control: the library has setpgid, tcsetpgrp (ioctl TIOCSPGRP) and killpg. */
#define JOBS 1

/* Headers the chain's library has (with compat/). */
#define STDC_HEADERS 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_STDINT_H 1
#define HAVE_UNISTD_H 1
#define HAVE_PATHS_H 1

/* Functions it has. glob and fnmatch are left out: dash then uses its own pattern matcher
 * (expand.c), which is what upstream does on systems without them. */
#define HAVE_BSEARCH 1
#define HAVE_DECL_ISBLANK 1
#define HAVE_ISALPHA 1
#define HAVE_KILLPG 1
#define HAVE_STPCPY 1
#define HAVE_STRCHRNUL 1
#define HAVE_STRSIGNAL 1
#define HAVE_STRTOD 1
#define HAVE_STRTOIMAX 1
#define HAVE_STRTOUMAX 1
#define HAVE_SYSCONF 1
#define HAVE_GETPWNAM 1
#define HAVE_GETRLIMIT 1
#define HAVE_ST_MTIM 1

/* x86-64: intmax_t is long, 8 bytes, as is long long. */
#define SIZEOF_INTMAX_T 8
#define SIZEOF_LONG_LONG_INT 8
#define PRIdMAX "ld"

/* Large-file names map to the plain ones: on x86-64 off_t is 64 bits already. */
#define dirent64 dirent
#define fstat64 fstat
#define lstat64 lstat
#define open64 open
#define readdir64 readdir
#define stat64 stat
#define glob64 glob
#define glob64_t glob_t
#define globfree64 globfree

#define _PATH_BSHELL "/bin/sh"
#define _PATH_DEVNULL "/dev/null"
#define _PATH_TTY "/dev/tty"

#define PACKAGE "dash"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_NAME "dash"
#define PACKAGE_STRING "dash 0.5.12"
#define PACKAGE_TARNAME "dash"
#define PACKAGE_URL ""
#define PACKAGE_VERSION "0.5.12"
#define VERSION "0.5.12"
