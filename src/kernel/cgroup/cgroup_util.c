#define _GNU_SOURCE
#include "kernel/cgroup/cgroup_impl.h"
#include "i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cg_read_sb(const char *path, struct strbuf *sb)
{
    if (read_file_sb(AT_FDCWD, path, sb) < 0)
        return -1;
    sb_appendn(sb, "", 0);
    return 0;
}

int cg_join(char *buf, size_t size, const char *dir, const char *file)
{
    /* Copied, not formatted: the observation joins every file it reads,
     * every step. */
    size_t d = strlen(dir), f = strlen(file);
    if (d + 1 + f >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, dir, d + 1); /* with its NUL, which the '/' replaces */
    buf[d] = '/';
    memcpy(buf + d + 1, file, f + 1);
    return 0;
}

int cg_read_text(const char *dir, const char *file, char *buf, size_t size)
{
    char path[CG_PATH_MAX + 256];
    if (cg_join(path, sizeof path, dir, file) < 0 || read_file_at(AT_FDCWD, path, buf, size) < 0)
        return -1;
    chomp(buf);
    return 0;
}

bool cg_words_have(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; *p;) {
        p += strspn(p, " \n");
        size_t len = strcspn(p, " \n");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
    }
    return false;
}

bool cg_key_value(const char *text, const char *key, char *val, size_t size)
{
    size_t klen = strlen(key);
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        if (len > klen && strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t')) {
            const char *v = p + klen + 1;
            size_t vlen = len - klen - 1;
            snprintf(val, size, "%.*s", (int)vlen, v);
            return true;
        }
        p += len;
        if (*p)
            p++;
    }
    return false;
}

int cg_read_kept(const struct cg_stats *st, struct cg_files *kf, const char *dir,
                 const char *file, char *buf, size_t size)
{
    if (!kf)
        return cg_read_text(dir, file, buf, size);
    char path[CG_PATH_MAX + 256];
    unsigned flags = CGF_ONE_RECORD | (st->version == 1 ? CGF_ABSENT_FINAL : 0);
    if (cg_join(path, sizeof path, dir, file) < 0 ||
        cg_files_read_buf(kf, path, flags, buf, size) < 0)
        return -1;
    chomp(buf);
    return 0;
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n)
{
    char path[CG_PATH_MAX + 256];
    struct strbuf sb = {0};
    *pids = NULL;
    *n = 0;
    if (cg_join(path, sizeof path, dir, "cgroup.procs") < 0 || cg_read_sb(path, &sb) < 0) {
        int err = errno;
        sb_free(&sb);
        errno = err;
        return -1;
    }
    cg_parse_pids(sb.buf, pids, n);
    sb_free(&sb);
    return 0;
}

void cg_parse_pids(char *text, pid_t **pids, size_t *n)
{
    size_t cap = 0;
    char *save = NULL;
    *pids = NULL;
    *n = 0;
    for (char *tok = strtok_r(text, " \n", &save); tok;
         tok = strtok_r(NULL, " \n", &save)) {
        pid_t pid;
        if (parse_pid(tok, &pid) < 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *pids = xrealloc(*pids, cap * sizeof **pids);
        }
        (*pids)[(*n)++] = pid;
    }
}

void cg_format_pids(const struct nsl_paths *paths, const pid_t *pids, size_t n,
                    struct strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        char path[300], comm[64];
        proc_path(paths, path, sizeof path, "%d/comm", pids[i]);
        if (read_file_at(AT_FDCWD, path, comm, sizeof comm) < 0)
            snprintf(comm, sizeof comm, "?");
        sb_printf(out, "%s%d (%s)", i ? ", " : "", pids[i], chomp(comm));
    }
}

void cg_stats_add(struct cg_stats *st, const char *file, const char *key, const char *value)
{
    if (st->nreads == st->capreads) {
        st->capreads = st->capreads ? st->capreads * 2 : 8;
        st->reads = xrealloc(st->reads, st->capreads * sizeof *st->reads);
    }
    st->reads[st->nreads++] = (struct cg_read){
        .file = xstrdup(file),
        .key = key ? xstrdup(key) : NULL,
        .value = xstrdup(value),
    };
}

/* "max", or a decimal number (v1 says -1 for no limit). */
static void num_parse(const char *text, uint64_t max_from, uint64_t div, struct cg_num *out)
{
    *out = (struct cg_num){0};
    if (strcmp(text, "max") == 0 || strcmp(text, "-1") == 0) {
        out->known = out->is_max = true;
        out->v = UINT64_MAX;
        return;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || (*end && *end != ' '))
        return;
    out->known = true;
    out->v = div > 1 ? v / div : v;
    if (max_from && v >= max_from) {
        out->is_max = true;
        out->v = UINT64_MAX;
    }
}

void cg_stat_num(struct cg_stats *st, struct cg_files *kf, const char *dir, const char *file,
                 uint64_t max_from, struct cg_num *out)
{
    char buf[128];
    *out = (struct cg_num){0};
    if (cg_read_kept(st, kf, dir, file, buf, sizeof buf) < 0)
        return;
    cg_stats_add(st, file, NULL, buf);
    num_parse(buf, max_from, 1, out);
}

void cg_stat_key(struct cg_stats *st, struct cg_files *kf, const char *dir, const char *file,
                 const char *key, uint64_t div, struct cg_num *out)
{
    char buf[4096], val[64];
    *out = (struct cg_num){0};
    if (cg_read_kept(st, kf, dir, file, buf, sizeof buf) < 0 ||
        !cg_key_value(buf, key, val, sizeof val))
        return;
    cg_stats_add(st, file, key, val);
    num_parse(val, 0, div, out);
}

