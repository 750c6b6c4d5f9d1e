/* kaem.c — a script runner for the kaem dialect that other bootstraps write their steps in
 * (stage0-posix's scripts are the model), so that a chain brought to kindling can run its own
 * scripts on a runner built inside the chain. kindling's audit reads the same dialect
 * (src/audit/scripts/kaem.ts); test/stages/kaem.test.ts runs both on the same scripts and holds
 * them to the same commands and the same refusals. LANGUAGE.md beside this file is the dialect.
 *
 * Usage: kaem [--verbose|-v] [--strict|--non-strict] [--file|-f] SCRIPT
 *
 * A script is read one logical line at a time and each line is done before the next is read,
 * so a line that cannot be read stops the script after the lines before it have run. Every
 * refusal is one line on stderr, "kaem: SCRIPT:LINE: why", the same words as the audit's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

/* A growing string. */
struct text {
    char *s;
    int len;
    int cap;
};

static void text_add(struct text *t, int c) {
    if (t->len + 2 > t->cap) {
        t->cap = t->cap * 2 + 64;
        t->s = realloc(t->s, t->cap);
        if (t->s == 0) {
            fputs("kaem: out of memory\n", stderr);
            exit(1);
        }
    }
    t->s[t->len] = c;
    t->len = t->len + 1;
    t->s[t->len] = 0;
}

static void text_cat(struct text *t, const char *s) {
    while (*s != 0) {
        text_add(t, *s);
        s = s + 1;
    }
}

static char *text_done(struct text *t) {
    if (t->s == 0) {
        text_add(t, 'x');
        t->len = 0;
        t->s[0] = 0;
    }
    return t->s;
}

/* The variables, in the order they were first set; all of them are the environment of every
 * program run, so a kaem run by the script starts with them (as the audit assumes). */
struct variable {
    char *name;
    char *value;
    struct variable *next;
};
static struct variable *variables;

static struct variable *find(const char *name, int length) {
    struct variable *v = variables;
    while (v != 0) {
        if ((int)strlen(v->name) == length && strncmp(v->name, name, length) == 0) return v;
        v = v->next;
    }
    return 0;
}

static void set_variable(const char *name, int length, const char *value) {
    struct variable *v = find(name, length);
    struct variable **end = &variables;
    if (v == 0) {
        v = calloc(1, sizeof(struct variable));
        v->name = calloc(length + 1, 1);
        memcpy(v->name, name, length);
        while (*end != 0) end = &(*end)->next;
        *end = v;
    }
    v->value = strdup(value);
}

static void unset_variable(const char *name) {
    struct variable **at = &variables;
    while (*at != 0) {
        if (strcmp((*at)->name, name) == 0) {
            *at = (*at)->next;
            return;
        }
        at = &(*at)->next;
    }
}

/* Where we are, for every message. */
static const char *script_path;
static int script_line;
static int tracing;
static int strict = 1;

static void refuse(const char *a, const char *b, const char *c) {
    fputs("kaem: ", stderr);
    fputs(script_path, stderr);
    fputs(":", stderr);
    fprintf(stderr, "%d", script_line);
    fputs(": ", stderr);
    fputs(a, stderr);
    fputs(b, stderr);
    fputs(c, stderr);
    fputs("\n", stderr);
    exit(1);
}

