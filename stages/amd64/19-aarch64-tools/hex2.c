/* hex2.c — the hex2 assembler of the aarch64 chain (stages/aarch64/03-hex2), written in C for the
 * amd64 chain: every form it reads, the bytes it writes and the messages it gives, so that an
 * aarch64 program can be assembled here, on x86-64, by programs that share no byte with the
 * aarch64 chain, and the result compared with that chain's own.
 *
 * Usage: hex2 IN OUT   OUT is created with mode 0755 (less the umask), only after both passes
 * succeeded; exit status 0, or 1 with one message on stderr.
 *
 * The forms (a label name is any run of bytes above 0x20):
 *   :name      defines name at the current output offset (the name may not contain '>')
 *   ^name      fills the imm26 field (b, bl: bits 0-25) of the instruction word that follows
 *   &name      fills the imm19 field (b.cond, cbz, cbnz, ldr literal: bits 5-23)
 *   *name      fills the imm14 field (tbz, tbnz: bits 5-18)
 *              For these three the word's 4 bytes follow, written with the field zero; the
 *              distance, offset(name) - offset(word), counts instructions (4 bytes each).
 *   =name      fills adr's field: the distance in bytes, its low 2 bits in bits 29-30, the
 *              rest in bits 5-23
 *   %name      a 32-bit little-endian byte distance from the byte after it
 *   $name      a 32-bit address: 0x00600000 + offset(name)
 *   %a>b $a>b  offset(a) - offset(b), 32 bits
 *   Hex digit pairs make bytes (the two digits may be apart, across blanks and comments, but not
 *   across a label token); '#' and ';' start a comment to the end of the line; a blank is any
 *   byte up to 0x20.
 * Messages: "hex2: IN:LINE: what NAME" or "hex2: what PATH". The input is read twice: the first
 * pass records the labels, the second writes the bytes; a field reference waits for the byte that
 * completes its word and is ORed into it then. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE_ADDRESS 0x00600000L

static const char *in_path;
static const char *out_path;
static unsigned char *text;     /* the input */
static long size;
static unsigned char *out;      /* the output: no token makes more than 2 bytes per input byte */
static long out_length;
static long cursor;
static long line;
static int second_pass;
static int waiting_digit;       /* a first hex digit without its partner, or -1 */

/* A field reference waiting for its word. */
static long word_start = -1;    /* where the word starts in the output, or -1 for none */
static unsigned field_bits;
static unsigned field_mask;
static long field_line;
static long field_name;
static long field_name_length;

/* The last label name read, for messages. */
static long name_start;
static long name_length;

static void fail_path(const char *what, const char *path) {
    fprintf(stderr, "hex2: %s%s\n", what, path);
    exit(1);
}

static void fail_at(long at_line, const char *what, long start, long length) {
    fprintf(stderr, "hex2: %s:%ld: %s", in_path, at_line, what);
    fwrite(text + start, 1, length, stderr);
    fputc('\n', stderr);
    exit(1);
}

static void fail_naming_name(const char *what) {
    fail_at(line, what, name_start, name_length);
}

static void fail_naming_waiting(const char *what) {
    fail_at(field_line, what, field_name, field_name_length);
}

/* The labels: a hash table of chains (h = h * 31 + byte, low 16 bits). */
#define LABEL_CHAINS 65536
struct label {
    struct label *next;
    long start;
    long length;
    long offset;
};
static struct label *labels[LABEL_CHAINS];

static unsigned label_hash(long start, long length) {
    unsigned h = 0;
    long i;
    for (i = 0; i < length; i = i + 1) h = h * 31 + text[start + i];
    return h & (LABEL_CHAINS - 1);
}

static struct label *find_label(long start, long length) {
    struct label *l = labels[label_hash(start, length)];
    while (l != 0) {
        if (l->length == length && memcmp(text + l->start, text + start, length) == 0) return l;
        l = l->next;
    }
    return 0;
}

static long label_offset(long start, long length) {
    struct label *l = find_label(start, length);
    if (l == 0) {
        name_start = start;
        name_length = length;
        fail_naming_name("undefined label: ");
    }
    return l->offset;
}

/* The name after a prefix, up to the next blank. A lone hex digit before it, or a field
 * reference still waiting for its word, is an error. */
static void read_name(void) {
    if (waiting_digit >= 0) fail_at(line, "odd number of hex digits", 0, 0);
    if (word_start >= 0) fail_naming_waiting("no instruction word after the reference: ");
    name_start = cursor;
    while (cursor < size && text[cursor] > 0x20) cursor = cursor + 1;
    name_length = cursor - name_start;
    if (name_length == 0) fail_at(line, "label name missing", 0, 0);
}

static long index_of_greater(void) {
    long i;
    for (i = 0; i < name_length; i = i + 1)
        if (text[name_start + i] == '>') return i;
    return -1;
}

static void define_label(void) {
    struct label *l;
    unsigned slot;
    read_name();
    if (second_pass) return;
    if (index_of_greater() >= 0) fail_naming_name("label name contains '>': ");
    if (find_label(name_start, name_length) != 0) fail_naming_name("label defined twice: ");
    l = malloc(sizeof(struct label));
    if (l == 0) fail_path("not enough memory for ", in_path);
    slot = label_hash(name_start, name_length);
    l->start = name_start;
    l->length = name_length;
    l->offset = out_length;
    l->next = labels[slot];
    labels[slot] = l;
}

