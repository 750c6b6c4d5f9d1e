/* m0.c — the M0 macro assembler of the aarch64 chain (stages/aarch64/05-M0), written in C for the
 * amd64 chain: the same language, the same hex2 text and the same messages, so that M0 source
 * written for AArch64 can be assembled here, on x86-64, by programs that share no byte with the
 * aarch64 chain. It differs from the amd64 chain's M0 (stages/amd64/05-M0) in one thing only:
 * the aarch64 hex2's field references ^name, *name and =name pass through as labels do.
 *
 * Usage: M0 INPUT OUTPUT
 *   OUTPUT is hex2 text, created (mode 0644, less the umask) or truncated, and written only when
 *   the whole input was translated; exit status 0; 1 with one message on stderr on any error;
 *   2 on wrong usage.
 *
 * The language, token by token (tokens are separated by blanks: space, tab, newline, carriage
 * return, vertical tab, form feed):
 *   # ... ; ...     a token that starts with '#' or ';' is a comment to the end of the line
 *   DEFINE NAME HEX NAME stands for HEX from here on (a later DEFINE overrides); HEX is a word of
 *                   hex digit pairs or a 'quoted' run of them that may hold blanks
 *   NAME            a defined word emits its hex; words are looked up before anything below
 *   "text"          its bytes and a NUL; the escapes \n \t \\ \" \0; it may span lines
 *   'hex'           hex digit pairs (blanks allowed between them), passed through
 *   !N @N %N        an 8-, 16- or 32-bit little-endian number, decimal or 0x hex, optionally
 *                   negative; the width w takes -2^(w-1) .. 2^w - 1. A digit or '-' after the
 *                   prefix makes the word a number, or an error.
 *   :x !x @x %x $x &x ^x *x =x   a label or reference (the prefix and a name), passed through
 * Output line N holds what input line N produced, tokens separated by one space, hex digits in
 * upper case: a line number in a message from hex2 points into the M0 source.
 * Messages: "M0: INPUT:LINE: what: TOKEN", or "M0: cannot ...: PATH". A literal without its
 * closing quote is looked for first, over the whole input, since nothing after it is a token. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *input_path;
static char *text;      /* the whole input */
static long size;       /* its length */

/* The output: a growing buffer, and where it stands in the line structure. */
static char *out;
static long out_length;
static long out_capacity;
static long out_line = 1;   /* the output line being written (the input line of the last token) */
static int out_line_used;   /* whether something was written on it already */

static void fail_path(const char *what, const char *path) {
    fprintf(stderr, "M0: %s: %s\n", what, path);
    exit(1);
}

static void *grow(void *block, long bytes) {
    block = realloc(block, bytes);
    if (block == 0) fail_path("cannot get more memory", "brk refused");
    return block;
}

/* Stops with "M0: INPUT:LINE: what: " and the token's bytes as they are in the input. */
static void fail_at(long line, const char *what, long start, long end) {
    fprintf(stderr, "M0: %s:%ld: %s: ", input_path, line, what);
    fwrite(text + start, 1, end - start, stderr);
    fputc('\n', stderr);
    exit(1);
}

static void put_char(int c) {
    if (out_length + 1 > out_capacity) {
        out_capacity = out_capacity * 2 + 65536;
        out = grow(out, out_capacity);
    }
    out[out_length] = c;
    out_length = out_length + 1;
}

/* Starts a token's output on its input line: newlines up to that line, else a space. */
static void begin_token(long line) {
    while (out_line < line) {
        put_char('\n');
        out_line = out_line + 1;
        out_line_used = 0;
    }
    if (out_line_used) put_char(' ');
    out_line_used = 1;
}

static void put_hex_byte(int byte) {
    const char *digits = "0123456789ABCDEF";
    put_char(digits[(byte >> 4) & 15]);
    put_char(digits[byte & 15]);
}