static int is_name_start(int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_name_char(int c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* A word as split from the line: its characters with quotes removed, and for each one whether
 * `$` there starts a variable (not inside single quotes). */
struct word {
    struct text chars;
    struct text expandable;
};

#define MAX_WORDS 4096

/* Splits a logical line into words: blanks separate, quotes group and are removed, and `#` at
 * the start of a word ends the line. Returns the number of words. */
static int split_words(const char *line, struct word *words) {
    int count = 0;
    int in_word = 0;
    int i = 0;
    while (line[i] != 0) {
        int c = line[i];
        if (c == ' ' || c == '\t') {
            in_word = 0;
            i = i + 1;
            continue;
        }
        if (c == '#' && !in_word) break;
        if (!in_word) {
            if (count == MAX_WORDS) refuse("more than 4096 words on one line", "", "");
            memset(&words[count], 0, sizeof(struct word));
            count = count + 1;
            in_word = 1;
        }
        if (c == '"' || c == '\'') {
            int end = i + 1;
            while (line[end] != 0 && line[end] != c) end = end + 1;
            if (line[end] == 0) refuse(c == '"' ? "unterminated double quote" : "unterminated single quote", "", "");
            i = i + 1;
            while (i < end) {
                text_add(&words[count - 1].chars, line[i]);
                text_add(&words[count - 1].expandable, c == '"' ? 'y' : 'n');
                i = i + 1;
            }
            i = end + 1;
            continue;
        }
        text_add(&words[count - 1].chars, c);
        text_add(&words[count - 1].expandable, 'y');
        i = i + 1;
    }
    return count;
}

/* `$NAME` and `${NAME}` replaced by the variable's value. A variable never set is refused: the
 * audit cannot know it either, and an empty string in its place builds something else quietly. */
static char *expand(struct word *w) {
    struct text out;
    const char *s = text_done(&w->chars);
    const char *e = text_done(&w->expandable);
    int i = 0;
    memset(&out, 0, sizeof(out));
    while (s[i] != 0) {
        int start;
        int length;
        struct variable *v;
        if (s[i] != '$' || e[i] != 'y') {
            text_add(&out, s[i]);
            i = i + 1;
            continue;
        }
        if (s[i + 1] == '{' && is_name_start(s[i + 2])) {
            start = i + 2;
            length = 1;
            while (is_name_char(s[start + length])) length = length + 1;
            if (s[start + length] != '}') refuse("'$' not followed by a variable name in '", s, "'");
            i = start + length + 1;
        } else if (is_name_start(s[i + 1])) {
            start = i + 1;
            length = 1;
            while (is_name_char(s[start + length])) length = length + 1;
            i = start + length;
        } else {
            refuse("'$' not followed by a variable name in '", s, "'");
        }
        v = find(s + start, length);
        if (v == 0) {
            char *name = calloc(length + 1, 1);
            memcpy(name, s + start, length);
            refuse("variable ", name, " is not set (a stage starts with an empty environment)");
        }
        text_cat(&out, v->value);
    }
    return text_done(&out);
}

/* The length of NAME in "NAME=value", or 0 when the word is not an assignment. */
static int assignment(const char *word) {
    int n = 0;
    if (!is_name_start(word[0])) return 0;
    while (is_name_char(word[n])) n = n + 1;
    return word[n] == '=' ? n : 0;
}

static char **environment(void) {
    int count = 0;
    int k = 0;
    struct variable *v = variables;
    char **env;
    while (v != 0) {
        count = count + 1;
        v = v->next;
    }
    env = calloc(count + 1, sizeof(char *));
    for (v = variables; v != 0; v = v->next) {
        struct text t;
        memset(&t, 0, sizeof(t));
        text_cat(&t, v->name);
        text_add(&t, '=');
        text_cat(&t, v->value);
        env[k] = text_done(&t);
        k = k + 1;
    }
    return env;
}

static int executable(const char *path) {
    return access(path, X_OK) == 0;
}

/* The file a program word names: a path when it holds a `/`; else the first directory of PATH
 * that holds it, or the current directory when PATH is not set. */
static char *resolve(const char *program) {
    struct variable *path = find("PATH", 4);
    const char *p;
    if (strchr(program, '/') != 0) return strdup(program);
    if (path == 0) {
        struct text t;
        memset(&t, 0, sizeof(t));
        text_cat(&t, "./");
        text_cat(&t, program);
        return text_done(&t);
    }
    p = path->value;
    while (*p != 0) {
        struct text t;
        memset(&t, 0, sizeof(t));
        while (*p == ':') p = p + 1;
        if (*p == 0) break;
        while (*p != 0 && *p != ':') {
            text_add(&t, *p);
            p = p + 1;
        }
        text_add(&t, '/');
        text_cat(&t, program);
        if (executable(text_done(&t))) return t.s;
    }
    refuse("'", program, "' is in no directory of PATH");
    return 0;
}

/* The trace line of --verbose and `set -x`: the program as an absolute path (the stage root is
 * `/`, so it reads as the path in the stage), then the arguments, quoted when they hold blanks. */
static void trace(const char *path, char **argv) {
    int k;
    fputs("+ ", stderr);
    if (path[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof(cwd)) != 0) {
            fputs(cwd, stderr);
            if (strcmp(cwd, "/") != 0) fputs("/", stderr);
        }
        if (path[0] == '.' && path[1] == '/') path = path + 2;
    }
    fputs(path, stderr);
    for (k = 1; argv[k] != 0; k = k + 1) {
        fputs(" ", stderr);
        if (argv[k][0] == 0 || strchr(argv[k], ' ') != 0 || strchr(argv[k], '\t') != 0) {
            fputs("'", stderr);
            fputs(argv[k], stderr);
            fputs("'", stderr);
        } else {
            fputs(argv[k], stderr);
        }
    }
    fputs("\n", stderr);
}

static void run(char **argv) {
    char *path = resolve(argv[0]);
    int pid;
    int status = 0;
    if (!executable(path)) refuse("cannot run '", path, "': no such executable file");
    if (tracing) trace(path, argv);
    fflush(stdout);
    pid = fork();
    if (pid < 0) refuse("cannot start '", path, "': fork failed");
    if (pid == 0) {
        execve(path, argv, environment());
        fputs("kaem: cannot execute '", stderr);
        fputs(path, stderr);
        fputs("'\n", stderr);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0) refuse("lost '", path, "': wait failed");
    if (WTERMSIG(status) != 0) {
        fputs("kaem: ", stderr);
        fprintf(stderr, "%s:%d: '%s' was killed by signal %d\n", script_path, script_line, path, WTERMSIG(status));
        if (strict) exit(128 + WTERMSIG(status));
    } else if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "kaem: %s:%d: '%s' exited with status %d\n", script_path, script_line, path, WEXITSTATUS(status));
        if (strict) exit(WEXITSTATUS(status));
    }
}

