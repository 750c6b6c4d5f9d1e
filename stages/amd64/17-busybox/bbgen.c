/* bbgen.c — the generated files of BusyBox's build, written without a shell, sed or kconfig.
 * BusyBox makes them with scripts/gen_build_files.sh (sed over the sources' "//applet:",
 * "//usage:", "//kbuild:" and "//config:" lines), kconfig (include/autoconf.h from .config) and
 * applets/usage_compressed (a shell script around od and sed). README.md explains each file.
 *
 *   bbgen tree SRCDIR CONFIG    in SRCDIR: include/autoconf.h (every option the sources
 *                               declare: on with its value if CONFIG names it, else off),
 *                               include/applets.h, include/usage.h, each directory's Kbuild,
 *                               include/common_bufsiz.h, include/embedded_scripts.h
 *   bbgen capture OUT PROGRAM [ARGUMENT...]
 *                               runs PROGRAM, its standard output into OUT
 *   bbgen usage IN OUT          IN, the usage text (BusyBox's applets/usage writes it), as
 *                               OUT: include/usage_compressed.h, the uncompressed form
 *
 * Errors are one line naming the file; the exit status is then 1. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(const char *file, const char *what) {
    fprintf(stderr, "bbgen: %s: %s\n", file, what);
    exit(1);
}

static void *grow(void *block, size_t size) {
    block = realloc(block, size);
    if (block == NULL) fail("memory", "out of memory");
    return block;
}

static char *copy(const char *text) {
    char *result = grow(NULL, strlen(text) + 1);
    strcpy(result, text);
    return result;
}

static char *join(const char *a, const char *b) {
    char *result = grow(NULL, strlen(a) + strlen(b) + 2);
    sprintf(result, "%s/%s", a, b);
    return result;
}

/* ---- lists of strings ---- */

struct list {
    char **items;
    int count, room;
};

