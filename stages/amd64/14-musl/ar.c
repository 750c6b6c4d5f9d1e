/* ar.c — writes a static archive whose symbol index names every global and every weak symbol
 * its members define: ar OUT OBJECT...
 *
 * tcc -ar indexes global symbols only, and tcc's linker takes a member out of an archive only
 * for a symbol of the index. musl gives most of its public names as weak aliases (munmap of
 * __munmap, malloc, ...), so with tcc's index a program calling them would not link. The
 * archive is the System V / GNU one that tcc reads: "!<arch>\n", the index member "/" (a
 * big-endian count, the members' offsets, the names), then each member behind its 60-byte
 * header, at an even offset. Member names are the objects' file names, cut to 15 bytes (tcc
 * does not read them); dates, owners and modes are fixed, so the archive depends on the
 * objects' bytes alone. Exit 0 on success, else one line on stderr naming the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct member {
	const char *path;
	unsigned char *data;
	long size;
	long offset; /* of its header in the archive */
};

static void fail(const char *name, const char *what)
{
	fprintf(stderr, "ar: %s: %s\n", name, what);
	exit(1);
}

static unsigned long get(const unsigned char *p, int n)
{
	unsigned long v = 0;
	while (n--) v = v << 8 | p[n];
	return v;
}

static unsigned char *slurp(const char *path, long *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data;
	if (!f) fail(path, "cannot be read");
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc(*size + 1);
	if (!data || fread(data, 1, *size, f) != (size_t)*size) fail(path, "cannot be read");
	fclose(f);
	return data;
}

static char *names;
static long names_len, names_cap;
static long *owners; /* for each name, its member's index */
static long count, owners_cap;

static void add_name(const char *s, long member)
{
	long n = strlen(s) + 1;
	if (names_len + n > names_cap) {
		names_cap = (names_len + n) * 2;
		names = realloc(names, names_cap);
	}
	if (count == owners_cap) {
		owners_cap = owners_cap ? owners_cap * 2 : 1024;
		owners = realloc(owners, owners_cap * sizeof *owners);
	}
	if (!names || !owners) fail("ar", "out of memory");
	memcpy(names + names_len, s, n);
	names_len += n;
	owners[count++] = member;
}

/* The defined global and weak symbols of one ELF64 little-endian relocatable object. */
static void index_object(struct member *m, long member)
{
	const unsigned char *d = m->data, *sh, *sym, *str;
	unsigned long shoff, shnum, shentsize, i, j;
	if (m->size < 64 || memcmp(d, "\177ELF\2\1", 6) != 0) fail(m->path, "not an ELF64 little-endian object");
	shoff = get(d + 40, 8);
	shentsize = get(d + 58, 2);
	shnum = get(d + 60, 2);
	if (shoff + shnum * shentsize > (unsigned long)m->size) fail(m->path, "section headers beyond its end");
	for (i = 0; i < shnum; i++) {
		unsigned long off, size, link, entsize;
		sh = d + shoff + i * shentsize;
		if (get(sh + 4, 4) != 2) continue; /* SHT_SYMTAB */
		off = get(sh + 24, 8);
		size = get(sh + 32, 8);
		link = get(sh + 40, 4);
		entsize = get(sh + 56, 8);
		if (link >= shnum || entsize < 24 || off + size > (unsigned long)m->size) fail(m->path, "bad symbol table");
		str = d + get(d + shoff + link * shentsize + 24, 8);
		for (j = 1; j < size / entsize; j++) {
			unsigned bind, shndx;
			sym = d + off + j * entsize;
			bind = sym[4] >> 4;
			shndx = get(sym + 6, 2);
			if (shndx == 0 || (bind != 1 && bind != 2)) continue; /* undefined, or local */
			add_name((const char *)str + get(sym, 4), member);
		}
	}
}

static void header(FILE *f, const char *name, long size)
{
	char h[61];
	snprintf(h, sizeof h, "%-16s%-12s%-6s%-6s%-8s%-10ld`\n", name, "0", "0", "0", "644", size);
	fwrite(h, 1, 60, f);
}

static void put_be32(FILE *f, unsigned long v)
{
	fputc(v >> 24 & 255, f); fputc(v >> 16 & 255, f); fputc(v >> 8 & 255, f); fputc(v & 255, f);
}

int main(int argc, char **argv)
{
	struct member *m;
	long n = argc - 2, i, offset, index_size;
	FILE *out;
	if (argc < 3) {
		fprintf(stderr, "usage: ar OUT OBJECT...\n");
		return 2;
	}
	m = calloc(n, sizeof *m);
	if (!m) fail("ar", "out of memory");
	for (i = 0; i < n; i++) {
		m[i].path = argv[i + 2];
		m[i].data = slurp(m[i].path, &m[i].size);
		index_object(&m[i], i);
	}
	index_size = 4 + 4 * count + names_len;
	offset = 8 + 60 + index_size + (index_size & 1);
	for (i = 0; i < n; i++) {
		m[i].offset = offset;
		offset += 60 + m[i].size + (m[i].size & 1);
	}
	out = fopen(argv[1], "wb");
	if (!out) fail(argv[1], "cannot be created");
	fputs("!<arch>\n", out);
	header(out, "/", index_size);
	put_be32(out, count);
	for (i = 0; i < count; i++) put_be32(out, m[owners[i]].offset);
	fwrite(names, 1, names_len, out);
	if (index_size & 1) fputc('\n', out);
	for (i = 0; i < n; i++) {
		char name[17];
		const char *base = strrchr(m[i].path, '/');
		base = base ? base + 1 : m[i].path;
		snprintf(name, sizeof name, "%.15s/", base);
		header(out, name, m[i].size);
		fwrite(m[i].data, 1, m[i].size, out);
		if (m[i].size & 1) fputc('\n', out);
	}
	if (fclose(out) != 0) fail(argv[1], "cannot be written");
	return 0;
}
