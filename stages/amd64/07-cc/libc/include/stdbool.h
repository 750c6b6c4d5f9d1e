/* stdbool.h — bool is an int in cc (no _Bool: a value is not reduced to 0 or 1 when stored). */
#ifndef _STDBOOL_H
#define _STDBOOL_H
#define bool int
#define true 1
#define false 0
#endif
