#define _GNU_SOURCE
/* explain and record: the course around the mechanisms. The explanations
 * are data files (docs/explain/LANG/TOPIC.txt), not C strings, so teachers
 * can read, fix and translate them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmd/handlers.h"
#include "render/cast.h"
#include "render/render.h"
#include "session/cgroups.h"
#include "i18n.h"

/* Where the data files are: $NSLAB_DATA, then beside the binary in the
 * source tree (build/nslab -> docs/), then the installed share directory
 * (PREFIX/bin/nslab -> PREFIX/share/nslab). */
static int data_dir(char *buf, size_t size)
{
    static const char *const rel[] = {"../docs", "../share/nslab"};
    return data_dir_find(buf, size, "NSLAB_DATA", rel, ARRAY_SIZE(rel), "explain/en");
}

static const char *topic_alias(const char *t)
{
    static const char *const alias[][2] = {
        {"mount", "mnt"},          {"network", "net"},     {"mem", "memory"},
        {"controllers", "cgroups"}, {"copy-on-write", "cow"}, {"overlay", "cow"},
        {"init", "pid1"},          {"signals", "pid1"},    {"ns", "namespaces"},
        {"user-ns", "userns"},     {"capabilities", "userns"},
    };
    for (size_t k = 0; k < ARRAY_SIZE(alias); k++)
        if (strcmp(alias[k][0], t) == 0)
            return alias[k][1];
    return t;
}

static bool topic_word_ok(const char *t)
{
    if (!*t || strlen(t) > 32)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static void list_topics(struct nsl *sh, const char *dir)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/explain/en", dir);
    DIR *d = opendir(path);
    if (!d)
        return;
    char *names[128];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
        size_t len = strlen(de->d_name);
        if (len > 4 && strcmp(de->d_name + len - 4, ".txt") == 0)
            names[n++] = xstrndup(de->d_name, len - 4);
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* a handful: insertion sort */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    out_printf(sh, "Topics (explain TOPIC):");
    for (size_t i = 0; i < n; i++) {
        out_printf(sh, "%s%s", i % 10 ? " " : "\n  ", names[i]);
        free(names[i]);
    }
    out_printf(sh, "\n");
}

int cmd_explain(struct nsl *sh, int argc, char **argv)
{
    char dir[PATH_MAX];
    if (argc > 2)
        return step_usage(sh, "usage: explain [TOPIC] (explain alone lists the topics)");
    sh->page_step = true;
    if (data_dir(dir, sizeof dir) < 0)
        return step_fail(sh, ENOENT, "the explanations are not installed (docs/explain of the "
                                     "source tree, or PREFIX/share/nslab; NSLAB_DATA names "
                                     "another place)");
    if (argc == 1) {
        list_topics(sh, dir);
        return 0;
    }
    const char *topic = topic_alias(argv[1]);
    if (!topic_word_ok(topic))
        return step_usage(sh, "'%s' is not a topic (explain alone lists them)", argv[1]);
    struct strbuf text = {0};
    char path[PATH_MAX + 64];
    const char *langs[] = {sh->lang, "en"};
    int rc = -1;
    for (size_t k = 0; k < ARRAY_SIZE(langs) && rc < 0; k++) {
        snprintf(path, sizeof path, "%s/explain/%s/%s.txt", dir, langs[k], topic);
        rc = read_file_sb(AT_FDCWD, path, &text);
    }
    if (rc < 0) {
        sb_free(&text);
        return step_fail(sh, ENOENT, "no explanation of '%s' (explain alone lists the topics)",
                         argv[1]);
    }
    print_string(sh, PRINT_JSON, "topic", NULL, topic);
    print_string(sh, PRINT_ANY, "text", "%s", sb_str(&text));
    sb_free(&text);
    return 0;
}

/* Opens FILE for `record`: a new file (the user's), or a regular file the
 * user owns already, never through a symbolic link, never a FIFO or a
 * device (a record must be a file that can be read back). *fp and *name
 * take it (name copied). */