/* %name $name %a>b $a>b: 4 bytes. */
static void four_byte_reference(int absolute) {
    long value;
    long greater;
    read_name();
    out_length = out_length + 4;
    if (!second_pass) return;
    greater = index_of_greater();
    if (greater >= 0) {
        long start = name_start;
        long length = name_length;
        long a = label_offset(start, greater);
        value = a - label_offset(start + greater + 1, length - greater - 1);
    } else if (absolute) {
        value = BASE_ADDRESS + label_offset(name_start, name_length);
    } else {
        value = label_offset(name_start, name_length) - out_length;
    }
    out[out_length - 4] = value & 255;
    out[out_length - 3] = (value >> 8) & 255;
    out[out_length - 2] = (value >> 16) & 255;
    out[out_length - 1] = (value >> 24) & 255;
}

/* ^ & * =: the field of the word that follows. `width` bits at `lowest`; adr counts bytes. */
static void field_reference(unsigned mask, int lowest, int width, int is_adr) {
    long distance;
    long top = 1L << (width - 1);
    read_name();
    if (!second_pass) return;
    if (out_length % 4 != 0) fail_naming_name("instruction word not at a multiple of 4: ");
    distance = label_offset(name_start, name_length) - out_length;
    if (!is_adr) {
        if (distance % 4 != 0) fail_naming_name("not a whole number of instructions away: ");
        distance = distance / 4;
    }
    if (distance < -top || distance >= top) fail_naming_name("too far for the field: ");
    if (is_adr)
        field_bits = ((distance & 3) << 29) | (((distance >> 2) << 5) & 0x00FFFFE0);
    else
        field_bits = ((unsigned long)distance << lowest) & mask;
    field_mask = mask;
    word_start = out_length;
    field_line = line;
    field_name = name_start;
    field_name_length = name_length;
}

/* A byte is complete; when it completes a waiting word, the field goes in. */
static void put_byte(int byte) {
    out[out_length] = byte;
    out_length = out_length + 1;
    if (word_start >= 0 && out_length - word_start == 4) {
        unsigned word = out[word_start] | (out[word_start + 1] << 8) | (out[word_start + 2] << 16) | ((unsigned)out[word_start + 3] << 24);
        if ((word & field_mask) != 0) fail_naming_waiting("field of the word not zero: ");
        word = word | field_bits;
        out[word_start] = word & 255;
        out[word_start + 1] = (word >> 8) & 255;
        out[word_start + 2] = (word >> 16) & 255;
        out[word_start + 3] = (word >> 24) & 255;
        word_start = -1;
    }
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void pass(void) {
    cursor = 0;
    line = 1;
    out_length = 0;
    waiting_digit = -1;
    word_start = -1;
    while (cursor < size) {
        int c = text[cursor];
        int digit;
        cursor = cursor + 1;
        if (c == '\n') line = line + 1;
        else if (c <= 0x20) continue;
        else if (c == '#' || c == ';') {
            while (cursor < size && text[cursor] != '\n') cursor = cursor + 1;
        } else if (c == ':') define_label();
        else if (c == '%') four_byte_reference(0);
        else if (c == '$') four_byte_reference(1);
        else if (c == '^') field_reference(0x03FFFFFF, 0, 26, 0);
        else if (c == '&') field_reference(0x00FFFFE0, 5, 19, 0);
        else if (c == '*') field_reference(0x0007FFE0, 5, 14, 0);
        else if (c == '=') field_reference(0x60FFFFE0, 0, 21, 1);
        else {
            digit = hex_value(c);
            if (digit < 0) fail_at(line, "not hex, comment or label: ", cursor - 1, 1);
            if (waiting_digit < 0) waiting_digit = digit;
            else {
                /* The first pass counts bytes only. */
                if (second_pass) put_byte(waiting_digit * 16 + digit);
                else out_length = out_length + 1;
                waiting_digit = -1;
            }
        }
    }
    if (waiting_digit >= 0) fail_at(line, "odd number of hex digits", 0, 0);
    if (word_start >= 0) fail_naming_waiting("no instruction word after the reference: ");
}

static void read_input(void) {
    long capacity = 65536;
    int fd = open(in_path, O_RDONLY);
    if (fd < 0) fail_path("cannot read ", in_path);
    text = malloc(capacity);
    if (text == 0) fail_path("not enough memory for ", in_path);
    for (;;) {
        long n;
        if (size + 65536 > capacity) {
            capacity = capacity * 2;
            text = realloc(text, capacity);
            if (text == 0) fail_path("not enough memory for ", in_path);
        }
        n = read(fd, text + size, 65536);
        if (n < 0) fail_path("cannot read ", in_path);
        if (n == 0) break;
        size = size + n;
    }
    close(fd);
}

int main(int argc, char **argv) {
    int fd;
    long written = 0;
    if (argc != 3) fail_path("usage: hex2 IN OUT", "");
    in_path = argv[1];
    out_path = argv[2];
    read_input();
    out = malloc(size * 2 + 16);
    if (out == 0) fail_path("not enough memory for ", in_path);
    second_pass = 0;
    pass();
    second_pass = 1;
    pass();
    fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0) fail_path("cannot write ", out_path);
    while (written < out_length) {
        long n = write(fd, out + written, out_length - written);
        if (n <= 0) {
            unlink(out_path);
            fail_path("cannot write ", out_path);
        }
        written = written + n;
    }
    close(fd);
    return 0;
}
