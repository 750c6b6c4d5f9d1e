/* Included twice by preprocessor.c (as "include/shapes.h" and <shapes.h>): the guard keeps one;
 * extensions99.c includes it through a macro. */
#ifndef SHAPES_H
#define SHAPES_H
#define SHAPE_SIDES(n) ((n) * 2)
#endif
