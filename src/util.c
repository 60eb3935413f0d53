#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

void cleanup_freep(void *p)
{
    free(*(void **)p);
}

void cleanup_sbp(struct strbuf *sb)
{
    int saved = errno;
    sb_free(sb);
    errno = saved;
}

void cleanup_fdp(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}

void cleanup_filep(FILE **f)
{
    if (*f)
        fclose(*f);
}

static void oom(void)
{
    static const char msg[] = "nslab: out of memory\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing left to report with */
    }
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    if (!p)
        oom();
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    struct strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    return sb_steal(&sb);
}

void sb_reserve(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
    /* A strbuf that only reserved is still a valid (empty) string: the
     * lexer reserves to make a quoted "" a word, and steals the buffer. */
    sb->buf[sb->len] = '\0';
}

void sb_appendn(struct strbuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_append(struct strbuf *sb, const char *s)
{
    sb_appendn(sb, s, strlen(s));
}

void sb_appendc(struct strbuf *sb, char c)
{
    sb_appendn(sb, &c, 1);
}

size_t str_cols(const char *s)
{
    size_t cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) == 0x80)
            continue;
        unsigned cp = 0;
        if ((*p & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
            cp = ((*p & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
        bool wide = (*p & 0xf8) == 0xf0 || (cp >= 0x1100 && cp <= 0x115f) ||
                    (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
                    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
                    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6);
        cols += wide ? 2 : 1;
    }
    return cols;
}

void sb_append_padded(struct strbuf *sb, const char *s, size_t width)
{
    size_t n = strlen(s), c = str_cols(s), pad = c < width ? width - c : 0;
    sb_reserve(sb, n + pad);
    memcpy(sb->buf + sb->len, s, n);
    memset(sb->buf + sb->len + n, ' ', pad);
    sb->len += n + pad;
    sb->buf[sb->len] = '\0';
}

void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    /* Format straight into the free space; only when it does not fit,
     * grow and format again. Rendering every step is made of these calls,
     * and most fit, so most are formatted once, not measured first. */
    sb_reserve(sb, 64);
    size_t room = sb->cap - sb->len;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(sb->buf + sb->len, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        sb_reserve(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    }
    sb->len += (size_t)n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

const char *sb_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *sb_steal(struct strbuf *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return p;
}

ssize_t read_file_at(int dirfd, const char *path, char *buf, size_t size)
{
    if (size == 0) {
        errno = EINVAL;
        return -1;
    }
    cleanup_fd int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    while (got < size - 1) {
        ssize_t n = read(fd, buf + got, size - 1 - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    return (ssize_t)got;
}

int read_file_sb(int dirfd, const char *path, struct strbuf *sb)
{
    cleanup_fd int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    sb_reserve(sb, 0); /* an empty file still leaves a terminated string */
    sb->buf[sb->len] = '\0';
    for (;;) {
        sb_reserve(sb, 4096);
        sb->buf[sb->len] = '\0'; /* an empty file still reads as "" */
        ssize_t n = read(fd, sb->buf + sb->len, sb->cap - sb->len - 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        sb->len += (size_t)n;
        sb->buf[sb->len] = '\0';
    }
    return 0;
}

char *chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

const char *errno_name(int err)
{
    static __thread char buf[16];
    const char *n = err ? strerrorname_np(err) : NULL;
    if (n)
        return n;
    snprintf(buf, sizeof buf, "E%d", err);
    return buf;
}

const char *signal_name(int sig)
{
    static __thread char buf[16];
    const char *n = sigabbrev_np(sig);
    if (n)
        return n;
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
        snprintf(buf, sizeof buf, "RTMIN+%d", sig - SIGRTMIN);
        return buf;
    }
    snprintf(buf, sizeof buf, "%d", sig);
    return buf;
}

int parse_signal(const char *s)
{
    long n;
    if (!s || !*s)
        return -1;
    if (parse_long(s, 1, SIGRTMAX, &n) == 0)
        return (int)n;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int sig = 1; sig < NSIG; sig++) {
        const char *name = sigabbrev_np(sig);
        if (name && strcasecmp(name, s) == 0)
            return sig;
    }
    /* Real-time signals have no abbreviation: read the names signal_name
     * prints ("RTMIN+2") and kill(1)'s ("RTMIN", "RTMAX-1"). */
    if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
        bool max = strncasecmp(s, "RTMAX", 5) == 0;
        const char *rest = s + 5;
        long off = 0;
        if (*rest && (*rest != (max ? '-' : '+') || !isdigit((unsigned char)rest[1]) ||
                      parse_long(rest + 1, 0, SIGRTMAX - SIGRTMIN, &off) < 0))
            return -1;
        return max ? SIGRTMAX - (int)off : SIGRTMIN + (int)off;
    }
    return -1;
}

int parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_pid(const char *s, pid_t *out)
{
    long v;
    if (!s || !isdigit((unsigned char)s[0]) || parse_long(s, 1, 4194304, &v) < 0)
        return -1;
    *out = (pid_t)v;
    return 0;
}

int parse_size(const char *s, uint64_t *out, bool *is_max)
{
    if (is_max)
        *is_max = false;
    if (!s || !*s)
        return -1;
    if (strcmp(s, "max") == 0) {
        *out = UINT64_MAX;
        if (is_max)
            *is_max = true;
        return 0;
    }
    uint64_t v = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    unsigned shift = 0;
    switch (*p) {
    case '\0':
        break;
    case 'k': case 'K': shift = 10; p++; break;
    case 'm': case 'M': shift = 20; p++; break;
    case 'g': case 'G': shift = 30; p++; break;
    default:
        return -1;
    }
    /* Accept "64MB"/"64MiB"? No: one spelling, as the SPEC says. */
    if (*p)
        return -1;
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

static const char size_units[] = "KMGTPE";

static void format_size_rounded(uint64_t n, char *buf, size_t size)
{
    double v = (double)n;
    int u = -1;
    /* n >= 1024 here, so the loop runs at least once: u >= 0 below. */
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    /* One decimal below 100 of a unit, none above; no ".0". */
    if (u < 0)
        u = 0;
    if (v < 99.95 && (uint64_t)(v * 10 + 0.5) % 10 != 0)
        snprintf(buf, size, "%.1f%c", v, size_units[u]);
    else
        snprintf(buf, size, "%.0f%c", v, size_units[u]);
}

void format_size(uint64_t n, enum size_form form, char *buf, size_t size)
{
    if (form == SIZE_ROUNDED && n >= 1024) {
        format_size_rounded(n, buf, size);
        return;
    }
    /* Exact: the largest of K, M, G that divides n. */
    int i = -1;
    while (i < 2 && n >= 1024 && n % 1024 == 0) {
        n /= 1024;
        i++;
    }
    if (i < 0)
        snprintf(buf, size, "%llu", (unsigned long long)n);
    else
        snprintf(buf, size, "%llu%c", (unsigned long long)n, size_units[i]);
}

size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

bool utf8_valid(const char *str, size_t n, size_t *bad_at)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned min;
        if (c == 0)
            goto bad;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2, min = 0x80, c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3, min = 0x800, c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            goto bad;
        }
        if (i + len > n)
            goto bad;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                goto bad;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            goto bad;
        i += len;
    }
    return true;
bad:
    if (bad_at)
        *bad_at = i;
    return false;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_seq(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t len = c < 0x80             ? 1
                 : (c & 0xe0) == 0xc0 ? 2
                 : (c & 0xf0) == 0xe0 ? 3
                 : (c & 0xf8) == 0xf0 ? 4
                                      : 0;
    if (len == 0 || len > n)
        return 0;
    return utf8_valid(s, len, NULL) ? len : 0;
}

void sb_append_escaped(struct strbuf *sb, const char *s, size_t n, unsigned flags)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c ? utf8_seq(s + i, n - i) : 0;
        if (len > 1) {
            sb_appendn(sb, s + i, len);
            i += len;
            continue;
        }
        i++;
        /* A C escape for the few bytes ESC_QUOTE names. */
        const char *named = NULL;
        if (flags & ESC_QUOTE)
            named = c == '"'    ? "\\\""
                    : c == '\\' ? "\\\\"
                    : c == '\n' ? "\\n"
                    : c == '\t' ? "\\t"
                                : NULL;
        bool kept = (flags & ESC_KEEP_NL) && (c == '\n' || c == '\t');
        bool plain = len == 1 && c >= 0x20 && c != 0x7f;
        if (flags & ESC_JSON) {
            /* JSON escapes its controls itself; a byte that is not UTF-8 is
             * spelled out. */
            if (len == 1)
                sb_appendc(sb, (char)c);
            else
                sb_printf(sb, "\\\\x%02x", c);
        } else if (named) {
            sb_append(sb, named);
        } else if (plain || kept) {
            sb_appendc(sb, (char)c);
        } else {
            sb_printf(sb, "\\x%02x", c);
        }
    }
}