bool cg_stat_procs(struct cg_stats *st, struct cg_files *kf, const char *dir)
{
    if (kf && st->version != 1) {
        char path[CG_PATH_MAX + 256];
        struct strbuf text = {0};
        bool ok = cg_join(path, sizeof path, dir, "cgroup.procs") == 0 &&
                  cg_files_read(kf, path, 0, &text) == 0;
        if (ok)
            cg_parse_pids(text.buf, &st->pids, &st->npids);
        sb_free(&text);
        if (!ok)
            return false;
    } else if (cg_read_pids(dir, &st->pids, &st->npids) < 0) {
        return false;
    }
    struct strbuf sb = {0};
    for (size_t i = 0; i < st->npids; i++)
        sb_printf(&sb, "%s%d", i ? " " : "", st->pids[i]);
    cg_stats_add(st, "cgroup.procs", NULL, sb_str(&sb));
    sb_free(&sb);
    return true;
}

int cg_stats_finish(struct cg_stats *st, struct cg_files *kf, const char *dir,
                    struct nsl_err *e)
{
    if (cg_stat_procs(st, kf, dir) || !kf || cg_dir_check(dir, e) == 0)
        return 0;
    cg_stats_free(st);
    *st = (struct cg_stats){.version = st->version, .ctrl = st->ctrl, .frozen = -1};
    return -1;
}

int cg_dir_check(const char *dir, struct nsl_err *e)
{
    struct stat sb;
    if (stat(dir, &sb) < 0)
        return nsl_fail_errno(e, errno, "cannot read cgroup %s", dir);
    if (!S_ISDIR(sb.st_mode))
        return nsl_fail(e, ENOTDIR, "%s is not a cgroup directory", dir);
    return 0;
}

int cg_write(const struct cg_sys *s, struct trace *t, const char *dir, const char *file,
             const char *value, const char *hint, struct nsl_err *e)
{
    char path[CG_PATH_MAX + 256];
    if (cg_join(path, sizeof path, dir, file) < 0)
        return nsl_fail_errno(e, errno, "cannot write to %s/%s", dir, file);
    if (s->write(s->ctx, t, path, value) == 0)
        return 0;
    int err = errno;
    nsl_fail_errno(e, err, "cannot write \"%s\" to %s", value, path);
    if (hint)
        nsl_err_hint(e, hint);
    return -1;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int cg_wait_value(const struct cg_sys *s, const char *dir, const char *file, const char *key,
                  const char *want, char *last, size_t lastsize)
{
    int64_t deadline = now_ms() + s->wait_ms;
    for (;;) {
        char buf[4096], val[128] = "";
        if (cg_read_text(dir, file, buf, sizeof buf) == 0) {
            if (key)
                cg_key_value(buf, key, val, sizeof val);
            else
                snprintf(val, sizeof val, "%.*s", (int)strcspn(buf, " \n"), buf);
        } else {
            snprintf(val, sizeof val, "(unreadable: %s)", strerror(errno));
        }
        snprintf(last, lastsize, "%s", val);
        if (strcmp(val, want) == 0)
            return 0;
        if (now_ms() >= deadline) {
            errno = ETIMEDOUT;
            return -1;
        }
        sleep_ms(s->poll_ms > 0 ? s->poll_ms : 10);
    }
}

int cg_kill_pids(const struct cg_sys *s, const char *dir, struct trace *t, struct nsl_err *e)
{
    pid_t *pids;
    size_t n;
    if (cg_read_pids(dir, &pids, &n) < 0)
        return nsl_fail_errno(e, errno, "cannot read %s/cgroup.procs", dir);
    int ret = 0;
    pid_t self = getpid();
    for (size_t i = 0; i < n; i++) {
        if (pids[i] == self)
            continue;
        /* ESRCH: it died on its own meanwhile, which is what we want. */
        if (s->kill(s->ctx, t, pids[i], SIGKILL) < 0 && errno != ESRCH && ret == 0)
            ret = nsl_fail_errno(e, errno, "cannot kill process %d in %s", pids[i], dir);
    }
    free(pids);
    return ret;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(((const struct cg_group *)a)->name, ((const struct cg_group *)b)->name);
}

size_t cg_children(const struct cg_group *g, struct cg_group **out)
{
    *out = NULL;
    DIR *d = opendir(g->dir);
    if (!d)
        return 0;
    struct cg_group *v = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat sb;
        if (de->d_name[0] == '.' ||
            fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(sb.st_mode))
            continue;
        struct cg_group sub = *g;
        sub.acct[0] = '\0'; /* only the cgroup cg_create made has a cpuacct twin */
        if (snprintf(sub.name, sizeof sub.name, "%s/%s", g->name, de->d_name) >=
                (int)sizeof sub.name ||
            snprintf(sub.dir, sizeof sub.dir, "%s/%s", g->dir, de->d_name) >= (int)sizeof sub.dir)
            continue;
        v = xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = sub;
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof *v, name_cmp);
    *out = v;
    return n;
}

/* Beside the readers that fill a cg_stats, so this file needs nothing of
 * cgroup.c (which uses it). */
void cg_stats_free(struct cg_stats *st)
{
    for (size_t i = 0; i < st->nreads; i++) {
        free(st->reads[i].file);
        free(st->reads[i].key);
        free(st->reads[i].value);
    }
    free(st->reads);
    free(st->pids);
    st->reads = NULL;
    st->pids = NULL;
    st->nreads = st->capreads = st->npids = 0;
}