/* One logical line: built-ins are done here, anything else is a program run and waited for. */
static void do_line(const char *line) {
    static struct word words[MAX_WORDS];
    char **argv;
    int count = split_words(line, words);
    int k;
    int n;
    if (count == 0) return;
    argv = calloc(count + 1, sizeof(char *));
    for (k = 0; k < count; k = k + 1) argv[k] = expand(&words[k]);
    if (strcmp(argv[0], "export") == 0) {
        for (k = 1; k < count; k = k + 1) {
            n = assignment(argv[k]);
            if (n > 0) set_variable(argv[k], n, argv[k] + n + 1);
        }
        return;
    }
    n = assignment(argv[0]);
    if (n > 0) {
        if (count > 1) refuse("an assignment before a command is not supported (set it on a line of its own)", "", "");
        set_variable(argv[0], n, argv[0] + n + 1);
        return;
    }
    if (strcmp(argv[0], "cd") == 0) {
        if (count != 2) refuse("cd takes one directory", "", "");
        if (chdir(argv[1]) != 0) refuse("cd: cannot enter '", argv[1], "'");
        return;
    }
    if (strcmp(argv[0], "set") == 0) {
        /* -e stops at a failing command, -x prints each command; + turns it off; -ex joins them. */
        for (k = 1; k < count; k = k + 1) {
            const char *o = argv[k];
            int j = 1;
            if ((o[0] != '-' && o[0] != '+') || o[1] == 0) refuse("set takes -e, +e, -x, +x (or -ex, ...), not '", o, "'");
            while (o[j] != 0) {
                if (o[j] != 'e' && o[j] != 'x') refuse("set takes -e, +e, -x, +x (or -ex, ...), not '", o, "'");
                j = j + 1;
            }
            for (j = 1; o[j] != 0; j = j + 1) {
                if (o[j] == 'e') strict = o[0] == '-';
                else tracing = o[0] == '-';
            }
        }
        return;
    }
    if (strcmp(argv[0], "unset") == 0) {
        for (k = 1; k < count; k = k + 1) unset_variable(argv[k]);
        return;
    }
    if (strcmp(argv[0], "echo") == 0) {
        for (k = 1; k < count; k = k + 1) {
            if (k > 1) fputs(" ", stdout);
            fputs(argv[k], stdout);
        }
        fputs("\n", stdout);
        return;
    }
    if (strcmp(argv[0], "pwd") == 0) {
        char cwd[4096];
        if (getcwd(cwd, sizeof(cwd)) == 0) refuse("pwd: the current directory has no name", "", "");
        fputs(cwd, stdout);
        fputs("\n", stdout);
        return;
    }
    run(argv);
}