char *str_escaped(const char *s)
{
    struct strbuf sb = {0};
    sb_append_escaped(&sb, s, strlen(s), 0);
    return sb_steal(&sb);
}

char *str_quoted(const char *s)
{
    struct strbuf sb = {0};
    sb_appendc(&sb, '"');
    sb_append_escaped(&sb, s, strlen(s), ESC_QUOTE);
    sb_appendc(&sb, '"');
    return sb_steal(&sb);
}

uid_t user_real(gid_t *gid)
{
    uid_t u = getuid();
    gid_t g = getgid();
    const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
    long v;
    if (u == 0 && su && parse_long(su, 0, (long)UINT32_MAX - 1, &v) == 0) {
        u = (uid_t)v;
        g = sg && parse_long(sg, 0, (long)UINT32_MAX - 1, &v) == 0 ? (gid_t)v : (gid_t)u;
    }
    if (gid)
        *gid = g;
    return u;
}

int user_file_open(const char *path, mode_t mode, enum user_file_why *why, uid_t *owner)
{
    gid_t gid;
    uid_t uid = user_real(&gid);
    bool made = true;
    *why = USER_FILE_ERRNO;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
    if (fd < 0 && errno == EEXIST) {
        made = false;
        /* O_NONBLOCK: opening a FIFO must not wait for a reader. */
        fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    }
    if (fd < 0) {
        if (errno == ELOOP)
            *why = USER_FILE_LINK;
        else if (errno == ENXIO)
            *why = USER_FILE_SPECIAL;
        return -1;
    }
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) < 0) {
        err = errno;
    } else if (!S_ISREG(st.st_mode)) {
        *why = USER_FILE_SPECIAL;
    } else if (made && st.st_uid != uid && fchown(fd, uid, gid) < 0) {
        /* root made it in the user's place: it is theirs, or it goes */
        err = errno;
        unlink(path);
    } else if (!made && st.st_uid != uid) {
        *why = USER_FILE_FOREIGN;
        if (owner)
            *owner = st.st_uid;
    } else {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0)
            return fd;
        err = errno;
    }
    close(fd);
    errno = err ? err : EPERM;
    return -1;
}