static void push(struct list *list, char *item) {
    if (list->count == list->room) {
        list->room = list->room ? list->room * 2 : 64;
        list->items = grow(list->items, list->room * sizeof *list->items);
    }
    list->items[list->count++] = item;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The entries of DIR (no dot files), sorted as the shell's glob sorts them in the C locale;
 * directories only if want_dirs, else regular files ending in suffix. */
static struct list entries(const char *dir, int want_dirs, const char *suffix) {
    struct list list = {0};
    struct dirent *entry;
    DIR *handle = opendir(dir);
    if (handle == NULL) fail(dir, "cannot read this directory");
    while ((entry = readdir(handle)) != NULL) {
        struct stat info;
        char *path;
        size_t length = strlen(entry->d_name);
        if (entry->d_name[0] == '.') continue;
        path = join(dir, entry->d_name);
        if (stat(path, &info) != 0) fail(path, "cannot stat");
        if (want_dirs ? S_ISDIR(info.st_mode)
                      : S_ISREG(info.st_mode) && length > strlen(suffix) &&
                            strcmp(entry->d_name + length - strlen(suffix), suffix) == 0)
            push(&list, path);
        else
            free(path);
    }
    closedir(handle);
    qsort(list.items, list.count, sizeof *list.items, by_name);
    return list;
}

/* ---- reading files line by line ---- */

static char *line_buffer;
static size_t line_room;

/* One line without its newline, or NULL at the end. */
static char *next_line(FILE *file) {
    size_t length = 0;
    int c;
    if (line_room == 0) line_buffer = grow(NULL, line_room = 256);
    while ((c = getc(file)) != EOF && c != '\n') {
        if (length + 1 >= line_room) line_buffer = grow(line_buffer, line_room *= 2);
        line_buffer[length++] = (char)c;
    }
    if (c == EOF && length == 0) return NULL;
    line_buffer[length] = 0;
    return line_buffer;
}

static FILE *open_in(const char *path) {
    FILE *file = fopen(path, "r");
    if (file == NULL) fail(path, "cannot open");
    return file;
}

static FILE *open_out(const char *path) {
    FILE *file = fopen(path, "w");
    if (file == NULL) fail(path, "cannot create");
    return file;
}

static void close_out(FILE *file, const char *path) {
    if (ferror(file) || fclose(file) != 0) fail(path, "cannot write");
}

/* The text after PREFIX at the start of every line of the files, in order, each line as
 * EMIT writes it (gen_build_files.sh's "sed -n s@^PREFIX@@p FILES"). */
static void collect(struct list *files, const char *prefix, FILE *out,
                    void (*emit)(FILE *, const char *)) {
    int i;
    size_t length = strlen(prefix);
    for (i = 0; i < files->count; i++) {
        FILE *in = open_in(files->items[i]);
        char *line;
        while ((line = next_line(in)) != NULL)
            if (strncmp(line, prefix, length) == 0) emit(out, line + length);
        fclose(in);
    }
}

static void emit_plain(FILE *out, const char *text) { fprintf(out, "%s\n", text); }

/* usage.h: a continuation backslash after each line, and an empty line before each line
 * that does not start with a blank; an empty line is left out. */
static void emit_usage(FILE *out, const char *text) {
    if (text[0] == 0) return; /* the sed expressions match one character at least */
    if (text[0] == ' ' || text[0] == '\t')
        fprintf(out, "%s \\\n", text);
    else
        fprintf(out, "\n%s \\\n", text);
}

/* gen_build_files.sh's generate(): HEADER, then TEMPLATE with the collected lines in place
 * of its line "INSERT" (after it, if it has none). */
static void generate(const char *template, const char *target, const char *header,
                     struct list *files, const char *prefix, void (*emit)(FILE *, const char *)) {
    FILE *in = open_in(template), *out = open_out(target);
    char *line;
    int inserted = 0;
    fprintf(out, "%s\n", header);
    while ((line = next_line(in)) != NULL) {
        if (!inserted && strcmp(line, "INSERT") == 0) {
            collect(files, prefix, out, emit);
            inserted = 1;
        } else {
            fprintf(out, "%s\n", line);
        }
    }
    if (!inserted) collect(files, prefix, out, emit);
    fclose(in);
    close_out(out, target);
}

/* ---- the configuration ---- */

struct option {
    char *name, *value; /* value: NULL if off; "y" for a bool that is on */
    int declared;
};

static struct option *options;
static int option_count, option_room;

static struct option *find_option(const char *name) {
    int i;
    for (i = 0; i < option_count; i++)
        if (strcmp(options[i].name, name) == 0) return &options[i];
    return NULL;
}

static struct option *add_option(const char *name) {
    struct option *option = find_option(name);
    if (option != NULL) return option;
    if (option_count == option_room) {
        option_room = option_room ? option_room * 2 : 512;
        options = grow(options, option_room * sizeof *options);
    }
    option = &options[option_count++];
    option->name = copy(name);
    option->value = NULL;
    option->declared = 0;
    return option;
}

/* CONFIG: "CONFIG_NAME=value" lines; "#" starts a comment line. */
static void read_config(const char *path) {
    FILE *in = open_in(path);
    char *line;
    while ((line = next_line(in)) != NULL) {
        char *equals;
        struct option *option;
        if (line[0] == '#' || line[0] == 0) continue;
        equals = strchr(line, '=');
        if (strncmp(line, "CONFIG_", 7) != 0 || equals == NULL)
            fail(path, "a line that is not CONFIG_NAME=value or a comment");
        *equals = 0;
        option = add_option(line + 7);
        if (option->value != NULL) fail(path, "an option named twice");
        option->value = copy(equals + 1);
    }
    fclose(in);
}

/* A "config NAME" or "menuconfig NAME" line of Kconfig declares an option. */
static void declare_from(const char *text) {
    char name[128];
    size_t length;
    while (*text == ' ' || *text == '\t') text++;
    if (strncmp(text, "menuconfig", 10) == 0)
        text += 10;
    else if (strncmp(text, "config", 6) == 0)
        text += 6;
    else
        return;
    if (*text != ' ' && *text != '\t') return;
    while (*text == ' ' || *text == '\t') text++;
    length = strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    if (length == 0 || length >= sizeof name) return;
    memcpy(name, text, length);
    name[length] = 0;
    add_option(name)->declared = 1;
}

static void declare_file(const char *path, const char *prefix) {
    FILE *in = open_in(path);
    char *line;
    size_t length = strlen(prefix);
    while ((line = next_line(in)) != NULL)
        if (strncmp(line, prefix, length) == 0) declare_from(line + length);
    fclose(in);
}

/* kconfig's include/autoconf.h for each option: CONFIG_X, ENABLE_X, IF_X(...), IF_NOT_X(...). */
static void write_autoconf(const char *path) {
    FILE *out = open_out(path);
    int i;
    fprintf(out, "/*\n * Automatically generated C config: don't edit\n * Busybox version: 1.35.0\n */\n");
    fprintf(out, "#define AUTOCONF_TIMESTAMP \"kindling\"\n\n");
    for (i = 0; i < option_count; i++) {
        const char *name = options[i].name, *value = options[i].value;
        if (!options[i].declared) fail(path, "the configuration names an option no source declares");
        if (value == NULL || strcmp(value, "n") == 0) {
            fprintf(out, "#undef CONFIG_%s\n#define ENABLE_%s 0\n#define IF_%s(...)\n#define IF_NOT_%s(...) __VA_ARGS__\n",
                    name, name, name, name);
            continue;
        }
        fprintf(out, "#define CONFIG_%s %s\n#define ENABLE_%s 1\n", name, strcmp(value, "y") == 0 ? "1" : value, name);
        fprintf(out, "#ifdef MAKE_SUID\n# define IF_%s(...) __VA_ARGS__ \"CONFIG_%s\"\n#else\n# define IF_%s(...) __VA_ARGS__\n#endif\n",
                name, name, name);
        fprintf(out, "#define IF_NOT_%s(...)\n", name);
    }
    close_out(out, path);
}

/* ---- bbgen tree ---- */

static void tree(const char *src, const char *config) {
    struct list top = entries(src, 1, ""), shallow = {0}, deep = {0}, both = {0}, config_srcs = {0};
    int i, j;
    char *path;
    FILE *out;

    /* The sources gen_build_files.sh reads: SRCDIR/DIR/NAME.c, then SRCDIR/DIR/DIR/NAME.c. */
    for (i = 0; i < top.count; i++) {
        struct list files = entries(top.items[i], 0, ".c"), subdirs = entries(top.items[i], 1, "");
        for (j = 0; j < files.count; j++) push(&shallow, files.items[j]);
        for (j = 0; j < subdirs.count; j++) {
            struct list deeper = entries(subdirs.items[j], 0, ".c");
            int k;
            for (k = 0; k < deeper.count; k++) push(&deep, deeper.items[k]);
        }
    }
    qsort(shallow.items, shallow.count, sizeof *shallow.items, by_name);
    qsort(deep.items, deep.count, sizeof *deep.items, by_name);
    for (i = 0; i < shallow.count; i++) push(&both, shallow.items[i]);
    for (i = 0; i < deep.count; i++) push(&both, deep.items[i]);

    /* The options: those the configuration names first (in its order), then every option
     * the Kconfig files and the sources' //config: lines declare. */
    read_config(config);
    path = join(src, "Config.in");
    declare_file(path, "");
    for (i = 0; i < both.count; i++) declare_file(both.items[i], "//config:");

    generate(join(src, "include/applets.src.h"), join(src, "include/applets.h"),
             "/* DO NOT EDIT. This file is generated from applets.src.h */", &both, "//applet:", emit_plain);
    generate(join(src, "include/usage.src.h"), join(src, "include/usage.h"),
             "/* DO NOT EDIT. This file is generated from usage.src.h */", &both, "//usage:", emit_usage);

    /* Each directory's Kbuild (from Kbuild.src and its own sources' //kbuild: lines); the
     * Config.src files only declare options here. Directories up to three levels deep, as
     * BusyBox has them. */
    for (i = 0; i < top.count; i++) {
        struct list level = {0};
        push(&level, top.items[i]);
        {
            struct list subdirs = entries(top.items[i], 1, "");
            for (j = 0; j < subdirs.count; j++) push(&level, subdirs.items[j]);
        }
        for (j = 0; j < level.count; j++) {
            char *kbuild = join(level.items[j], "Kbuild.src"), *config_src = join(level.items[j], "Config.src");
            struct stat info;
            if (stat(kbuild, &info) == 0) {
                struct list files = entries(level.items[j], 0, ".c");
                generate(kbuild, join(level.items[j], "Kbuild"), "# DO NOT EDIT. This file is generated from Kbuild.src",
                         &files, "//kbuild:", emit_plain);
            }
            if (stat(config_src, &info) == 0) push(&config_srcs, config_src);
        }
    }
    for (i = 0; i < config_srcs.count; i++) declare_file(config_srcs.items[i], "");
    write_autoconf(join(src, "include/autoconf.h"));

    /* scripts/generate_BUFSIZ.sh's answer before anything is compiled ("std"), and no
     * embedded scripts (scripts/embedded_scripts with an empty embed/ directory). */
    path = join(src, "include/common_bufsiz.h");
    out = open_out(path);
    fprintf(out, "enum { COMMON_BUFSIZE = 1024 };\nextern char bb_common_bufsiz1[];\n#define setup_common_bufsiz() ((void)0)\n");
    close_out(out, path);
    path = join(src, "include/embedded_scripts.h");
    out = open_out(path);
    fprintf(out, "#define NUM_SCRIPTS 0\n");
    close_out(out, path);
}

/* ---- bbgen capture, bbgen usage ---- */

/* Runs PROGRAM with ARGUMENTS, its standard output into OUT (kaem has no redirection). */
static void capture(const char *target, char **argv) {
    int status, out = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t child;
    if (out < 0) fail(target, "cannot create");
    child = fork();
    if (child < 0) fail(argv[0], "cannot fork");
    if (child == 0) {
        dup2(out, 1);
        execv(argv[0], argv);
        _exit(127);
    }
    close(out);
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail(argv[0], "did not run to a clean exit");
}

/* applets/usage_compressed with FEATURE_COMPRESS_USAGE off: the usage text (IN, the output of
 * BusyBox's applets/usage) as a C string of octal escapes, sixteen bytes a line (od -v -b's
 * lines), and its length. PACKED_USAGE, the bzip2 form that only FEATURE_COMPRESS_USAGE
 * reads, is left empty. */
static void usage(const char *source, const char *target) {
    FILE *in = open_in(source), *out = open_out(target);
    long length = 0;
    int c;
    fprintf(out, "#define UNPACKED_USAGE \"\" \\\n");
    while ((c = getc(in)) != EOF) {
        if (length % 16 == 0) fprintf(out, "\"");
        fprintf(out, "\\%03o", c);
        if (++length % 16 == 0) fprintf(out, "\" \\\n");
    }
    if (length % 16 != 0) fprintf(out, "\" \\\n");
    fprintf(out, "\n#define UNPACKED_USAGE_LENGTH %ld\n\n#define PACKED_USAGE \\\n\n", length);
    fclose(in);
    close_out(out, target);
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "tree") == 0)
        tree(argv[2], argv[3]);
    else if (argc >= 4 && strcmp(argv[1], "capture") == 0)
        capture(argv[2], argv + 3);
    else if (argc == 4 && strcmp(argv[1], "usage") == 0)
        usage(argv[2], argv[3]);
    else {
        fprintf(stderr, "usage: bbgen tree SRCDIR CONFIG | bbgen capture OUT PROGRAM [ARGUMENT...] | bbgen usage IN OUT\n");
        return 2;
    }
    return 0;
}
