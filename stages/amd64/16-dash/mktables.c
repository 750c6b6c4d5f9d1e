/* mktables.c — writes the four tables dash's two shell-script generators write (mktokens:
 * token.h and token_vars.h; mkbuiltins: builtins.c and builtins.h), byte for byte, so the chain
 * needs no shell (nor awk, sed, sort, tr, nl) to build its first shell. README.md says why this
 * is a program and how a test checks it against the upstream scripts.
 *
 *   mktables tokens MKTOKENS     reads the token list from dash's mktokens script (the lines
 *                                between its "<<\!" and the closing "!")
 *   mktables builtins DEFS       reads builtins.def (builtins.def.in after the C preprocessor)
 *
 * Both write into the current directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 64
#define MAX_FIELDS 16
#define MAX_BUILTINS 128

static void fail(const char *file, const char *what) {
    fprintf(stderr, "mktables: %s: %s\n", file, what);
    exit(1);
}

static FILE *create(const char *name) {
    FILE *file = fopen(name, "w");
    if (file == NULL) fail(name, "cannot create");
    return file;
}

/* Splits text at blanks (spaces and tabs) in place; returns the number of fields. */
static int split(char *text, char **fields) {
    int n = 0;
    for (;;) {
        while (*text == ' ' || *text == '\t') text++;
        if (*text == 0 || n == MAX_FIELDS) return n;
        fields[n++] = text;
        while (*text && *text != ' ' && *text != '\t') text++;
        if (*text) *text++ = 0;
    }
}

static void chomp(char *line) { line[strcspn(line, "\n")] = 0; }

/* ---- mktokens ---- */

static char tokens[MAX_LINES][128];
static int token_count;

static void read_tokens(const char *path) {
    char line[256];
    int inside = 0;
    FILE *file = fopen(path, "r");
    if (file == NULL) fail(path, "cannot open");
    while (fgets(line, sizeof line, file)) {
        chomp(line);
        if (!inside) {
            inside = strstr(line, "<<\\!") != NULL;
        } else if (strcmp(line, "!") == 0) {
            fclose(file);
            return;
        } else {
            if (token_count == MAX_LINES) fail(path, "too many tokens");
            strcpy(tokens[token_count++], line);
        }
    }
    fail(path, "no token list (a here-document from <<\\! to !)");
}

/* The text after the second run of blanks (the token's name in messages), as mktokens' sed
 * takes it. */
static const char *third_field_onwards(const char *line) {
    int run;
    for (run = 0; run < 2; run++) {
        while (*line && *line != ' ' && *line != '\t') line++;
        while (*line == ' ' || *line == '\t') line++;
    }
    return line;
}

static void write_tokens(void) {
    FILE *out = create("token.h");
    char copy[128];
    char *fields[MAX_FIELDS];
    const char *p;
    int i, first_keyword = -1, printed = 0;
    for (i = 0; i < token_count; i++) {
        strcpy(copy, tokens[i]);
        split(copy, fields);
        fprintf(out, "#define %s %d\n", fields[0], i);
    }
    fclose(out);

    out = create("token_vars.h");
    fputs("\n/* Array indicating which tokens mark the end of a list */\n"
          "static const char tokendlist[] = {\n", out);
    for (i = 0; i < token_count; i++) {
        strcpy(copy, tokens[i]);
        split(copy, fields);
        fprintf(out, "\t%s,\n", fields[1]);
    }
    fputs("};\n\nstatic const char *const tokname[] = {\n", out);
    for (i = 0; i < token_count; i++) {
        fputs("\t\"", out);
        for (p = third_field_onwards(tokens[i]); *p; p++) {
            if (*p == '"') fputc('\\', out);
            fputc(*p, out);
        }
        fputs("\",\n", out);
    }
    fputs("};\n\n", out);
    /* The keywords: from TNOT to the end, quotes removed, the last one without a comma. */
    for (i = 0; i < token_count; i++) {
        char *q = copy;
        for (p = tokens[i]; *p; p++)
            if (*p != '"') *q++ = *p;
        *q = 0;
        split(copy, fields);
        if (first_keyword < 0 && strstr(tokens[i], "TNOT") != NULL) {
            first_keyword = i;
            fprintf(out, "#define KWDOFFSET %d\n\nstatic const char *const parsekwd[] = {\n", i);
        }
        if (first_keyword < 0) continue;
        if (printed++) fputs(",\n", out);
        fprintf(out, "\t\"%s\"", fields[2]);
    }
    fputs("\n};\n", out);
    fclose(out);
}