void stop_signals_block(sigset_t *old)
{
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, old);
}

bool running_privileged(void)
{
    if (geteuid() == 0)
        return true;
    /* The real /proc, whatever a test hook says. */
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return true; /* cannot tell: assume the worst */
    char line[256];
    bool caps = true;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "CapEff:", 7) == 0) {
            caps = strtoull(line + 7, NULL, 16) != 0;
            break;
        }
    }
    fclose(f);
    return caps;
}

static bool uid_among(uid_t uid, const uid_t *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (v[k] == uid)
            return true;
    return false;
}

/* Cut real (an absolute path) to its parent; false at "/". */
static bool path_up(char *real)
{
    if (strcmp(real, "/") == 0)
        return false;
    char *slash = strrchr(real, '/');
    if (slash == real)
        slash[1] = '\0';
    else
        *slash = '\0';
    return true;
}

size_t path_owners(const char *path, uid_t *out, size_t max)
{
    cleanup_free char *real = realpath(path, NULL);
    size_t n = 0;
    if (!real)
        return 0;
    do {
        struct stat st;
        if (lstat(real, &st) == 0 && !uid_among(st.st_uid, out, n) && n < max)
            out[n++] = st.st_uid;
    } while (path_up(real));
    return n;
}

bool path_trusted_by(const char *path, const uid_t *owners, size_t n)
{
    cleanup_free char *real = realpath(path, NULL);
    if (!real)
        return false;
    bool leaf = true;
    for (;;) {
        struct stat st;
        if (lstat(real, &st) < 0 || (st.st_uid != 0 && !uid_among(st.st_uid, owners, n)))
            return false;
        /* A directory above may be writable by others when it is sticky
         * (/tmp): they can neither rename nor remove what root owns there. */
        bool sticky = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (leaf || !sticky))
            return false;
        if (!path_up(real))
            return true;
        leaf = false;
    }
}

