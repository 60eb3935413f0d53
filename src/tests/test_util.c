#define _GNU_SOURCE
/* Unit tests of util.c: the parsers of words users type (sizes, signals,
 * PIDs, numbers), UTF-8 checking, string buffers and small file helpers. */
/* layer: util */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

/* --- parse_size / format_size ------------------------------------------ */

static uint64_t size_ok(const char *s)
{
    uint64_t v = 12345;
    bool is_max = true;
    if (parse_size(s, &v, &is_max) != 0)
        fail_msg("parse_size(\"%s\") was rejected", s);
    assert_false(is_max);
    return v;
}

static void size_bad(const char *s)
{
    uint64_t v = 12345;
    if (parse_size(s, &v, NULL) != -1)
        fail_msg("parse_size(\"%s\") was accepted as %llu", s, (unsigned long long)v);
    assert_int_equal(v, 12345); /* untouched on failure */
}

static void test_parse_size_plain(void **state)
{
    assert_int_equal(size_ok("0"), 0);
    assert_int_equal(size_ok("1"), 1);
    assert_int_equal(size_ok("4096"), 4096);
    assert_int_equal(size_ok("18446744073709551615"), UINT64_MAX);
}

static void test_parse_size_suffixes(void **state)
{
    assert_int_equal(size_ok("1K"), 1024);
    assert_int_equal(size_ok("1k"), 1024);
    assert_int_equal(size_ok("64M"), 64ull << 20);
    assert_int_equal(size_ok("64m"), 64ull << 20);
    assert_int_equal(size_ok("2G"), 2ull << 30);
    assert_int_equal(size_ok("0G"), 0);
    /* The largest count of G that still fits 64 bits. */
    assert_int_equal(size_ok("17179869183G"), 17179869183ull << 30);
}

static void test_parse_size_max(void **state)
{
    uint64_t v = 0;
    bool is_max = false;
    assert_int_equal(parse_size("max", &v, &is_max), 0);
    assert_true(is_max);
    assert_int_equal(v, UINT64_MAX);
    /* is_max may be NULL. */
    assert_int_equal(parse_size("max", &v, NULL), 0);
    size_bad("MAX");
    size_bad("maxK");
}

static void test_parse_size_rejects(void **state)
{
    size_bad("64Q");
    size_bad("-1");
    size_bad("1e99");
    size_bad("");
    size_bad("12KB");
    size_bad("12KiB");
    size_bad("K");
    size_bad(" 12");
    size_bad("12 ");
    size_bad("+12");
    size_bad("0x10");
    size_bad("1.5G");
    size_bad("99999999999999999999");
    size_bad("18446744073709551616");
    size_bad("18014398509481984G");
    size_bad("17179869184G");
    size_bad("18014398509481984K");
    uint64_t v;
    assert_int_equal(parse_size(NULL, &v, NULL), -1);
}

static void test_format_size(void **state)
{
    static const struct {
        uint64_t n;
        const char *text;
    } cases[] = {
        {0, "0"},
        {1, "1"},
        {1000, "1000"},
        {1024, "1K"},
        {1536, "1536"},
        {1536 * 1024, "1536K"},
        {64ull << 20, "64M"},
        {3ull << 30, "3G"},
        {1ull << 40, "1024G"},
        {UINT64_MAX, "18446744073709551615"},
    };
    char buf[32];
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        format_size(cases[i].n, SIZE_EXACT, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
        /* What format_size writes, parse_size reads back. */
        assert_int_equal(size_ok(buf), cases[i].n);
    }
}

static void test_format_size_truncates(void **state)
{
    char buf[4];
    format_size(123456, SIZE_EXACT, buf, sizeof buf);
    assert_string_equal(buf, "123");
}

/* --- signals ------------------------------------------------------------ */

