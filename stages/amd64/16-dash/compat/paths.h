/* paths.h — the standard paths dash names (config.h gives the same ones). */
#ifndef _PATHS_H
#define _PATHS_H
#define _PATH_BSHELL "/bin/sh"
#define _PATH_DEVNULL "/dev/null"
#define _PATH_TTY "/dev/tty"
#define _PATH_STDPATH "/usr/bin:/bin:/usr/sbin:/sbin"
#endif
