/* Small helpers shared by every module: memory, cleanup attributes, string
 * buffers, file reading, and parsers of the words users type (sizes, PIDs,
 * signals). Nothing here prints or exits, except xmalloc on OOM. */
#ifndef NSLAB_UTIL_H
#define NSLAB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))

void cleanup_freep(void *p);
void cleanup_fdp(int *fd);
void cleanup_filep(FILE **f);
struct strbuf;
void cleanup_sbp(struct strbuf *sb);
#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_fd __attribute__((cleanup(cleanup_fdp)))
#define cleanup_file __attribute__((cleanup(cleanup_filep)))
/* A struct strbuf freed at the end of its scope (errno kept). */
#define cleanup_sb __attribute__((cleanup(cleanup_sbp)))

/* Take ownership out of a cleanup_* variable. */
#define steal_pointer(pp)                                                      \
    ({                                                                         \
        __typeof__(*(pp)) _stolen = *(pp);                                     \
        *(pp) = NULL;                                                          \
        _stolen;                                                               \
    })
#define steal_fd(fdp)                                                          \
    ({                                                                         \
        int _fd = *(fdp);                                                      \
        *(fdp) = -1;                                                           \
        _fd;                                                                   \
    })

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);

/* A growable NUL-terminated string. A zeroed struct is a valid empty one. */
struct strbuf {
    char *buf;
    size_t len, cap;
};
void sb_reserve(struct strbuf *sb, size_t extra);
void sb_append(struct strbuf *sb, const char *s);
void sb_appendn(struct strbuf *sb, const char *s, size_t n);
void sb_appendc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) PRINTF(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* s, then spaces up to width bytes (printf's %-*s without the formatting). */
/* Appends s padded with spaces to width terminal columns (a wide East
 * Asian character counts two, as str_cols says). */
void sb_append_padded(struct strbuf *sb, const char *s, size_t width);
/* The columns s takes on a terminal: UTF-8, a character of the wide and
 * fullwidth ranges of UAX #11 (CJK, its punctuation) two, others one. */
size_t str_cols(const char *s);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* "" when empty: never NULL. */
const char *sb_str(const struct strbuf *sb);
/* Hand the buffer to the caller (never NULL) and reset sb. */
char *sb_steal(struct strbuf *sb);

/* Read a whole (small, /proc or cgroup) file relative to dirfd (AT_FDCWD for
 * absolute paths). Returns bytes read, or -1 with errno set. */
ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size);
/* Same into a strbuf (no size limit). */
int read_file_sb(int dirfd, const char *path, struct strbuf *sb);
/* Where nslab's data files are, into buf: the directory the environment
 * variable env names when it is set, else the first of the directories
 * rel[] (relative to the running binary's own directory) in which `probe`
 * can be read: beside the binary in a source tree, under ../share once
 * installed. */
int data_dir_find(char *buf, size_t size, const char *env, const char *const *rel, size_t nrel,
                  const char *probe);
/* Strip trailing newlines/spaces in place; returns s. */
char *chomp(char *s);

/* The kernel's name for an errno value ("EPERM"), or "E<number>". */
const char *errno_name(int err);
/* Signal names without the SIG prefix ("KILL"), and parsing of "KILL",
 * "SIGKILL", "kill" or "9". parse_signal returns -1 when unknown. */
const char *signal_name(int sig);
int parse_signal(const char *s);

/* Strict number parsing: the whole word must be a number in range. 0 or -1. */
int parse_long(const char *s, long min, long max, long *out);
/* A positive PID that fits pid_t. */
int parse_pid(const char *s, pid_t *out);
/* SIZE per SPEC §2: digits with an optional K, M or G (powers of 1024), or
 * "max" (then *is_max is set and *out is UINT64_MAX). 0 or -1. */
int parse_size(const char *s, uint64_t *out, bool *is_max);
/* The one formatter of byte counts (units of 1024). */
enum size_form {
    SIZE_EXACT,   /* the way parse_size reads it back: "64M", "1536K", "100" */
    SIZE_ROUNDED, /* for reading: "30.1M", "512K", "1.5G", "0" (K to E, one
                   * decimal below 100 of a unit, none when it is .0) */
};
void format_size(uint64_t n, enum size_form form, char *buf, size_t size);

/* Levenshtein distance, for "did you mean". */
size_t edit_distance(const char *a, const char *b);

/* True when s[0..n) is valid UTF-8 without NUL bytes; on failure *bad_at is
 * the offset of the first offending byte. */
bool utf8_valid(const char *s, size_t n, size_t *bad_at);

/* The one way nslab shows bytes it did not write (paths, hostnames, a
 * process's command line, a word typed): valid UTF-8 stays, every control
 * character and every byte that is not UTF-8 becomes \xNN, so nothing
 * reaches a terminal raw and every JSON string is valid. ESC_KEEP_NL keeps
 * newlines and tabs; ESC_QUOTE writes a C string body (also \" \\ \n \t),
 * for the trace's quoted arguments. ESC_JSON: s is JSON text already (its
 * control characters escaped), only bytes that are not UTF-8 change, to
 * \\xNN inside their string. */
enum { ESC_KEEP_NL = 1, ESC_QUOTE = 2, ESC_JSON = 4 };
void sb_append_escaped(struct strbuf *sb, const char *s, size_t n, unsigned flags);
/* A new string: s escaped as above (flags 0). */
char *str_escaped(const char *s);
/* A new string: s in double quotes, escaped with ESC_QUOTE. */
char *str_quoted(const char *s);

/* The user this run is for: SUDO_UID (and SUDO_GID) when root runs it
 * through sudo, else the real uid and gid. Files nslab makes for the user
 * (history, records) belong to them. */
uid_t user_real(gid_t *gid);
/* Opens PATH to be written for that user: a new file made as theirs (MODE),
 * or a regular file they own already; never through a symbolic link, never
 * a FIFO, socket or device. The descriptor (blocking, not yet truncated:
 * the caller may check more first), or -1 with *why saying what stood in
 * the way (errno set for USER_FILE_ERRNO). */
enum user_file_why {
    USER_FILE_ERRNO,   /* open, fstat, fchown or ftruncate failed */
    USER_FILE_LINK,    /* a symbolic link */
    USER_FILE_SPECIAL, /* not a regular file */
    USER_FILE_FOREIGN, /* another user's file; *owner says whose */
};
int user_file_open(const char *path, mode_t mode, enum user_file_why *why, uid_t *owner);
/* Running with privilege: euid 0, or any effective capability. Such a run
 * ignores the hooks meant for tests and data it cannot trust (see
 * path_trusted). */
bool running_privileged(void);
/* Blocks SIGINT, SIGTERM and SIGHUP, the signals that end or interrupt a
 * wait, saving the mask before in *old: a wait then lets them in only inside
 * ppoll(..., old), so one that lands before it sleeps cuts it short. */
void stop_signals_block(sigset_t *old);
/* PATH (resolved) and every directory above it are owned by root and not
 * writable by group or others (a sticky directory such as /tmp may be):
 * nobody but root could have put what it holds there. */
bool path_trusted(const char *path);
/* The same, with each of the n owners trusted as root is. */
bool path_trusted_by(const char *path, const uid_t *owners, size_t n);
/* The owners of PATH (resolved) and of every directory above it, each
 * once, into out (at most max); returns how many, 0 when it cannot be
 * resolved. Whoever is among them could put another file at PATH. */
size_t path_owners(const char *path, uid_t *out, size_t max);

/* The size of the terminal on fd, or 80x24 when fd is no terminal. */
void term_size(int fd, int *cols, int *rows);

/* text on out, a page at a time when it has more lines than rows - 1: after
 * each page, prompt (one line, erased after the key) and read one key from
 * the terminal in_fd, without echo: Space or f shows the next page, Enter or
 * j one more line, q, Ctrl-C, Ctrl-D or an error the end is left unshown.
 * Shorter text, or rows < 3, is written whole. */
void tty_page(int in_fd, FILE *out, const char *text, int rows, const char *prompt);

/* Monotonic milliseconds. */
int64_t now_ms(void);

/* SHA-256 of the len bytes at data (libcrypto), as 64 lowercase hex digits
 * and a NUL in hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
