/* assert.h — assert(condition): when it is false, names the file, line and condition on stderr
 * and aborts; nothing when NDEBUG is defined. (No include guard: C asks that NDEBUG be read again.) */
#undef assert
#ifdef NDEBUG
#define assert(condition) ((void)0)
#else
void __assert_fail(const char *condition, const char *file, int line, const char *function);
#define assert(condition) ((condition) ? (void)0 : __assert_fail(#condition, __FILE__, __LINE__, __func__))
#endif
