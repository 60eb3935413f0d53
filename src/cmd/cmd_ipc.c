#define _GNU_SOURCE
/* ipc new, ipc ls: System V IPC objects and the IPC namespace. The subject
 * makes and lists them, because both depend on the caller's IPC namespace:
 * msgget(2) creates in it, and /proc/sysvipc shows the reader's. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ipc.h>
#include <unistd.h>

#include "cmd/handlers.h"
#include "kernel/ipc.h"
#include "subject/nshelper.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/made.h"
#include "i18n.h"

static void key_text(key_t key, char *buf, size_t size)
{
    if (key == IPC_PRIVATE)
        snprintf(buf, size, "IPC_PRIVATE");
    else
        snprintf(buf, size, "0x%08x", (unsigned)key);
}

/* "IPC namespace ipc:[N] (the host's)" for the subject's. */
static ino_t subject_ipc_ns(struct nsl *sh, char *buf, size_t size)
{
    char b[32];
    ino_t ino = ns_inode_of(sh, sh->subj.pid, NS_IPC);
    snprintf(buf, size, "%s (%s)", fmt_ino(sh, NS_IPC, ino, b, sizeof b),
             ino == sh->host_ns[NS_IPC].ino ? _("the host's") : _("not the host's"));
    return ino;
}

static int ipc_new(struct nsl *sh, int argc, char **argv)
{
    enum ipc_kind kind;
    key_t key = IPC_PRIVATE;
    struct nsl_err e;
    if (argc < 3 || argc > 4)
        return step_usage(sh, "usage: ipc new msg|shm|sem [KEY]");
    if (ipc_kind_parse(argv[2], &kind) < 0)
        return step_usage(sh,
                          "'%s' is not a System V IPC kind: msg (a message queue), "
                          "shm (a shared memory segment) or sem (a semaphore set)",
                          argv[2]);
    if (argc == 4 && ipc_key_parse(argv[3], &key, &e) < 0)
        return step_fail_err(sh, &e);
    cleanup_subj_req struct subj_req rq = {0};
    ipc_req_pack(&rq, &(struct ipc_req){.what = IPC_NEW, .kind = kind, .key = key});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    char kb[32], nsb[96];
    key_text(key, kb, sizeof kb);
    ino_t ns = subject_ipc_ns(sh, nsb, sizeof nsb);
    int rc = 0;
    if (rep.ret < 0) {
        if (rep.err == EEXIST)
            rc = step_fail_errno(sh, rep.err,
                                 "a System V object with key %s already exists in the subject's "
                                 "IPC namespace %s: a key names one object per namespace and "
                                 "kind (`ipc ls` shows it; `unshare ipc` gives a namespace where "
                                 "the key is free)", kb, nsb);
        else if (rep.err == ENOSPC)
            rc = step_fail_errno(sh, rep.err,
                                 "cannot create the %s: the IPC namespace's limit is reached "
                                 "(/proc/sys/kernel/%s)", _(ipc_kind_titles[kind]),
                                 kind == IPC_KIND_MSG ? "msgmni" : kind == IPC_KIND_SHM ? "shmmni"
                                                                                        : "sem");
        else
            rc = step_fail_errno(sh, rep.err, "cannot create the %s", _(ipc_kind_titles[kind]));
    } else {
        int id = rep.ret;
        out_printf(sh, _("%s %d (key %s) created in IPC namespace %s\n"), _(ipc_kind_titles[kind]), id,
                   kb, nsb);
        if (ns == sh->host_ns[NS_IPC].ino)
            out_printf(sh, _("It lives in the host's IPC namespace, which never ends: nslab removes "
                           "it when the session ends.\n"));
        else
            out_printf(sh, _("It lives as long as its IPC namespace: when the last process leaves, "
                           "the kernel removes the namespace and its objects.\n"));
        struct ipc_rep made;
        subj_rep_get(&rep, &made, sizeof made);
        struct made_ipc m = {.kind = kind, .id = id, .key = key, .ctime = made.ctime, .ns = ns};
        made_add_ipc(sh, &m);
        print_string(sh, PRINT_JSON, "kind", NULL, ipc_kind_names[kind]);
        print_int(sh, PRINT_JSON, "id", NULL, id);
        print_int(sh, PRINT_JSON, "key", NULL, key);
        print_ino(sh, PRINT_JSON, "ns", NULL, NS_IPC, ns);
    }
    return rc;
}

