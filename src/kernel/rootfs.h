/* Root filesystems for a container: a minimal one laid out from a static
 * busybox (its applets as links), and the check of a directory offered as
 * one. The parser of busybox's applet list is pure, for the unit tests. */
#ifndef NSLAB_ROOTFS_H
#define NSLAB_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "kernel/trace.h"

#define ROOTFS_BUSYBOX "/bin/busybox"

/* The directories a minimal root has, in the order they are made. */
extern const char *const rootfs_dirs[];
extern const size_t rootfs_ndirs;

/* A list of names (applets). */
struct namelist {
    char **v;
    size_t n;
};
void namelist_free(struct namelist *l);

/* `busybox --list` output: one applet name a line. Every name must be a
 * plain file name (letters, digits, '-', '_', '.', '[' and ']'; not "." or
 * "..", no '/'); "busybox" itself is left out, blank lines are skipped. -1
 * with e naming the line of a bad name, or when no name is there. */
int busybox_applets_parse(const char *text, struct namelist *out, struct nsl_err *e);

/* Is the ELF file at path linked statically (no PT_INTERP)? 1 yes, 0 no
 * (dynamic), -1 with e when it is not a readable 64-bit ELF file. */
int elf_is_static(const char *path, struct nsl_err *e);
/* The program loader (PT_INTERP) an open ELF file names: 1 with it in buf,
 * 0 when it names none (static), -1 when fd is no 64-bit ELF file. */
int elf_interp_fd(int fd, char *buf, size_t size);

/* Lay out a minimal root at dir (made when missing; else it must be an
 * empty directory): rootfs_dirs, bin/busybox copied from busybox (which must
 * be static: a dynamic one would not find its libraries there), one link
 * bin/APPLET -> busybox for each applet it lists, and etc/passwd and
 * etc/group with root and nobody. Each change is traced into t (the links
 * after the first as one note). applets gets how many links were made. */
int rootfs_busybox(const char *busybox, const char *dir, struct trace *t, size_t *applets,
                   struct nsl_err *e);

/* What a directory offered as a root has: which of rootfs_dirs are
 * directories there (bit k for rootfs_dirs[k]), and whether bin/sh is an
 * executable. -1 with e when dir is not a directory. */
struct rootfs_check {
    unsigned dirs;
    bool has_sh;
};
int rootfs_inspect(const char *dir, struct rootfs_check *out, struct nsl_err *e);

#endif