static int record_open(struct nsl *sh, const char *path, FILE **fp, char **name)
{
    enum user_file_why why;
    uid_t owner = 0;
    int fd = user_file_open(path, 0644, &why, &owner);
    if (fd < 0 && why == USER_FILE_LINK)
        return step_fail_errno(sh, ELOOP,
                               "cannot record to %s: it is a symbolic link (name the "
                               "file itself)",
                               path);
    if (fd < 0 && why == USER_FILE_SPECIAL)
        return step_fail(sh, EINVAL,
                         "cannot record to %s: it is not a regular file (a record "
                         "is a file to read back; FIFOs and devices are refused)",
                         path);
    if (fd < 0 && why == USER_FILE_FOREIGN)
        return step_fail(sh, EPERM,
                         "cannot record to %s: it belongs to uid %d, not to you (uid "
                         "%d); record to a new file or one of yours",
                         path, (int)owner, (int)user_real(NULL));
    if (fd < 0)
        return step_fail_errno(sh, errno, "cannot record to %s", path);
    if (ftruncate(fd, 0) < 0) {
        int err = errno;
        close(fd);
        return step_fail_errno(sh, err, "cannot record to %s", path);
    }
    *fp = fdopen(fd, "w");
    if (!*fp) {
        int err = errno;
        close(fd);
        return step_fail_errno(sh, err, "cannot record to %s", path);
    }
    free(*name);
    *name = xstrdup(path);
    return 0;
}

/* Stops the recording in *fp (if any): -1 when its last write failed. */
static int record_close(struct nsl *sh, FILE **fp, const char *name)
{
    if (!*fp)
        return 0;
    int bad = fclose(*fp);
    *fp = NULL;
    if (bad != 0)
        return step_fail_errno(sh, errno, "recording to %s: the last write failed", name);
    return 0;
}

/* record --cast FILE: the terminal's text from now on, as asciicast v2
 * (its header first: the terminal's size, the time). */
static int record_cast(struct nsl *sh, const char *path)
{
    if (record_close(sh, &sh->cast, sh->cast_name) < 0)
        return -1;
    if (strcmp(path, "off") == 0) {
        out_printf(sh, _("terminal recording stopped\n"));
        return 0;
    }
    FILE *f = NULL;
    if (record_open(sh, path, &f, &sh->cast_name) < 0)
        return -1;
    int cols = 0, rows = 0;
    term_size(STDOUT_FILENO, &cols, &rows);
    cleanup_sb struct strbuf h = {0};
    cast_header(&h, cols, rows, time(NULL), "nslab");
    if (fputs(sb_str(&h), f) == EOF || fflush(f) != 0) {
        int err = errno;
        fclose(f);
        return step_fail_errno(sh, err, "cannot record to %s", path);
    }
    sh->cast = f;
    sh->cast_t0 = now_ms();
    out_printf(sh, _("recording what the terminal shows from now on to %s (asciicast v2, "
                     "for asciinema play)\n"),
               path);
    return 0;
}

/* The record's first line: this nslab, the lab, the learner, the machine. */
static void record_header(struct nsl *sh)
{
    struct utsname u;
    if (uname(&u) < 0)
        memset(&u, 0, sizeof u);
    uid_t uid = user_real(NULL);
    struct passwd *pw = getpwuid(uid);
    char uidname[32];
    snprintf(uidname, sizeof uidname, "%ld", (long)uid);
    const char *file = sh->step.file;
    bool lab = file && strcmp(file, "-c") != 0 && strcmp(file, "<stdin>") != 0;
    struct record_header h = {
        .version = NSLAB_VERSION,
        .lab = lab ? file : NULL,
        .challenge = sh->chal != NULL,
        .started = time(NULL),
        .uid = (long)uid,
        .user = pw && pw->pw_name ? pw->pw_name : uidname,
        .host = u.nodename,
        .kernel = u.release,
        .cgroup = sh->cg && sh->cg->ready ? cg_mode_name(sh->cg->layout.mode) : "none",
    };
    render_record_begin(sh, &h);
}

int cmd_record(struct nsl *sh, int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--cast") == 0)
        return record_cast(sh, argv[2]);
    if (argc != 2 || strcmp(argv[1], "--cast") == 0)
        return step_usage(sh, "usage: record FILE | record off | record --cast FILE|off");
    if (sh->record)
        render_record_stop(sh);
    if (record_close(sh, &sh->record, sh->record_name) < 0)
        return -1;
    if (strcmp(argv[1], "off") == 0) {
        out_printf(sh, "recording stopped\n");
        return 0;
    }
    if (record_open(sh, argv[1], &sh->record, &sh->record_name) < 0)
        return -1;
    record_header(sh);
    out_printf(sh, _("recording every step from now on to %s (one JSON object per line, as -J)\n"),
               argv[1]);
    return 0;
}