static int is_blank(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A token: where it starts and ends in the input (quotes included), and its line. */
struct token {
    long start;
    long end;
    long line;
    int kind;   /* 0 none (end of input), 'w' word, '"' string, '\'' hex literal */
};

static long cursor;
static long line = 1;

/* Moves past blanks and comments, counting lines. */
static void skip_blanks(void) {
    while (cursor < size) {
        int c = text[cursor];
        if (c == '\n') line = line + 1;
        if (c == '#' || c == ';') {
            while (cursor < size && text[cursor] != '\n') cursor = cursor + 1;
        } else if (is_blank(c)) {
            cursor = cursor + 1;
        } else {
            return;
        }
    }
}

/* The closing quote of the literal opening at `start`, or -1; counts the lines it spans. In a
 * string a backslash takes the next byte with it, so \" does not close it. */
static long closing_quote(long start) {
    int quote = text[start];
    long i = start + 1;
    while (i < size) {
        int c = text[i];
        if (c == quote) return i;
        if (c == '\n') line = line + 1;
        if (c == '\\' && quote == '"') {
            if (i + 1 < size && text[i + 1] == '\n') line = line + 1;
            i = i + 1;
        }
        i = i + 1;
    }
    return -1;
}

static struct token next_token(void) {
    struct token t;
    skip_blanks();
    t.start = cursor;
    t.line = line;
    if (cursor >= size) {
        t.kind = 0;
        t.end = cursor;
        return t;
    }
    if (text[cursor] == '"' || text[cursor] == '\'') {
        long close;
        t.kind = text[cursor];
        close = closing_quote(cursor);
        if (close < 0) {
            /* Named up to the end of its first line. */
            long end = cursor;
            while (end < size && text[end] != '\n') end = end + 1;
            fail_at(t.line, t.kind == '"' ? "unterminated string literal" : "unterminated hex literal", cursor, end);
        }
        cursor = close + 1;
        t.end = cursor;
        return t;
    }
    t.kind = 'w';
    while (cursor < size && !is_blank(text[cursor])) cursor = cursor + 1;
    t.end = cursor;
    return t;
}

/* Whether a word is exactly `s`. */
static int word_is(struct token *t, const char *s) {
    long n = strlen(s);
    return t->kind == 'w' && t->end - t->start == n && memcmp(text + t->start, s, n) == 0;
}

/* The hex digits of a macro value or raw literal, in upper case, blanks dropped; the count of
 * digits must be even and nothing else may be there. Returns a string made with malloc. */
static char *hex_digits_of(struct token *t) {
    long from = t->start;
    long to = t->end;
    char *digits = grow(0, t->end - t->start + 1);
    long n = 0;
    long i;
    if (t->kind == '\'') {
        from = from + 1;
        to = to - 1;
    }
    for (i = from; i < to; i = i + 1) {
        int c = text[i];
        if (t->kind == '\'' && is_blank(c)) continue;
        if (hex_value(c) < 0) fail_at(t->line, "not hex digit pairs", t->start, t->end);
        digits[n] = "0123456789ABCDEF"[hex_value(c)];
        n = n + 1;
    }
    if (n % 2 != 0) fail_at(t->line, "not hex digit pairs", t->start, t->end);
    digits[n] = 0;
    return digits;
}

/* The macros: a hash table of chains, newest entry first, so a later DEFINE wins. */
#define MACRO_CHAINS 16384
struct macro {
    struct macro *next;
    const char *name;
    long length;
    char *hex;
};
static struct macro *macros[MACRO_CHAINS];

static unsigned hash(const char *name, long length) {
    unsigned h = 2166136261u;
    long i;
    for (i = 0; i < length; i = i + 1) h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h % MACRO_CHAINS;
}

static struct macro *find_macro(struct token *t) {
    long length = t->end - t->start;
    struct macro *m = macros[hash(text + t->start, length)];
    while (m != 0) {
        if (m->length == length && memcmp(m->name, text + t->start, length) == 0) return m;
        m = m->next;
    }
    return 0;
}

static void define(struct token *name, struct token *value) {
    struct macro *m = grow(0, sizeof(struct macro));
    unsigned slot = hash(text + name->start, name->end - name->start);
    m->name = text + name->start;
    m->length = name->end - name->start;
    m->hex = hex_digits_of(value);
    m->next = macros[slot];
    macros[slot] = m;
}

/* A string literal: its bytes with the escapes read, then a NUL. */
static void emit_string(struct token *t) {
    long i = t->start + 1;
    begin_token(t->line);
    while (i < t->end - 1) {
        int c = text[i];
        if (c == '\\') {
            int e = text[i + 1];
            if (e == 'n') c = '\n';
            else if (e == 't') c = '\t';
            else if (e == '\\') c = '\\';
            else if (e == '"') c = '"';
            else if (e == '0') c = 0;
            else fail_at(t->line, "unknown escape in string literal", t->start, t->end);
            i = i + 1;
        }
        put_hex_byte(c & 255);
        i = i + 1;
    }
    put_hex_byte(0);
}

/* !N @N %N: N after the prefix, checked for form and for the width's range. */
static void emit_number(struct token *t, int bytes) {
    static const char *ranges[5] = {0, "number out of range for 8 bits (-128..255)",
                                    "number out of range for 16 bits (-32768..65535)", 0,
                                    "number out of range for 32 bits (-2147483648..4294967295)"};
    long i = t->start + 1;
    int negative = 0;
    int base = 10;
    int digits = 0;
    long value = 0;
    long limit = 1L << 40;   /* the magnitude saturates here: an overlong number is out of range */
    long lowest = -(1L << (bytes * 8 - 1));
    long highest = (1L << (bytes * 8)) - 1;
    int k;
    if (i < t->end && text[i] == '-') {
        negative = 1;
        i = i + 1;
    }
    if (i + 1 < t->end && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
        base = 16;
        i = i + 2;
    }
    while (i < t->end) {
        int d = hex_value(text[i]);
        if (d < 0 || d >= base) fail_at(t->line, "malformed number", t->start, t->end);
        value = value * base + d;
        if (value > limit) value = limit;
        digits = digits + 1;
        i = i + 1;
    }
    if (digits == 0) fail_at(t->line, "malformed number", t->start, t->end);
    if (negative) value = -value;
    if (value < lowest || value > highest) fail_at(t->line, ranges[bytes], t->start, t->end);
    begin_token(t->line);
    for (k = 0; k < bytes; k = k + 1) put_hex_byte((value >> (8 * k)) & 255);
}

/* A word that is no macro: a number, a label token, or an error. */
static void emit_word(struct token *t) {
    int prefix = text[t->start];
    long length = t->end - t->start;
    int bytes = prefix == '!' ? 1 : prefix == '@' ? 2 : prefix == '%' ? 4 : 0;
    if (bytes != 0 && length > 1) {
        int next = text[t->start + 1];
        if (next == '-' || (next >= '0' && next <= '9')) {
            emit_number(t, bytes);
            return;
        }
    }
    if (length > 1 && strchr(":!@%$&^*=", prefix) != 0 && prefix != 0) {
        begin_token(t->line);
        while (length > 0) {
            put_char(text[t->end - length]);
            length = length - 1;
        }
        return;
    }
    fail_at(t->line, "undefined word", t->start, t->end);
}

static void read_input(void) {
    long capacity = 65536;
    int fd = open(input_path, O_RDONLY);
    if (fd < 0) fail_path("cannot open input file", input_path);
    text = grow(0, capacity);
    for (;;) {
        long n;
        if (size + 65536 > capacity) {
            capacity = capacity * 2;
            text = grow(text, capacity);
        }
        n = read(fd, text + size, 65536);
        if (n < 0) fail_path("cannot read input file", input_path);
        if (n == 0) break;
        size = size + n;
    }
    close(fd);
}

static void write_output(const char *path) {
    long written = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail_path("cannot create output file", path);
    while (written < out_length) {
        long n = write(fd, out + written, out_length - written);
        if (n <= 0) fail_path("cannot write output file", path);
        written = written + n;
    }
    close(fd);
}

int main(int argc, char **argv) {
    struct token t;
    long lines = 1;
    long i;
    if (argc != 3) {
        fputs("usage: M0 INPUT OUTPUT\n", stderr);
        return 2;
    }
    input_path = argv[1];
    read_input();

    /* First, every literal must have its closing quote. */
    for (t = next_token(); t.kind != 0; t = next_token()) {
    }

    cursor = 0;
    line = 1;
    for (t = next_token(); t.kind != 0; t = next_token()) {
        struct macro *m;
        if (t.kind == '"') {
            emit_string(&t);
        } else if (t.kind == '\'') {
            char *hex = hex_digits_of(&t);
            begin_token(t.line);
            for (i = 0; hex[i] != 0; i = i + 1) put_char(hex[i]);
            free(hex);
        } else if (word_is(&t, "DEFINE")) {
            struct token name = next_token();
            struct token value = next_token();
            if (name.kind != 'w' || value.kind == 0 || value.kind == '"')
                fail_at(t.line, "DEFINE needs a name and a hex value", t.start, t.end);
            define(&name, &value);
        } else if ((m = find_macro(&t)) != 0) {
            if (m->hex[0] != 0) {
                begin_token(t.line);
                for (i = 0; m->hex[i] != 0; i = i + 1) put_char(m->hex[i]);
            }
        } else {
            emit_word(&t);
        }
    }
    /* As many output lines as input lines. */
    for (i = 0; i < size; i = i + 1)
        if (text[i] == '\n') lines = lines + 1;
    while (out_line < lines) {
        put_char('\n');
        out_line = out_line + 1;
    }
    write_output(argv[2]);
    return 0;
}
