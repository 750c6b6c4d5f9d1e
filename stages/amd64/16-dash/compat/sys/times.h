/* sys/times.h — the CPU times of a process and its children (dash's times). */
#ifndef _SYS_TIMES_H
#define _SYS_TIMES_H
#include <time.h>

struct tms {
    clock_t tms_utime;
    clock_t tms_stime;
    clock_t tms_cutime;
    clock_t tms_cstime;
};
clock_t times(struct tms *buffer);
#endif