bool path_trusted(const char *path)
{
    return path_trusted_by(path, NULL, 0);
}

void term_size(int fd, int *cols, int *rows)
{
    struct winsize ws;
    bool ok = ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row;
    *cols = ok ? ws.ws_col : 80;
    *rows = ok ? ws.ws_row : 24;
}

/* One key from the terminal, read without echo or line editing; -1 at an
 * error or end of file. ISIG off: Ctrl-C comes as its byte. */
static int tty_key(int fd)
{
    struct termios old, raw;
    if (tcgetattr(fd, &old) < 0)
        return -1;
    raw = old;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &raw) < 0)
        return -1;
    unsigned char c;
    ssize_t n;
    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    tcsetattr(fd, TCSANOW, &old);
    return n == 1 ? c : -1;
}

void tty_page(int in_fd, FILE *out, const char *text, int rows, const char *prompt)
{
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    if (rows < 3 || lines <= (size_t)rows - 1) {
        fputs(text, out);
        return;
    }
    const char *p = text;
    int room = rows - 1;
    while (*p) {
        for (; *p && room > 0; room--) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
            fwrite(p, 1, len, out);
            p += len;
        }
        if (!*p)
            break;
        fprintf(out, "%s", prompt);
        fflush(out);
        int key = tty_key(in_fd);
        fprintf(out, "\r%*s\r", (int)str_cols(prompt), "");
        if (key == ' ' || key == 'f')
            room = rows - 1;
        else if (key == '\r' || key == '\n' || key == 'j')
            room = 1;
        else
            break; /* q, Ctrl-C, Ctrl-D, an error: enough */
    }
    fflush(out);
}

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        oom(); /* EVP_Digest fails only when it cannot allocate */
    for (unsigned k = 0; k < n; k++)
        snprintf(hex + 2 * k, 3, "%02x", md[k]);
    hex[64] = '\0';
}

int data_dir_find(char *buf, size_t size, const char *env, const char *const *rel, size_t nrel,
                  const char *probe)
{
    /* A privileged run reads messages (printf formats) and texts only from
     * where nobody but root could have written them. */
    bool careful = running_privileged();
    const char *named = getenv(env);
    if (named && *named) {
        cleanup_free char *path = xasprintf("%s/%s", named, probe);
        if (!careful || path_trusted(path)) {
            snprintf(buf, size, "%s", named);
            return 0;
        }
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    /* Beside the binary, whoever could put another binary in its place may
     * own the data too: the owner of the binary and of every directory above
     * it has root already when root runs it (a checkout a user cloned and
     * built with sudo: the user owns the checkout, root the build); nobody
     * else may. */
    uid_t owners[64];
    size_t nowners = path_owners("/proc/self/exe", owners, ARRAY_SIZE(owners));
    for (size_t k = 0; k < nrel; k++) {
        cleanup_free char *dir = xasprintf("%s/%s", exe, rel[k]);
        cleanup_free char *path = xasprintf("%s/%s", dir, probe);
        if (access(path, R_OK) == 0 && strlen(dir) < size &&
            (!careful || path_trusted_by(path, owners, nowners))) {
            memcpy(buf, dir, strlen(dir) + 1);
            return 0;
        }
    }
    return -1;
}