static void test_parse_signal(void **state)
{
    assert_int_equal(parse_signal("KILL"), SIGKILL);
    assert_int_equal(parse_signal("SIGKILL"), SIGKILL);
    assert_int_equal(parse_signal("kill"), SIGKILL);
    assert_int_equal(parse_signal("sigkill"), SIGKILL);
    assert_int_equal(parse_signal("9"), SIGKILL);
    assert_int_equal(parse_signal("TERM"), SIGTERM);
    assert_int_equal(parse_signal("HUP"), SIGHUP);
    assert_int_equal(parse_signal("CHLD"), SIGCHLD);
    assert_int_equal(parse_signal("USR1"), SIGUSR1);
    assert_int_equal(parse_signal("64"), 64);
    /* Real-time signals, as kill(1) and signal_name write them. */
    assert_int_equal(parse_signal("RTMIN"), SIGRTMIN);
    assert_int_equal(parse_signal("SIGRTMIN+2"), SIGRTMIN + 2);
    assert_int_equal(parse_signal("rtmin+0"), SIGRTMIN);
    assert_int_equal(parse_signal("RTMAX"), SIGRTMAX);
    assert_int_equal(parse_signal("RTMAX-1"), SIGRTMAX - 1);
}

static void test_parse_signal_rejects(void **state)
{
    assert_int_equal(parse_signal("0"), -1);
    assert_int_equal(parse_signal("FOO"), -1);
    assert_int_equal(parse_signal(""), -1);
    assert_int_equal(parse_signal(NULL), -1);
    assert_int_equal(parse_signal("SIG"), -1);
    assert_int_equal(parse_signal("-9"), -1);
    assert_int_equal(parse_signal(" 9"), -1);
    assert_int_equal(parse_signal("9x"), -1);
    assert_int_equal(parse_signal("KILLX"), -1);
    assert_int_equal(parse_signal("SIGSIGKILL"), -1);
    assert_int_equal(parse_signal("RTMIN+"), -1);
    assert_int_equal(parse_signal("RTMIN-1"), -1);
    assert_int_equal(parse_signal("RTMIN++1"), -1);
    assert_int_equal(parse_signal("RTMAX+1"), -1);
    assert_int_equal(parse_signal("RTMIN+x"), -1);
    assert_int_equal(parse_signal("RTMINX"), -1);
    char big[32];
    snprintf(big, sizeof big, "RTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
    assert_int_equal(parse_signal(big), -1);
    snprintf(big, sizeof big, "%d", SIGRTMAX + 1);
    assert_int_equal(parse_signal(big), -1);
}

static void test_signal_name(void **state)
{
    assert_string_equal(signal_name(SIGKILL), "KILL");
    assert_string_equal(signal_name(SIGTERM), "TERM");
    assert_string_equal(signal_name(SIGCHLD), "CHLD");
    assert_string_equal(signal_name(SIGRTMIN + 3), "RTMIN+3");
    assert_string_equal(signal_name(0), "0");
}

/* Every name signal_name prints must read back as the same signal: users
 * copy what nslab shows ("killed by RTMIN+2") into kill commands. */
static void test_signal_name_round_trip(void **state)
{
    for (int sig = 1; sig <= SIGRTMAX; sig++) {
        const char *name = signal_name(sig);
        if (parse_signal(name) != sig)
            fail_msg("signal %d is named \"%s\", which parses as %d", sig, name,
                     parse_signal(name));
    }
}

/* --- numbers and PIDs --------------------------------------------------- */

static void test_parse_pid(void **state)
{
    pid_t p = 0;
    assert_int_equal(parse_pid("1", &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(parse_pid("4242", &p), 0);
    assert_int_equal(p, 4242);
    assert_int_equal(parse_pid("4194304", &p), 0); /* PID_MAX_LIMIT */
    assert_int_equal(p, 4194304);
}

static void test_parse_pid_rejects(void **state)
{
    static const char *const bad[] = {
        "0", "-1", "12a", " 1", "1 ", "+1", "", "0x10", "4194305", "99999999999999999999", "%1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        pid_t p = 77;
        if (parse_pid(bad[i], &p) != -1)
            fail_msg("parse_pid(\"%s\") was accepted as %d", bad[i], (int)p);
        assert_int_equal(p, 77);
    }
    pid_t p;
    assert_int_equal(parse_pid(NULL, &p), -1);
}

static void test_parse_long(void **state)
{
    long v = 0;
    assert_int_equal(parse_long("0", 0, 10, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(parse_long("-5", -10, 10, &v), 0);
    assert_int_equal(v, -5);
    assert_int_equal(parse_long("10", 0, 10, &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(parse_long("9223372036854775807", 0, LONG_MAX, &v), 0);
    assert_true(v == LONG_MAX);

    v = 99;
    assert_int_equal(parse_long("11", 0, 10, &v), -1);
    assert_int_equal(parse_long("-1", 0, 10, &v), -1);
    assert_int_equal(parse_long("", 0, 10, &v), -1);
    assert_int_equal(parse_long(NULL, 0, 10, &v), -1);
    assert_int_equal(parse_long(" 1", 0, 10, &v), -1);
    assert_int_equal(parse_long("1 ", 0, 10, &v), -1);
    assert_int_equal(parse_long("1x", 0, 10, &v), -1);
    assert_int_equal(parse_long("9223372036854775808", 0, LONG_MAX, &v), -1);
    assert_int_equal(v, 99);
}

/* --- edit_distance ------------------------------------------------------ */

static void test_edit_distance(void **state)
{
    assert_int_equal(edit_distance("", ""), 0);
    assert_int_equal(edit_distance("uts", "uts"), 0);
    assert_int_equal(edit_distance("", "abc"), 3);
    assert_int_equal(edit_distance("abc", ""), 3);
    assert_int_equal(edit_distance("unshare", "unshar"), 1);  /* deletion */
    assert_int_equal(edit_distance("unshare", "unsshare"), 1); /* insertion */
    assert_int_equal(edit_distance("mount", "mound"), 1);     /* substitution */
    assert_int_equal(edit_distance("kitten", "sitting"), 3);
    assert_int_equal(edit_distance("sitting", "kitten"), 3);
    assert_int_equal(edit_distance("cgcreate", "cgcraete"), 2);
}

static void test_edit_distance_long(void **state)
{
    char a[65], b[66];
    memset(a, 'a', 64);
    a[64] = '\0';
    memset(b, 'a', 65);
    b[65] = '\0';
    assert_int_equal(edit_distance(a, a), 0);
    /* Longer than anything worth suggesting: "infinitely" far. */
    assert_true(edit_distance(a, b) == (size_t)-1);
    assert_true(edit_distance(b, "a") == (size_t)-1);
}

/* --- utf8_valid --------------------------------------------------------- */

static void utf8_good(const char *s, size_t n)
{
    size_t bad = 999;
    if (!utf8_valid(s, n, &bad))
        fail_msg("valid UTF-8 rejected at offset %zu", bad);
    assert_int_equal(bad, 999);
}

static void utf8_bad(const char *s, size_t n, size_t at)
{
    size_t bad = 999;
    assert_false(utf8_valid(s, n, &bad));
    assert_int_equal(bad, at);
    assert_false(utf8_valid(s, n, NULL));
}

static void test_utf8_valid(void **state)
{
    utf8_good("", 0);
    utf8_good("unshare uts", 11);
    utf8_good("\x7f", 1);
    utf8_good("caf\xc3\xa9", 5);                     /* é, 2 bytes */
    utf8_good("\xe5\x91\xbd\xe5\x90\x8d\xe7\xa9\xba\xe9\x97\xb4", 12); /* 命名空间 */
    utf8_good("\xe2\x9c\x93", 3);                    /* ✓ */
    utf8_good("\xf0\x9f\x90\xa7", 4);                /* 🐧, 4 bytes */
    utf8_good("\xc2\x80", 2);                        /* smallest 2-byte */
    utf8_good("\xe0\xa0\x80", 3);                    /* smallest 3-byte */
    utf8_good("\xef\xbf\xbf", 3);                    /* U+FFFF */
    utf8_good("\xed\x9f\xbf", 3);                    /* U+D7FF, just below surrogates */
    utf8_good("\xee\x80\x80", 3);                    /* U+E000, just above */
    utf8_good("\xf4\x8f\xbf\xbf", 4);                /* U+10FFFF */
    /* Only n bytes are looked at. */
    utf8_good("ab\xff", 2);
}

static void test_utf8_invalid(void **state)
{
    utf8_bad("\xc0\x80", 2, 0);                 /* overlong NUL */
    utf8_bad("\xc1\xbf", 2, 0);                 /* overlong 2-byte */
    utf8_bad("ab\xe0\x80\xaf", 5, 2);           /* overlong '/' */
    utf8_bad("\xf0\x80\x80\xaf", 4, 0);         /* overlong 4-byte */
    utf8_bad("x\xed\xa0\x80", 4, 1);            /* U+D800 surrogate */
    utf8_bad("\xed\xbf\xbf", 3, 0);             /* U+DFFF surrogate */
    utf8_bad("\xf4\x90\x80\x80", 4, 0);         /* U+110000 */
    utf8_bad("\xf5\x80\x80\x80", 4, 0);
    utf8_bad("\xf8\x88\x80\x80\x80", 5, 0);     /* 5-byte form */
    utf8_bad("\xff", 1, 0);
    utf8_bad("\xfe", 1, 0);
    utf8_bad("abc\x80", 4, 3);                  /* lone continuation */
    utf8_bad("ab\xc3", 3, 2);                   /* truncated at the end */
    utf8_bad("\xe5\x91", 2, 0);                 /* truncated 3-byte */
    utf8_bad("\xe5\x91x", 3, 0);                /* continuation missing */
    utf8_bad("\xc3\xa9\xc3(", 4, 2);
    utf8_bad("ab\0cd", 5, 2);                   /* NUL byte */
    utf8_bad("\xe5\x91\xbd\0", 4, 3);
}

/* --- strbuf ------------------------------------------------------------- */

static void test_strbuf_basic(void **state)
{
    struct strbuf sb = {0};
    assert_string_equal(sb_str(&sb), "");
    sb_reset(&sb); /* on a zeroed strbuf: fine */
    sb_append(&sb, "unshare");
    sb_appendc(&sb, '(');
    sb_appendn(&sb, "CLONE_NEWUTS|junk", 12);
    sb_appendc(&sb, ')');
    sb_printf(&sb, " = %d", 0);
    assert_string_equal(sb_str(&sb), "unshare(CLONE_NEWUTS) = 0");
    assert_int_equal(sb.len, strlen("unshare(CLONE_NEWUTS) = 0"));
    assert_true(sb.cap > sb.len);

    sb_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(sb_str(&sb), "");
    sb_printf(&sb, "%s", "");
    assert_string_equal(sb_str(&sb), "");
    sb_free(&sb);
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    sb_free(&sb); /* twice is harmless */
}

/* Reserving space in an empty strbuf leaves it a valid empty string. */
static void test_strbuf_reserve_empty(void **state)
{
    struct strbuf sb = {0};
    sb_reserve(&sb, 2048);
    assert_non_null(sb.buf);
    assert_string_equal(sb_str(&sb), "");
    sb_free(&sb);
}

static void test_strbuf_grows(void **state)
{
    struct strbuf sb = {0};
    for (int i = 0; i < 10000; i++)
        sb_printf(&sb, "%d,", i % 10);
    assert_int_equal(sb.len, 20000);
    assert_int_equal(strlen(sb_str(&sb)), 20000);
    assert_memory_equal(sb.buf + 19990, "5,6,7,8,9,", 10);

    /* One large append at once. */
    char big[5000];
    memset(big, 'x', sizeof big);
    sb_appendn(&sb, big, sizeof big);
    assert_int_equal(sb.len, 25000);
    assert_int_equal(sb.buf[25000], '\0');
    sb_free(&sb);
}

/* sb_printf formats into the free space first and again after growing when
 * the text did not fit: both paths must give the same bytes. */
static void test_strbuf_printf_refits(void **state)
{
    struct strbuf sb = {0};
    sb_append(&sb, "ab");
    char word[300];
    memset(word, 'w', sizeof word - 1);
    word[sizeof word - 1] = '\0';
    size_t cap = sb.cap;
    sb_printf(&sb, "[%-310s]%d", word, 7); /* longer than any free space so far */
    assert_true(sb.cap > cap);
    assert_int_equal(sb.len, 2 + 1 + 310 + 1 + 1);
    assert_memory_equal(sb.buf, "ab[www", 6);
    assert_memory_equal(sb.buf + 2 + 1 + 299, "           ]7", 13);
    assert_int_equal(sb.buf[sb.len], '\0');
    /* Exactly filling the free space: the terminator still fits. */
    size_t room = sb.cap - sb.len - 1;
    char fill[1024];
    assert_true(room < sizeof fill);
    memset(fill, 'f', room);
    fill[room] = '\0';
    sb_printf(&sb, "%s", fill);
    assert_int_equal(strlen(sb_str(&sb)), sb.len);
    assert_int_equal(sb.buf[sb.len - 1], 'f');
    sb_free(&sb);
}

static void test_strbuf_embedded_nul(void **state)
{
    struct strbuf sb = {0};
    sb_appendn(&sb, "a\0b", 3);
    sb_appendc(&sb, '\0');
    assert_int_equal(sb.len, 4);
    assert_memory_equal(sb.buf, "a\0b\0", 5);
    sb_free(&sb);
}

static void test_strbuf_steal(void **state)
{
    struct strbuf sb = {0};
    char *empty = sb_steal(&sb);
    assert_non_null(empty);
    assert_string_equal(empty, "");
    free(empty);

    sb_append(&sb, "kept");
    char *s = sb_steal(&sb);
    assert_string_equal(s, "kept");
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    free(s);

    /* Reserving alone gives an empty string, not uninitialised bytes. */
    sb_reserve(&sb, 0);
    assert_non_null(sb.buf);
    assert_string_equal(sb_str(&sb), "");
    s = sb_steal(&sb);
    assert_string_equal(s, "");
    free(s);

    char *p = xasprintf("%s:[%llu]", "uts", 4026531838ull);
    assert_string_equal(p, "uts:[4026531838]");
    free(p);
}

static void test_cleanup_and_steal(void **state)
{
    char *kept;
    {
        cleanup_free char *p = xstrdup("owned");
        kept = steal_pointer(&p);
        assert_null(p);
    }
    assert_string_equal(kept, "owned");
    free(kept);

    int fd;
    {
        cleanup_fd int tmp = open("/dev/null", O_RDONLY | O_CLOEXEC);
        assert_true(tmp >= 0);
        fd = steal_fd(&tmp);
        assert_int_equal(tmp, -1);
    }
    assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC); /* still open */
    close(fd);

    char *n = xstrndup("namespace", 4);
    assert_string_equal(n, "name");
    free(n);
}

/* --- chomp, errno_name -------------------------------------------------- */

static void test_chomp(void **state)
{
    char a[] = "4026531838\n";
    assert_ptr_equal(chomp(a), a);
    assert_string_equal(a, "4026531838");
    char b[] = "max \t\r\n\n";
    assert_string_equal(chomp(b), "max");
    char c[] = "\n\n";
    assert_string_equal(chomp(c), "");
    char d[] = "";
    assert_string_equal(chomp(d), "");
    char e[] = "  leading kept";
    assert_string_equal(chomp(e), "  leading kept");
    char f[] = "a\nb\n";
    assert_string_equal(chomp(f), "a\nb");
}

static void test_errno_name(void **state)
{
    assert_string_equal(errno_name(EPERM), "EPERM");
    assert_string_equal(errno_name(ENOENT), "ENOENT");
    assert_string_equal(errno_name(EINVAL), "EINVAL");
    assert_string_equal(errno_name(EBUSY), "EBUSY");
    assert_string_equal(errno_name(0), "E0");
    assert_string_equal(errno_name(99999), "E99999");
    assert_string_equal(errno_name(-3), "E-3");
}

/* --- files -------------------------------------------------------------- */

struct tmpfile {
    char dir[64];
    char path[128];
};

static int tmpfile_setup(void **state)
{
    struct tmpfile *t = xcalloc(1, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/nslab-test-util.XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof t->path, "%s/file", t->dir);
    FILE *f = fopen(t->path, "w");
    if (!f) {
        rmdir(t->dir);
        free(t);
        return -1;
    }
    fputs("67108864\n", f);
    fclose(f);
    *state = t;
    return 0;
}

static int tmpfile_teardown(void **state)
{
    struct tmpfile *t = *state;
    unlink(t->path);
    rmdir(t->dir);
    free(t);
    return 0;
}

static void test_read_file_at(void **state)
{
    struct tmpfile *t = *state;
    char buf[64];

    assert_int_equal(read_file_at(AT_FDCWD, t->path, buf, sizeof buf), 9);
    assert_string_equal(buf, "67108864\n");
    assert_string_equal(chomp(buf), "67108864");

    /* Relative to a directory fd, as /proc readers use it. */
    cleanup_fd int dirfd = open(t->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(dirfd >= 0);
    memset(buf, 'z', sizeof buf);
    assert_int_equal(read_file_at(dirfd, "file", buf, sizeof buf), 9);
    assert_string_equal(buf, "67108864\n");

    /* A small buffer gets a NUL-terminated prefix. */
    char small[5];
    assert_int_equal(read_file_at(dirfd, "file", small, sizeof small), 4);
    assert_string_equal(small, "6710");

    errno = 0;
    assert_int_equal(read_file_at(dirfd, "file", small, 0), -1);
    assert_int_equal(errno, EINVAL);

    errno = 0;
    assert_int_equal(read_file_at(dirfd, "missing", buf, sizeof buf), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_read_file_sb(void **state)
{
    struct tmpfile *t = *state;
    struct strbuf sb = {0};
    sb_append(&sb, "old:");
    assert_int_equal(read_file_sb(AT_FDCWD, t->path, &sb), 0);
    assert_string_equal(sb_str(&sb), "old:67108864\n"); /* appends */

    errno = 0;
    assert_int_equal(read_file_sb(AT_FDCWD, "/nonexistent/nslab/file", &sb), -1);
    assert_int_equal(errno, ENOENT);
    sb_free(&sb);

    /* Larger than one read. */
    FILE *f = fopen(t->path, "w");
    assert_non_null(f);
    for (int i = 0; i < 3000; i++)
        fputs("line\n", f);
    fclose(f);
    assert_int_equal(read_file_sb(AT_FDCWD, t->path, &sb), 0);
    assert_int_equal(sb.len, 15000);
    sb_free(&sb);
}

static void test_now_ms(void **state)
{
    int64_t a = now_ms();
    int64_t b = now_ms();
    assert_true(a > 0);
    assert_true(b >= a);
}

/* --- escaping of bytes nslab did not write ------------------------------- */

static void test_escaped(void **state)
{
    char *s = str_escaped("a\x1b[31mb\tc\x7f\xff\xc3\xa9 \xe4\xb8\xad");
    assert_string_equal(s, "a\\x1b[31mb\\x09c\\x7f\\xff\xc3\xa9 \xe4\xb8\xad");
    free(s);
    s = str_quoted("say \"hi\"\\\n");
    assert_string_equal(s, "\"say \\\"hi\\\"\\\\\\n\"");
    free(s);
    struct strbuf sb = {0};
    sb_append_escaped(&sb, "one\ntwo\r", 8, ESC_KEEP_NL);
    assert_string_equal(sb_str(&sb), "one\ntwo\\x0d");
    sb_free(&sb);
    /* a truncated sequence at the end is bytes, not a character */
    s = str_escaped("x\xe4\xb8");
    assert_string_equal(s, "x\\xe4\\xb8");
    free(s);
}

/* --- what a privileged run trusts ---------------------------------------- */

static void test_path_trusted(void **state)
{
    if (geteuid() != 0)
        skip(); /* only root can make root-owned trees */
    char dir[] = "/tmp/nslab-trust.XXXXXX", sub[64];
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/t", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    assert_true(path_trusted(sub)); /* root's, 0755, under root's 0700 under sticky /tmp */
    assert_int_equal(chmod(sub, 0775), 0);
    assert_false(path_trusted(sub)); /* group-writable */
    assert_int_equal(chmod(sub, 0755), 0);
    assert_int_equal(chmod(dir, 0777), 0);
    assert_false(path_trusted(sub)); /* a directory above others may write, not sticky */
    assert_int_equal(chmod(dir, 01777), 0);
    assert_true(path_trusted(sub)); /* sticky: they cannot replace root's entry */
    assert_int_equal(chown(sub, 65534, 65534), 0);
    assert_false(path_trusted(sub)); /* not root's */
    assert_false(path_trusted("/nonexistent/nslab"));
    rmdir(sub);
    rmdir(dir);
}

/* A checkout a user cloned and built with sudo: root's build below the
 * user's directory. Root runs its binary; the data beside it is trusted
 * with the owners of the binary's path, and only with them. */
static void test_path_trusted_by_owners(void **state)
{
    if (geteuid() != 0)
        skip(); /* only root can give files away */
    char top[] = "/tmp/nslab-trust.XXXXXX", co[64], build[80], bin[96], data[96];
    assert_non_null(mkdtemp(top));
    assert_int_equal(chmod(top, 0755), 0);
    snprintf(co, sizeof co, "%s/checkout", top);
    snprintf(build, sizeof build, "%s/build", co);
    snprintf(bin, sizeof bin, "%s/nslab", build);
    snprintf(data, sizeof data, "%s/locale", build);
    assert_int_equal(mkdir(co, 0755), 0);
    assert_int_equal(chown(co, 65534, 65534), 0);
    assert_int_equal(mkdir(build, 0755), 0);
    assert_int_equal(mkdir(data, 0755), 0);
    int fd = open(bin, O_CREAT | O_WRONLY, 0755);
    assert_true(fd >= 0);
    close(fd);

    uid_t owners[8];
    size_t n = path_owners(bin, owners, ARRAY_SIZE(owners));
    assert_int_equal(n, 2); /* root (the build, /tmp, /) and the checkout's 65534 */
    assert_false(path_trusted(data)); /* below a directory root does not own */
    assert_true(path_trusted_by(data, owners, n));
    uid_t other = 1234;
    assert_false(path_trusted_by(data, &other, 1));
    assert_int_equal(chmod(data, 0775), 0);
    assert_false(path_trusted_by(data, owners, n)); /* group-writable all the same */
    assert_int_equal(path_owners("/nonexistent/nslab", owners, ARRAY_SIZE(owners)), 0);

    unlink(bin);
    rmdir(data);
    rmdir(build);
    rmdir(co);
    rmdir(top);
}

/* --- a translation is a format only with the conversions of its msgid ---- */

static void test_formats_match(void **state)
{
    assert_true(i18n_formats_match("no conversion", "没有"));
    assert_true(i18n_formats_match("%s has %d", "%s 有 %d"));
    assert_true(i18n_formats_match("%s in %s: %d", "%3$d：%2$s 中的 %1$s"));
    assert_true(i18n_formats_match("%-*s|%zu%%", "%-*s｜%zu%%"));
    assert_true(i18n_formats_match("%ld and %lu", "%lx 和 %lo")); /* same size, as msgfmt */
    assert_true(i18n_formats_match("x %d y %.0s", "%2$.0s%1$d"));
    assert_false(i18n_formats_match("hello", "%p %p")); /* leaks pointers */
    assert_false(i18n_formats_match("%s", "%n"));       /* writes memory */
    assert_false(i18n_formats_match("%s", "%s %n"));
    assert_false(i18n_formats_match("%d", "%s"));           /* another type */
    assert_false(i18n_formats_match("%s %d", "%d %s"));     /* another order */
    assert_false(i18n_formats_match("%s %s", "%s"));        /* one missing */
    assert_false(i18n_formats_match("%d", "%ld"));          /* another size */
    assert_false(i18n_formats_match("%s %s", "%1$s %s"));   /* numbered and not */
    assert_false(i18n_formats_match("%s %s", "%2$s %2$s")); /* a hole */
    assert_true(i18n_formats_match("%s to %d by %s", "%3$s 向 %2$d，%3$s 再 %1$s")); /* reread */
    assert_false(i18n_formats_match("%s %d", "%1$s %1$d")); /* reread as another type */
    assert_false(i18n_formats_match("%s", "%y"));           /* no conversion at all */
}

/* sb_append_padded pads as printf's %-*s does (the observation's columns). */
static void test_append_padded(void **state)
{
    struct strbuf sb = {0}, ref = {0};
    static const char *const words[] = {"", "a", "time_for_children", "exactly18characters",
                                        "much longer than the width"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++) {
        for (size_t w = 0; w < 30; w += 7) {
            sb_append_padded(&sb, words[k], w);
            sb_printf(&ref, "%-*s", (int)w, words[k]);
        }
    }
    assert_string_equal(sb_str(&sb), sb_str(&ref));
    assert_int_equal(sb.len, ref.len);
    sb_free(&sb);
    sb_free(&ref);
}

/* Chinese takes two columns a character (its punctuation too), so a
 * table padded by sb_append_padded stays aligned in either language. */
static void test_padded_wide(void **state)
{
    assert_int_equal(str_cols("same"), 4);
    assert_int_equal(str_cols("相同"), 4);
    assert_int_equal(str_cols("主体 4242"), 9);
    assert_int_equal(str_cols("（无）"), 6);
    assert_int_equal(str_cols("NSPID（外 → 内）"), 16);
    struct strbuf sb = {0};
    sb_append_padded(&sb, "相同", 8);
    sb_append(&sb, "|");
    sb_append_padded(&sb, "待处理", 4);
    sb_append(&sb, "|");
    assert_string_equal(sb_str(&sb), "相同    |待处理|");
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_padded_wide),
        cmocka_unit_test(test_parse_size_plain),
        cmocka_unit_test(test_parse_size_suffixes),
        cmocka_unit_test(test_parse_size_max),
        cmocka_unit_test(test_parse_size_rejects),
        cmocka_unit_test(test_format_size),
        cmocka_unit_test(test_format_size_truncates),
        cmocka_unit_test(test_parse_signal),
        cmocka_unit_test(test_parse_signal_rejects),
        cmocka_unit_test(test_signal_name),
        cmocka_unit_test(test_signal_name_round_trip),
        cmocka_unit_test(test_parse_pid),
        cmocka_unit_test(test_parse_pid_rejects),
        cmocka_unit_test(test_parse_long),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_edit_distance_long),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_strbuf_basic),
        cmocka_unit_test(test_strbuf_reserve_empty),
        cmocka_unit_test(test_strbuf_grows),
        cmocka_unit_test(test_strbuf_printf_refits),
        cmocka_unit_test(test_strbuf_embedded_nul),
        cmocka_unit_test(test_strbuf_steal),
        cmocka_unit_test(test_cleanup_and_steal),
        cmocka_unit_test(test_chomp),
        cmocka_unit_test(test_errno_name),
        cmocka_unit_test_setup_teardown(test_read_file_at, tmpfile_setup, tmpfile_teardown),
        cmocka_unit_test_setup_teardown(test_read_file_sb, tmpfile_setup, tmpfile_teardown),
        cmocka_unit_test(test_now_ms),
        cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_path_trusted),
        cmocka_unit_test(test_path_trusted_by_owners),
        cmocka_unit_test(test_formats_match),
        cmocka_unit_test(test_append_padded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