/* ---- mkbuiltins ---- */

struct entry {
    char name[32];
    char option[8]; /* without its '-'; empty for none */
    char function[32];
};

static char functions[MAX_BUILTINS][32];
static int function_count;
static struct entry entries[MAX_BUILTINS];
static int entry_count;

static void read_builtins(const char *path) {
    char line[256];
    char *fields[MAX_FIELDS];
    int n, i;
    FILE *file = fopen(path, "r");
    if (file == NULL) fail(path, "cannot open");
    while (fgets(line, sizeof line, file)) {
        chomp(line);
        if (line[0] == '#') continue;
        n = split(line, fields);
        if (n == 0) continue;
        if (function_count == MAX_BUILTINS) fail(path, "too many builtins");
        strcpy(functions[function_count++], fields[0]);
        for (i = 1; i < n; i++) {
            struct entry *e = &entries[entry_count++];
            e->option[0] = 0;
            if (fields[i][0] == '-') {
                strncpy(e->option, fields[i] + 1, sizeof e->option - 1);
                if (++i == n) fail(path, "an option with no builtin name after it");
            }
            strncpy(e->name, fields[i], sizeof e->name - 1);
            strncpy(e->function, fields[0], sizeof e->function - 1);
        }
    }
    fclose(file);
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

struct define {
    char function[32];
    int index;
};

static struct define defines[MAX_BUILTINS];
static int define_count;

static int by_function(const void *a, const void *b) {
    return strcmp(((const struct define *)a)->function, ((const struct define *)b)->function);
}

static int has(const char *option, const char *letters) { return strpbrk(option, letters) != NULL; }

static const char header[] = "/*\n * This file was generated by the mkbuiltins program.\n */\n\n";

static void write_builtins(void) {
    FILE *out = create("builtins.c");
    int i, j;
    fputs(header, out);
    fputs("#include \"shell.h\"\n#include \"builtins.h\"\n\n", out);
    for (i = 0; i < function_count; i++) fprintf(out, "int %s(int, char **);\n", functions[i]);
    fputs("\nconst struct builtincmd builtincmd[] = {\n", out);
    /* Sorted by name in the C locale (byte order); names are unique. */
    qsort(entries, entry_count, sizeof entries[0], by_name);
    for (i = 0; i < entry_count; i++) {
        const char *o = entries[i].option;
        int mask = (has(o, "s") ? 1 : 0) + (has(o, "su") ? 2 : 0) + (has(o, "a") ? 4 : 0);
        fprintf(out, "\t{ \"%s\", %s, %d },\n", entries[i].name,
                has(o, "n") ? "NULL" : entries[i].function, mask);
    }
    fputs("};\n", out);
    fclose(out);

    /* One #define per function, at the index of its first entry in the sorted table, the
     * functions in byte order of their names. */
    for (i = 0; i < entry_count; i++) {
        for (j = 0; j < define_count; j++)
            if (strcmp(defines[j].function, entries[i].function) == 0) break;
        if (j < define_count) continue;
        strcpy(defines[define_count].function, entries[i].function);
        defines[define_count++].index = i;
    }
    qsort(defines, define_count, sizeof defines[0], by_function);
    out = create("builtins.h");
    fputs(header, out);
    for (i = 0; i < define_count; i++) {
        const char *f = defines[i].function;
        fputs("#define ", out);
        for (j = 0; f[j]; j++) fputc(f[j] >= 'a' && f[j] <= 'z' ? f[j] - 'a' + 'A' : f[j], out);
        fprintf(out, " (builtincmd + %d)\n", defines[i].index);
    }
    fprintf(out, "\n#define NUMBUILTINS %d\n", entry_count);
    fputs("\n#define BUILTIN_SPECIAL 0x1\n#define BUILTIN_REGULAR 0x2\n#define BUILTIN_ASSIGN 0x4\n\n"
          "struct builtincmd {\n\tconst char *name;\n\tint (*builtin)(int, char **);\n\tunsigned flags;\n};\n\n"
          "extern const struct builtincmd builtincmd[];\n", out);
    fclose(out);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "tokens") == 0) {
        read_tokens(argv[2]);
        write_tokens();
    } else if (argc == 3 && strcmp(argv[1], "builtins") == 0) {
        read_builtins(argv[2]);
        write_builtins();
    } else {
        fprintf(stderr, "usage: mktables tokens MKTOKENS | mktables builtins BUILTINS.DEF\n");
        return 2;
    }
    return 0;
}
