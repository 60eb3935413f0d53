/* Helpers shared by cgroup.c, cgroup_v1.c and cgroup_v2.c: reading and
 * writing one file of a cgroup directory, waiting for a value. Not for other
 * modules: they use cgroup.h. */
#ifndef NSLAB_CGROUP_IMPL_H
#define NSLAB_CGROUP_IMPL_H

#include "kernel/cgroup/cgroup.h"

/* read_file_sb that also terminates the text of an empty file (read_file_sb
 * leaves the buffer it reserved unterminated when nothing was read). */
int cg_read_sb(const char *path, struct strbuf *sb);
/* dir + "/" + file into buf; -1 (ENAMETOOLONG) when it does not fit. */
int cg_join(char *buf, size_t size, const char *dir, const char *file);
/* A small file's text, trailing newlines removed. 0, or -1 with errno. */
int cg_read_text(const char *dir, const char *file, char *buf, size_t size);
/* Does a list of words (cgroup.controllers, cgroup.subtree_control) have word? */
bool cg_words_have(const char *text, const char *word);
/* In a flat-keyed file's text ("oom_kill 3\nmax 0\n"), the value of key. */
bool cg_key_value(const char *text, const char *key, char *val, size_t size);
/* The PIDs listed in dir/cgroup.procs. 0, or -1 with errno. */
int cg_read_pids(const char *dir, pid_t **pids, size_t *n);
/* "4242 (sleep), 4243 (sh)": each PID with its <proc>/PID/comm. */
void cg_format_pids(const struct nsl_paths *paths, const pid_t *pids, size_t n,
                    struct strbuf *out);

/* cg_read_text through kf's kept descriptors (NULL: as cg_read_text),
 * with flags for st->version (cgroup_files.h: v1's files are fixed). */
int cg_read_kept(const struct cg_stats *st, struct cg_files *kf, const char *dir,
                 const char *file, char *buf, size_t size);
/* Parse cgroup.procs' text into pids. */
void cg_parse_pids(char *text, pid_t **pids, size_t *n);

/* Record one value read into st->reads. */
void cg_stats_add(struct cg_stats *st, const char *file, const char *key, const char *value);
/* Read a one-number file ("67108864", "max") into out, recording it;
 * values >= max_from (0: none) count as "max" too (v1 spells no limit as a
 * huge number). */
void cg_stat_num(struct cg_stats *st, struct cg_files *kf, const char *dir, const char *file,
                 uint64_t max_from, struct cg_num *out);
/* Read key from a flat-keyed file into out (divided by div), recording it. */
void cg_stat_key(struct cg_stats *st, struct cg_files *kf, const char *dir, const char *file,
                 const char *key, uint64_t div, struct cg_num *out);
/* cgroup.procs into st->pids, recording it (v1's opened afresh even with
 * kf: a kept descriptor would read the list the kernel made at its open).
 * false when it could not be read. */
bool cg_stat_procs(struct cg_stats *st, struct cg_files *kf, const char *dir);
/* The end of a backend's read_stats: st's cgroup.procs, and whether dir
 * is a cgroup at all. Without kf, dir was checked first (cg_dir_check);
 * with kf the check is needed only when cgroup.procs, which every cgroup
 * has, could not be read: a kept descriptor of a removed cgroup fails
 * (ENODEV) and is opened again by path, and v1's, opened afresh every
 * time, walks the path, so a read that works proves the directory is
 * there. 0, or -1 (st freed) with the error of cg_dir_check. */
int cg_stats_finish(struct cg_stats *st, struct cg_files *kf, const char *dir,
                    struct nsl_err *e);
/* 0 when dir is a directory, else -1 with an error naming it. */
int cg_dir_check(const char *dir, struct nsl_err *e);

/* Write value to dir/file through s (traced). On failure the error says
 * "cannot write "V" to PATH: ..." and, when hint is given, "; " hint. */
int cg_write(const struct cg_sys *s, struct trace *t, const char *dir, const char *file,
             const char *value, const char *hint, struct nsl_err *e);
/* Poll dir/file (key: in a flat-keyed file, else its first word) until it
 * reads want, s->wait_ms at most. 0 when reached; -1 with the last value
 * read in last (errno ETIMEDOUT) otherwise. */
int cg_wait_value(const struct cg_sys *s, const char *dir, const char *file, const char *key,
                  const char *want, char *last, size_t lastsize);
/* SIGKILL each PID in dir/cgroup.procs through s (traced); the calling
 * process is never among them (the caller moves itself out first). */
int cg_kill_pids(const struct cg_sys *s, const char *dir, struct trace *t, struct nsl_err *e);

#endif
