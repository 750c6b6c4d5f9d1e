/* dlfcn.h — dynamic loading, which programs linked by the chain do not have: the C library declares
 * these functions but does not define them (a program that needs them brings its own stand-ins,
 * as TinyCC's static build does). */
#ifndef _DLFCN_H
#define _DLFCN_H
#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_GLOBAL 256
#define RTLD_LOCAL 0
#define RTLD_DEFAULT ((void *)0)
void *dlopen(const char *path, int flags);
void *dlsym(void *handle, const char *name);
int dlclose(void *handle);
char *dlerror(void);
#endif