static int is_blank(int c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

/* A line whose first non-blank character is `#`: its backslash at the end joins nothing. */
static int is_comment(const char *line) {
    while (is_blank(*line)) line = line + 1;
    return *line == '#';
}

static char *read_script(const char *path) {
    struct text t;
    char chunk[4096];
    FILE *f = fopen(path, "rb");
    size_t n;
    if (f == 0) {
        fputs("kaem: cannot read the script '", stderr);
        fputs(path, stderr);
        fputs("'\n", stderr);
        exit(1);
    }
    memset(&t, 0, sizeof(t));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        size_t k;
        for (k = 0; k < n; k = k + 1) text_add(&t, chunk[k]);
    }
    fclose(f);
    return text_done(&t);
}

/* Runs the script line by line; a backslash at the end of a line (not a comment line) joins the
 * next line to it, and the logical line keeps the number of the line it starts on. */
static void run_script(char *text) {
    struct text pending;
    int have_pending = 0;
    int number = 0;
    char *line = text;
    memset(&pending, 0, sizeof(pending));
    for (;;) {
        char *end = strchr(line, '\n');
        int last = end == 0;
        int length;
        if (!last) *end = 0;
        number = number + 1;
        length = strlen(line);
        if (length > 0 && line[length - 1] == '\r') line[length - 1] = 0;
        if (!have_pending) {
            pending.len = 0;
            text_done(&pending)[0] = 0;
            script_line = number;
        }
        text_cat(&pending, line);
        if (pending.len > 0 && pending.s[pending.len - 1] == '\\' && !is_comment(pending.s)) {
            pending.len = pending.len - 1;
            pending.s[pending.len] = 0;
            have_pending = 1;
        } else {
            have_pending = 0;
            do_line(text_done(&pending));
        }
        if (last) break;
        line = end + 1;
    }
    if (have_pending) do_line(text_done(&pending));
}

static void usage(void) {
    fputs("usage: kaem [--verbose|-v] [--strict|--non-strict] [--file|-f] SCRIPT\n", stderr);
    exit(2);
}

int main(int argc, char **argv) {
    extern char **environ;
    const char *script = 0;
    char **e;
    int k;
    for (k = 1; k < argc; k = k + 1) {
        const char *a = argv[k];
        if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) tracing = 1;
        else if (strcmp(a, "--strict") == 0) strict = 1;
        else if (strcmp(a, "--non-strict") == 0) strict = 0;
        else if (strcmp(a, "--version") == 0) {
            fputs("kaem (kindling) 1.0\n", stdout);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs("usage: kaem [--verbose|-v] [--strict|--non-strict] [--file|-f] SCRIPT\n", stdout);
            return 0;
        } else if (strcmp(a, "--file") == 0 || strcmp(a, "-f") == 0) {
            if (k + 1 == argc || script != 0) usage();
            k = k + 1;
            script = argv[k];
        } else if (a[0] == '-') {
            fputs("kaem: unknown option '", stderr);
            fputs(a, stderr);
            fputs("'\n", stderr);
            exit(2);
        } else {
            if (script != 0) usage();
            script = a;
        }
    }
    if (script == 0) usage();
    /* What the environment holds are variables from the start (a stage's is empty). */
    for (e = environ; e != 0 && *e != 0; e = e + 1) {
        int n = assignment(*e);
        if (n > 0) set_variable(*e, n, *e + n + 1);
    }
    script_path = script;
    run_script(read_script(script));
    fflush(stdout);
    return 0;
}
