/* syscall_arch.h — how musl's C code enters the Linux kernel on x86-64, for TinyCC.
 *
 * Stands in front of musl's arch/x86_64/syscall_arch.h (build.kaem puts this directory first
 * on the include path). musl's own file binds the fourth to sixth arguments to r10, r8 and r9
 * through register variables (register long r10 __asm__("r10")), which TinyCC does not honour:
 * it runs out of registers ("asm constraint could not be satisfied") or would pass the value
 * in whichever register it picked. Here those arguments travel through a small array in
 * memory and the asm statement loads them into the registers the kernel reads. Everything
 * else (the calling convention, the VDSO names, IPC_64) is what the kernel's x86-64 ABI says.
 */
#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

static __inline long __syscall0(long n)
{
	unsigned long r;
	__asm__ __volatile__ ("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
	return r;
}

static __inline long __syscall1(long n, long a1)
{
	unsigned long r;
	__asm__ __volatile__ ("syscall" : "=a"(r) : "a"(n), "D"(a1) : "rcx", "r11", "memory");
	return r;
}

static __inline long __syscall2(long n, long a1, long a2)
{
	unsigned long r;
	__asm__ __volatile__ ("syscall" : "=a"(r) : "a"(n), "D"(a1), "S"(a2)
			      : "rcx", "r11", "memory");
	return r;
}

static __inline long __syscall3(long n, long a1, long a2, long a3)
{
	unsigned long r;
	__asm__ __volatile__ ("syscall" : "=a"(r) : "a"(n), "D"(a1), "S"(a2), "d"(a3)
			      : "rcx", "r11", "memory");
	return r;
}

/* Arguments 4 to 6 are read from v[] (its address in rcx, which syscall overwrites anyway). */
static __inline long __syscall_mem(long n, long a1, long a2, long a3, long *v)
{
	unsigned long r;
	__asm__ __volatile__ ("movq (%%rcx), %%r10\n\t"
			      "movq 8(%%rcx), %%r8\n\t"
			      "movq 16(%%rcx), %%r9\n\t"
			      "syscall"
			      : "=a"(r), "+c"(v) : "a"(n), "D"(a1), "S"(a2), "d"(a3)
			      : "r8", "r9", "r10", "r11", "memory");
	return r;
}

static __inline long __syscall4(long n, long a1, long a2, long a3, long a4)
{
	long v[3];
	v[0] = a4; v[1] = 0; v[2] = 0;
	return __syscall_mem(n, a1, a2, a3, v);
}

static __inline long __syscall5(long n, long a1, long a2, long a3, long a4, long a5)
{
	long v[3];
	v[0] = a4; v[1] = a5; v[2] = 0;
	return __syscall_mem(n, a1, a2, a3, v);
}

static __inline long __syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long v[3];
	v[0] = a4; v[1] = a5; v[2] = a6;
	return __syscall_mem(n, a1, a2, a3, v);
}

#define VDSO_USEFUL
#define VDSO_CGT_SYM "__vdso_clock_gettime"
#define VDSO_CGT_VER "LINUX_2.6"
#define VDSO_GETCPU_SYM "__vdso_getcpu"
#define VDSO_GETCPU_VER "LINUX_2.6"

#define IPC_64 0
