#define _GNU_SOURCE
/* Root filesystems: the parser of busybox's applet list, the ELF loader
 * check that tells a static busybox (and nslab's own binary) apart, and the
 * rules pivot_root(2) refuses by, named from the facts in the kernel's
 * order. Pure functions, fed literal input. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/mount/pivot.h"
#include "kernel/rootfs.h"

static void test_applets_parse(void **state)
{
    (void)state;
    struct namelist l;
    struct nsl_err e = {0};
    /* busybox 1.35's first lines, "busybox" itself among them, a blank line. */
    assert_int_equal(busybox_applets_parse("[\n[[\nacpid\n\nbusybox\nsh\nls", &l, &e), 0);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.v[0], "[");
    assert_string_equal(l.v[1], "[[");
    assert_string_equal(l.v[2], "acpid");
    assert_string_equal(l.v[3], "sh");
    assert_string_equal(l.v[4], "ls"); /* no newline at the end */
    namelist_free(&l);
    assert_int_equal(l.n, 0);
}

static void test_applets_parse_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {"sh\n../etc\n", "sh\na/b\n", "..\n", ".\n", "a b\n",
                                      "sh\n\n\x01\n", "", "\n\n", "busybox\n"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct namelist l = {0};
        struct nsl_err e = {0};
        assert_int_equal(busybox_applets_parse(bad[k], &l, &e), -1);
        assert_int_equal(l.n, 0);
        assert_true(e.msg[0] != '\0');
    }
    /* The line of a bad name is named. */
    struct namelist l;
    struct nsl_err e = {0};
    assert_int_equal(busybox_applets_parse("sh\nls\n../x\n", &l, &e), -1);
    assert_non_null(strstr(e.msg, "line 3"));
}

/* A file holding an ELF header with one program header of type type. */
static int elf_file(Elf64_Word type, const char *interp)
{
    char path[] = "/tmp/test_rootfs.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    Elf64_Ehdr h = {.e_phoff = sizeof h, .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1};
    memcpy(h.e_ident, ELFMAG, SELFMAG);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    Elf64_Phdr ph = {.p_type = type, .p_offset = sizeof h + sizeof ph,
                     .p_filesz = strlen(interp) + 1};
    assert_int_equal(write(fd, &h, sizeof h), sizeof h);
    assert_int_equal(write(fd, &ph, sizeof ph), sizeof ph);
    assert_int_equal(write(fd, interp, strlen(interp) + 1), (ssize_t)strlen(interp) + 1);
    return fd;
}

static void test_elf_interp(void **state)
{
    (void)state;
    char buf[64];
    int fd = elf_file(PT_INTERP, "/lib64/ld-linux-x86-64.so.2");
    assert_int_equal(elf_interp_fd(fd, buf, sizeof buf), 1);
    assert_string_equal(buf, "/lib64/ld-linux-x86-64.so.2");
    close(fd);
    fd = elf_file(PT_LOAD, "");
    assert_int_equal(elf_interp_fd(fd, buf, sizeof buf), 0);
    close(fd);
    /* Not ELF: a script. */
    char path[] = "/tmp/test_rootfs.XXXXXX";
    fd = mkstemp(path);
    unlink(path);
    assert_int_equal(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
    assert_int_equal(elf_interp_fd(fd, buf, sizeof buf), -1);
    close(fd);
    /* nslab's tests are linked dynamically: they name a loader. */
    fd = open("/proc/self/exe", O_RDONLY);
    assert_int_equal(elf_interp_fd(fd, buf, sizeof buf), 1);
    close(fd);
}

/* The facts of an attempt that breaks no rule: / and NEW mount points,
 * private, PUT_OLD below NEW. */
static struct pivot_facts facts_ok(void)
{
    return (struct pivot_facts){.err = EINVAL, .new_exists = true, .old_exists = true,
                                .new_dir = true, .old_dir = true, .root_mnt = 27,
                                .new_mnt = 69, .old_mnt = 69, .root_is_mount = true,
                                .new_is_mount = true, .old_under_new = true};
}

static void test_pivot_rules(void **state)
{
    (void)state;
    struct pivot_facts f = facts_ok();
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_NONE);
    f.old_under_new = false;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_OUTSIDE);
    f.new_is_mount = false; /* checked before PUT_OLD's place */
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_NEW_NOT_MOUNT);
    f.root_is_mount = false;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_ROOT_NOT_MOUNT);
    f.err = EBUSY;
    f.new_mnt = 27; /* NEW on the root's mount: EBUSY, before the rest */
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_SAME_MOUNT);
    f = facts_ok();
    f.old_mnt = 27;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_SAME_MOUNT);
    f.root_parent_shared = true; /* shared comes first of the EINVALs */
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_SHARED);
    f = facts_ok();
    f.new_parent_shared = true;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_SHARED);
    f = facts_ok();
    f.old_shared = true;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_SHARED);
    f.old_dir = false;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_NOT_DIR);
    f.new_exists = false;
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_MISSING);
    f.err = EPERM; /* may_mount() is the first check of all */
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_PRIVILEGE);
    for (int r = PIVOT_RULE_PRIVILEGE; r <= PIVOT_RULE_OUTSIDE; r++) {
        assert_true(strlen(pivot_rule_text(r)) > 0);
        assert_true(strlen(pivot_rule_name(r)) > 0);
    }
    assert_string_equal(pivot_rule_name(PIVOT_RULE_NONE), "");
}

/* The facts read from a mount table: NEW a bind mount on itself under a
 * private /, PUT_OLD below it; then / shared. */
static void test_pivot_facts_read(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_rootfs.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char old[64];
    snprintf(old, sizeof old, "%s/old", dir);
    assert_int_equal(mkdir(old, 0755), 0);
    struct pivot_facts f;
    /* Whatever the table says, the directories are seen as they are. */
    pivot_facts_read(dir, "/nonexistent-put-old", NULL, ENOENT, &f);
    assert_true(f.new_exists && f.new_dir);
    assert_false(f.old_exists);
    assert_int_equal(pivot_rule_of(&f), PIVOT_RULE_MISSING);
    pivot_facts_read(dir, old, NULL, EBUSY, &f);
    assert_true(f.old_under_new);
    assert_false(f.new_is_mount); /* no table: not shown as one */
    pivot_facts_read(old, dir, NULL, EINVAL, &f);
    assert_false(f.old_under_new);
    rmdir(old);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_applets_parse),
        cmocka_unit_test(test_applets_parse_rejects),
        cmocka_unit_test(test_elf_interp),
        cmocka_unit_test(test_pivot_rules),
        cmocka_unit_test(test_pivot_facts_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
