/* semaphore.h — counting semaphores for one thread of one process (cc's programs have no threads):
 * sem_wait on a semaphore at 0 fails with EDEADLK instead of waiting forever. */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H
typedef struct {
    int value;
} sem_t;
int sem_init(sem_t *s, int shared, unsigned int value);
int sem_destroy(sem_t *s);
int sem_wait(sem_t *s);
int sem_post(sem_t *s);
#endif
