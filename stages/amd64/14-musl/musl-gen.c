/* musl-gen.c — writes the three headers musl's Makefile generates, so the chain needs no sed,
 * no shell and no make:
 *   musl-gen alltypes OUT ARCH.in GENERIC.in   as tools/mkalltypes.sed does: each line
 *       "TYPEDEF T NAME;", "STRUCT NAME BODY;" or "UNION NAME BODY;" becomes a definition
 *       guarded by __NEED_x / __DEFINED_x; every other line is copied as it is.
 *   musl-gen syscall OUT IN      IN copied, then each line holding "__NR_" again with every
 *       "__NR_" spelled "SYS_" (the Makefile's cp and sed -n s/__NR_/SYS_/p).
 *   musl-gen version OUT VERSION   #define VERSION "x.y.z" from the first line of VERSION
 *       (tools/version.sh prints that file when there is no git checkout).
 * Exit 0 on success; otherwise one line on stderr naming the file. Lines are at most 4095 bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;
static const char *out_name;

static void fail(const char *what, const char *name)
{
	fprintf(stderr, "musl-gen: %s: %s\n", name, what);
	exit(1);
}

static FILE *open_in(const char *name)
{
	FILE *f = fopen(name, "r");
	if (!f) fail("cannot be read", name);
	return f;
}

static void put(const char *s)
{
	if (fputs(s, out) < 0) fail("cannot be written", out_name);
}

/* One definition DECL of NAME, guarded: NEED is "", "struct_" or "union_". */
static void guarded(const char *need, const char *decl, const char *name)
{
	put("#if defined(__NEED_"); put(need); put(name); put(") && !defined(__DEFINED_");
	put(need); put(name); put(")\n"); put(decl); put("\n#define __DEFINED_");
	put(need); put(name); put("\n#endif\n\n");
}

static int starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void alltypes_line(char *line, const char *file)
{
	char decl[4200], name[4096];
	size_t n = strlen(line);
	if (n && line[n - 1] == '\n') line[--n] = 0;
	if (starts(line, "TYPEDEF ") && n && line[n - 1] == ';') {
		/* "TYPEDEF T NAME;": NAME is the text after the last space. */
		char *sp = strrchr(line, ' ');
		line[n - 1] = 0;
		strcpy(name, sp + 1);
		*sp = 0;
		snprintf(decl, sizeof decl, "typedef %s %s;", line + 8, name);
		guarded("", decl, name);
	} else if ((starts(line, "STRUCT ") || starts(line, "UNION ")) && n && line[n - 1] == ';') {
		/* "STRUCT NAME BODY;": NAME is the first word after the keyword (spaces skipped). */
		int is_struct = line[0] == 'S';
		char *p = line + (is_struct ? 6 : 5), *e;
		while (*p == ' ') p++;
		e = strchr(p, ' ');
		if (!e) fail("STRUCT or UNION line without a body", file);
		*e = 0;
		strcpy(name, p);
		snprintf(decl, sizeof decl, "%s %s %s", is_struct ? "struct" : "union", name, e + 1);
		guarded(is_struct ? "struct_" : "union_", decl, name);
	} else {
		put(line); put("\n");
	}
}

static void copy_nr(FILE *in, int rename)
{
	char line[4096];
	while (fgets(line, sizeof line, in)) {
		char *p;
		if (!rename) { put(line); continue; }
		if (!strstr(line, "__NR_")) continue;
		for (p = line; *p; ) {
			if (starts(p, "__NR_")) { put("SYS_"); p += 5; }
			else { fputc(*p, out); p++; }
		}
	}
}

int main(int argc, char **argv)
{
	char line[4096];
	int i;
	FILE *in;
	if (argc < 4) {
		fprintf(stderr, "usage: musl-gen alltypes|syscall|version OUT IN...\n");
		return 2;
	}
	out_name = argv[2];
	out = fopen(out_name, "w");
	if (!out) fail("cannot be created", out_name);
	if (!strcmp(argv[1], "alltypes")) {
		for (i = 3; i < argc; i++) {
			in = open_in(argv[i]);
			while (fgets(line, sizeof line, in)) alltypes_line(line, argv[i]);
			fclose(in);
		}
	} else if (!strcmp(argv[1], "syscall")) {
		in = open_in(argv[3]); copy_nr(in, 0); fclose(in);
		in = open_in(argv[3]); copy_nr(in, 1); fclose(in);
	} else if (!strcmp(argv[1], "version")) {
		char *nl;
		in = open_in(argv[3]);
		if (!fgets(line, sizeof line, in)) fail("is empty", argv[3]);
		fclose(in);
		nl = strchr(line, '\n');
		if (nl) *nl = 0;
		put("#define VERSION \""); put(line); put("\"\n");
	} else {
		fprintf(stderr, "musl-gen: unknown mode %s\n", argv[1]);
		return 2;
	}
	if (fclose(out) != 0) fail("cannot be written", out_name);
	return 0;
}
