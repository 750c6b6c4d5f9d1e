/* check.c — built by the chain's tcc against the chain's musl (test/stages/musl.test.ts): one
 * line per library area, each compared with the written expectation in the test. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static jmp_buf back;

static void jump(int n)
{
	longjmp(back, n + 1);
}

static int by_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int values[] = { 42, -7, 19, 0, 1000, 3 };
	struct tm tm, *g;
	time_t t;
	char *p, buf[64], line[64];
	FILE *f;
	int i, status;
	volatile int jumps = 0;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "child")) {
		printf("child %s\n", argv[2]);
		return 7;
	}
	printf("hello, %s\n", "musl");
	printf("%.17g %.3f %e %g %a\n", 0.1, 2.0 / 3.0, 6.02214076e23, 1e-5, 1.0);
	printf("%.17g %.17g %d\n", strtod("3.14159265358979323846", 0), strtod("1e308", 0) * 10, (int)strtol("-0x1f", 0, 16));
	printf("%5d|%-5s|%05.1f|%x|%lld\n", 42, "ab", 3.14159, 255u, 9000000000LL);
	p = malloc(100000);
	for (i = 0; i < 100000; i++) p[i] = (char)i;
	p = realloc(p, 200000);
	printf("malloc %d %d\n", p[99999], p[12345]);
	free(p);
	qsort(values, 6, sizeof values[0], by_value);
	for (i = 0; i < 6; i++) printf("%d%c", values[i], i == 5 ? '\n' : ' ');
	if (setjmp(back) < 3) { jumps++; jump(jumps); }
	printf("setjmp %d\n", jumps);
	t = 1000000000;
	g = gmtime(&t);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a", g);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900; tm.tm_mon = 11; tm.tm_mday = 3;
	printf("time %s %lld\n", buf, (long long)timegm(&tm));
	f = fopen("check-file.txt", "w");
	fprintf(f, "line one\nline %d\n", 2);
	fclose(f);
	f = fopen("check-file.txt", "r");
	while (fgets(line, sizeof line, f)) printf("file %s", line);
	fclose(f);
	remove("check-file.txt");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(argv[0], argv[0], "child", "exec", (char *)0);
		_exit(99);
	}
	waitpid(pid, &status, 0);
	printf("fork %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
}
