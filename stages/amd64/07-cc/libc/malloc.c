/* malloc.c — memory from the kernel's brk, in blocks with their 8-byte size before them. What it
 * leaves out: freed blocks wait on one list and the first that fits is reused whole (neither split
 * nor merged), and memory is never given back. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

/* The heap: from the program's initial break up to heap_end (the break now); heap_next is the
 * first byte no block has. free_list chains freed blocks through their first word of data
 * (block[1]), so the list needs no memory of its own. */
static char *heap_next;
static char *heap_end;
static long *free_list;

/* more_memory: n bytes from the top of the heap, moving the break 1 MiB beyond what is needed, so
 * that most calls make no system call. brk (12) with 0 returns the current break; asked for a new
 * one it returns it, or the old one when the kernel refuses, hence the comparison. */
static void *more_memory(size_t n) {
    char *p;
    long want;
    if (heap_next == 0) {
        heap_next = (char *)__syscall(12, 0);
        heap_end = heap_next;
    }
    if (heap_next + n > heap_end) {
        want = (long)heap_next + n + 1048576;
        if (__syscall(12, want) != want) return NULL;
        heap_end = (char *)want;
    }
    p = heap_next;
    heap_next = heap_next + n;
    return p;
}

/* malloc: 16-byte aligned blocks (the size word sits at 8 modulo 16), the largest alignment
 * of any x86-64 type (long double), which C asks of malloc. Sizes are rounded up to 16, and
 * limited to 2^46 bytes so that no sum below can overflow: more than brk can give anyway. A freed
 * block of at least the size is taken first; only then does the heap grow. */
void *malloc(size_t size) {
    long *block;
    long *previous = NULL;
    if (size > ((size_t)1 << 46)) {
        errno = ENOMEM;
        return NULL;
    }
    size = (size + 15) & ~15;
    for (block = free_list; block; block = (long *)block[1]) {
        if (block[0] >= (long)size) {
            if (previous) previous[1] = block[1];
            else free_list = (long *)block[1];
            return block + 1;
        }
        previous = block;
    }
    if (heap_next == 0 || ((long)heap_next & 15) != 8) {
        /* The first block: align so that block + 1 is a multiple of 16. */
        if (more_memory(0) == NULL) return NULL;
        if ((((long)heap_next) & 15) != 8 && more_memory((24 - ((long)heap_next & 15)) & 15) == NULL) return NULL;
    }
    block = more_memory(size + 8);
    if (block == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    block[0] = size;
    return block + 1;
}

/* free: the block goes on the free list (NULL is ignored). Nothing checks p: freeing a pointer
 * malloc did not return, or freeing one twice, corrupts the list. */
void free(void *p) {
    long *block;
    if (p == NULL) return;
    block = (long *)p - 1;
    block[1] = (long)free_list;
    free_list = block;
}

/* calloc: zeroed memory; NULL when count·size overflows. The bytes are cleared even when they
 * are fresh from brk (zero already), because a reused block holds old data. */
void *calloc(size_t count, size_t size) {
    void *p;
    if (size && count > ((size_t)1 << 46) / size) {
        errno = ENOMEM;
        return NULL;
    }
    p = malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

/* realloc: the same block while the new size fits in it, else a new one with the bytes copied
 * (the old block is freed only when the new one was obtained, as C requires). A smaller size
 * keeps the whole block: the size word stays its capacity. realloc(p, 0) returns p. */
void *realloc(void *p, size_t size) {
    void *q;
    long old;
    if (p == NULL) return malloc(size);
    old = ((long *)p)[-1];
    if ((long)size <= old) return p;
    q = malloc(size);
    if (q) {
        memcpy(q, p, old);
        free(p);
    }
    return q;
}
