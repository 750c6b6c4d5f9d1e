/* getopt.h — histedit.c includes it unconditionally; with SMALL (config.h) it uses nothing from it. */
#ifndef _GETOPT_H
#define _GETOPT_H
#include <unistd.h>
#endif
