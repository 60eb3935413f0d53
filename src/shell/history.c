#define _GNU_SOURCE
/* The history file, ~/.nslab_history, read and written by descriptor:
 * readline's read_history/write_history open by name, so a root session
 * would follow a symbolic link planted there (sudo -E keeps the user's
 * HOME) and rewrite whatever it points to. Here the file is opened without
 * following links, must be a regular file of the user the session is for
 * (util.c user_real), and is created as theirs; anything else: no history. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>

#include "shell/shell.h"

int history_path(char *buf, size_t size)
{
    gid_t gid;
    uid_t uid = user_real(&gid);
    const char *home = getenv("HOME");
    /* Without HOME: the user's home from the password database, never the
     * current directory. */
    if (!home || home[0] != '/') {
        struct passwd *pw = getpwuid(uid);
        home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
    }
    if (!home)
        return -1;
    int n = snprintf(buf, size, "%s/.nslab_history", home);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* An open history file fit to use: a regular file of the user, one link. */
static bool history_fd_ok(int fd, uid_t uid)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == uid && st.st_nlink == 1;
}

void history_load(const char *path)
{
    gid_t gid;
    uid_t uid = user_real(&gid);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return;
    if (!history_fd_ok(fd, uid)) {
        close(fd);
        return;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (line[0])
            add_history(line);
    }
    free(line);
    fclose(f);
}

void history_save(const char *path)
{
    enum user_file_why why;
    int fd = user_file_open(path, 0600, &why, NULL);
    if (fd < 0)
        return;
    if (!history_fd_ok(fd, user_real(NULL)) || ftruncate(fd, 0) < 0) {
        close(fd);
        return;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return;
    }
    HIST_ENTRY **all = history_list();
    for (int k = 0; all && all[k]; k++)
        fprintf(f, "%s\n", all[k]->line);
    fclose(f);
}