static bool made_here(struct nsl *sh, const struct ipc_obj *o, ino_t ns)
{
    if (!sh->made)
        return false;
    for (size_t k = 0; k < sh->made->nipc; k++) {
        const struct made_ipc *m = &sh->made->ipc[k];
        if (m->kind == o->kind && m->id == o->id && m->ns == ns && m->key == o->key)
            return true;
    }
    return false;
}

static void obj_details(const struct ipc_obj *o, char *buf, size_t size)
{
    switch (o->kind) {
    case IPC_KIND_MSG:
        snprintf(buf, size, NG_("%llu message, %llu bytes", "%llu messages, %llu bytes", o->b), o->b,
                 o->a);
        break;
    case IPC_KIND_SHM:
        snprintf(buf, size, _("%llu bytes, %llu attached"), o->a, o->b);
        break;
    default:
        snprintf(buf, size, NG_("%llu semaphore", "%llu semaphores", o->a), o->a);
        break;
    }
}

static int ipc_ls(struct nsl *sh, int argc)
{
    if (argc != 2)
        return step_usage(sh, "usage: ipc ls");
    cleanup_subj_req struct subj_req rq = {0};
    ipc_req_pack(&rq, &(struct ipc_req){.what = IPC_LS});
    cleanup_subj_rep struct subj_rep rep = {0};
    struct nsl_err e;
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    if (rep.ret < 0)
        return step_fail_errno(sh, rep.err, "cannot read /proc/sysvipc in the subject");
    struct ipc_list l = {0};
    const char *p = sb_str(&rep.data), *end = p + rep.data.len;
    for (int k = 0; k < IPC_NKINDS && p < end; k++) {
        if (sysvipc_parse(k, p, &l, &e) < 0) {
            ipc_list_free(&l);
            return step_fail_err(sh, &e);
        }
        p += strlen(p) + 1;
    }

    char nsb[96], kb[32], db[64];
    ino_t ns = subject_ipc_ns(sh, nsb, sizeof nsb);
    out_printf(sh, _("System V IPC objects in the subject's IPC namespace %s:\n"), nsb);
    print_ino(sh, PRINT_JSON, "ns", NULL, NS_IPC, ns);
    open_json_array(sh, "objects");
    if (l.n == 0)
        out_printf(sh, _("  (none)\n"));
    else
        out_printf(sh, "  %-4s %-11s %-10s %-5s %-6s %s\n", "KIND", "KEY", "ID", "PERMS", "UID",
                   "DETAILS");
    for (size_t k = 0; k < l.n; k++) {
        const struct ipc_obj *o = &l.v[k];
        bool mine = made_here(sh, o, ns);
        key_text(o->key, kb, sizeof kb);
        obj_details(o, db, sizeof db);
        char pb[16];
        snprintf(pb, sizeof pb, "%o", o->perms);
        /* One row of text, one object: the key shown in hex, given as a
         * number; the details in words, given field by field. */
        open_json_object(sh, NULL);
        print_string(sh, PRINT_ANY, "kind", "  %-4s ", ipc_kind_names[o->kind]);
        print_string(sh, PRINT_FP, NULL, "%-11s ", kb);
        print_int(sh, PRINT_JSON, "key", NULL, o->key);
        print_int(sh, PRINT_ANY, "id", "%-10lld ", o->id);
        print_string(sh, PRINT_ANY, "perms", "%-5s ", pb);
        print_uint(sh, PRINT_ANY, "uid", "%-6llu ", o->uid);
        print_uint(sh, PRINT_JSON, "cuid", NULL, o->cuid);
        print_string(sh, PRINT_FP, NULL, "%s", db);
        if (o->kind == IPC_KIND_MSG) {
            print_uint(sh, PRINT_JSON, "bytes", NULL, o->a);
            print_uint(sh, PRINT_JSON, "messages", NULL, o->b);
        } else if (o->kind == IPC_KIND_SHM) {
            print_uint(sh, PRINT_JSON, "size", NULL, o->a);
            print_uint(sh, PRINT_JSON, "nattch", NULL, o->b);
        } else {
            print_uint(sh, PRINT_JSON, "nsems", NULL, o->a);
        }
        print_bool(sh, PRINT_JSON, "made_here", NULL, mine);
        out_printf(sh, "%s\n", mine ? _("  (made in this session)") : "");
        close_json_object(sh);
    }
    close_json_array(sh);
    ipc_list_free(&l);
    return 0;
}

int cmd_ipc(struct nsl *sh, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "new") == 0)
        return ipc_new(sh, argc, argv);
    if (argc >= 2 && strcmp(argv[1], "ls") == 0)
        return ipc_ls(sh, argc);
    return step_usage(sh, "usage: ipc new msg|shm|sem [KEY] | ipc ls");
}
