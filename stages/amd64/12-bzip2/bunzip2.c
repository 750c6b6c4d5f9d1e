/* bunzip2 IN OUT — decompresses a .bz2 file with bzip2 1.0.8's own library (bzlib.c and the
 * files it uses, from the release tarball), writing OUT.
 *
 * Why not bzip2.c: the release's command-line program needs signal handlers, utime, fchown and
 * stat fields that the chain's C library does not have (yet); the decompression itself is all in
 * bzlib.c, which needs only memory and bytes in and out (BZ_NO_STDIO). This driver is that I/O.
 *
 * Every stream's block and stream CRCs are checked by bzlib; streams written one after another
 * (as pbzip2 does) are decompressed in turn. Any error — a bad CRC, a truncated stream, bytes that
 * are not bzip2 — is one line `bunzip2: IN: what`, OUT is removed, and the exit status is 1. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bzlib.h"

#define CHUNK 65536

static char *in_path;
static char *out_path;
static int out_fd = -1;

static void fail(char *what) {
    fprintf(stderr, "bunzip2: %s: %s\n", in_path, what);
    if (out_fd >= 0) {
        close(out_fd);
        unlink(out_path);
    }
    exit(1);
}

/* bzlib calls this when its own consistency checks fail (BZ_NO_STDIO builds). */
void bz_internal_error(int code) {
    fail("internal error in bzlib");
}

static char *describe(int ret) {
    if (ret == BZ_DATA_ERROR) return "corrupt data (a block or stream CRC does not match)";
    if (ret == BZ_DATA_ERROR_MAGIC) return "not bzip2 data (bad magic)";
    if (ret == BZ_MEM_ERROR) return "out of memory";
    return "decompression failed";
}

static void write_all(char *p, int n) {
    while (n > 0) {
        int done = write(out_fd, p, n);
        if (done <= 0) fail("cannot write the output");
        p += done;
        n -= done;
    }
}

int main(int argc, char **argv) {
    static char in_buf[CHUNK];
    static char out_buf[CHUNK];
    bz_stream s;
    int in_fd;
    int have = 0;      /* unread input bytes at the start of in_buf */
    int at_eof = 0;
    int streams = 0;
    if (argc != 3) {
        fputs("usage: bunzip2 IN OUT\n", stderr);
        return 2;
    }
    in_path = argv[1];
    out_path = argv[2];
    in_fd = open(in_path, O_RDONLY);
    if (in_fd < 0) fail("cannot open");
    out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0) {
        fprintf(stderr, "bunzip2: %s: cannot create\n", out_path);
        return 1;
    }
    for (;;) {
        int ret;
        /* Top the buffer up; a stream may only start where there is input left. */
        if (!at_eof && have < CHUNK) {
            int n = read(in_fd, in_buf + have, CHUNK - have);
            if (n < 0) fail("cannot read");
            if (n == 0) at_eof = 1;
            have += n;
        }
        if (have == 0 && at_eof) break;
        s.bzalloc = NULL;
        s.bzfree = NULL;
        s.opaque = NULL;
        if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) fail("out of memory");
        s.next_in = in_buf;
        s.avail_in = have;
        do {
            if (s.avail_in == 0 && !at_eof) {
                int n = read(in_fd, in_buf, CHUNK);
                if (n < 0) fail("cannot read");
                if (n == 0) at_eof = 1;
                s.next_in = in_buf;
                s.avail_in = n;
            }
            s.next_out = out_buf;
            s.avail_out = CHUNK;
            ret = BZ2_bzDecompress(&s);
            if (ret != BZ_OK && ret != BZ_STREAM_END) fail(describe(ret));
            write_all(out_buf, CHUNK - s.avail_out);
            if (ret == BZ_OK && s.avail_in == 0 && at_eof && s.avail_out == CHUNK) fail("truncated (the stream ends early)");
        } while (ret != BZ_STREAM_END);
        streams += 1;
        /* What follows the stream is kept for the next one. */
        have = s.avail_in;
        memmove(in_buf, s.next_in, have);
        BZ2_bzDecompressEnd(&s);
    }
    if (streams == 0) fail("empty input");
    if (close(out_fd) != 0) {
        out_fd = -1;
        fail("cannot write the output");
    }
    return 0;
}
