#define _GNU_SOURCE
/* keys, key add, key find: the kernel's keyrings, which since Linux 5.3
 * belong to a user namespace (the user keyring of uid 0 in a new user
 * namespace is not the host's, even when that uid 0 is the same uid
 * outside). What a process sees depends on the process that asks, so the
 * subject itself reads, adds and searches; for another TARGET a helper in
 * TARGET's user namespace reads (or the shell, for the shell's own). */
#include <errno.h>
#include <string.h>

#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/keys.h"
#include "session/made.h"
#include "session/target.h"
#include "subject/nshelper.h"
#include "subject/ops.h"

static int keys_call(struct nsl *sh, const struct keys_req *r, struct subj_rep *rep,
                     struct keys_rep *out)
{
    cleanup_subj_req struct subj_req rq = {0};
    keys_req_pack(&rq, r);
    rq.ns_changes = 1u << NS_USER; /* none changes; the cheapest slot to reread */
    struct nsl_err e;
    if (subject_call(sh, &rq, rep, &e) < 0)
        return step_fail_err(sh, &e);
    subj_rep_get(rep, out, sizeof *out);
    return 0;
}

/* The view of the process t, packed (kernel/keys.h), into text. */
static int keys_read_of(struct nsl *sh, const struct target *t, struct strbuf *text,
                        const char **reader)
{
    struct nsl_err e;
    int err = 0;
    if (t->pid == sh->subj.pid) {
        cleanup_subj_rep struct subj_rep rep = {0};
        struct keys_rep out;
        if (keys_call(sh, &(struct keys_req){.what = KEYS_LIST}, &rep, &out) < 0)
            return -1;
        if (rep.ret < 0)
            return step_fail_errno(sh, rep.err, "the subject cannot name its user keyring");
        sb_appendn(text, rep.data.buf, rep.data.len);
        *reader = "subject";
        return 0;
    }
    ino_t userns = ns_inode_of(sh, t->pid, NS_USER);
    if (!userns)
        return step_fail_errno(sh, ESRCH, "cannot read the user namespace of pid %d", (int)t->pid);
    int r;
    if (userns == sh->host_ns[NS_USER].ino) {
        r = nshelper_run_here(&sh->step.trace, keys_view_read, NULL, text, &err);
        *reader = "shell";
    } else {
        r = nshelper_run(sh, &sh->step.trace, t->pid, NS_USER, keys_view_read, NULL, text, &err,
                         &e);
        if (r < 0 && err == 0)
            return step_fail_err(sh, &e);
        *reader = "helper";
    }
    if (r < 0)
        return step_fail_errno(sh, err, "cannot read the keyrings of pid %d's user namespace",
                               (int)t->pid);
    return 0;
}

static void keys_print(struct nsl *sh, const struct keys_view *v, ino_t userns)
{
    open_json_object(sh, "session_keyring");
    if (v->session_err) {
        out_printf(sh, _("  session keyring  none: %s\n"), errno_name(v->session_err));
        print_string(sh, PRINT_JSON, "error", NULL, errno_name(v->session_err));
    } else {
        print_int(sh, PRINT_ANY, "id", _("  session keyring  %lld"), v->session_id);
        print_string(sh, PRINT_ANY, "description", "  %s\n",
                     v->session_desc ? v->session_desc : "");
    }
    close_json_object(sh);
    if (!v->session_err && keys_is_user_session(v->session_desc))
        out_printf(sh, _("    (the user-session keyring of its uid: it had no session keyring of "
                         "its own, and the kernel installs this one when one is asked for)\n"));
    open_json_object(sh, "user_keyring");
    print_int(sh, PRINT_ANY, "id", _("  user keyring     %lld"), v->user_id);
    print_string(sh, PRINT_ANY, "description", "  %s", v->user_desc ? v->user_desc : "");
    print_int(sh, PRINT_ANY, "uid", _("  (uid %lld"), v->uid);
    print_ino(sh, PRINT_ANY, "user_ns", _(" in user namespace %s)\n"), NS_USER, userns);
    open_json_array(sh, "keys");
    for (size_t k = 0; k < v->nkeys; k++) {
        open_json_object(sh, NULL);
        print_int(sh, PRINT_ANY, "id", _("    key %lld"), v->keys[k].id);
        print_string(sh, PRINT_ANY, "type", " %s", v->keys[k].type);
        print_string(sh, PRINT_ANY, "description", " %s\n", v->keys[k].desc);
        close_json_object(sh);
    }
    close_json_array(sh);
    close_json_object(sh);
    if (v->nkeys == 0)
        out_printf(sh, _("    (no key in it)\n"));
    if (v->proc_keys >= 0)
        print_int(sh, PRINT_ANY, "proc_keys",
                  _("  /proc/keys, read by the same process, lists %lld keys it may view\n"),
                  v->proc_keys);
}

int cmd_keys(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: keys [TARGET]");
    struct target t = {.pid = sh->subj.pid, .is_self = true};
    struct nsl_err e;
    if (argc == 2 && target_resolve(sh, argv[1], 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    cleanup_sb struct strbuf text = {0};
    const char *reader = NULL;
    if (keys_read_of(sh, &t, &text, &reader) < 0)
        return -1;
    struct keys_view v;
    if (keys_view_parse(sb_str(&text), &v) < 0) {
        keys_view_free(&v);
        return step_fail(sh, EPROTO, "the keyrings' reader sent a malformed answer");
    }
    print_pid(sh, PRINT_ANY, "pid", "  pid              %s", t.pid);
    print_string(sh, PRINT_JSON, "reader", NULL, reader);
    if (!strcmp(reader, "subject"))
        out_printf(sh, _(" (the subject read its own keyrings)\n"));
    else if (!strcmp(reader, "shell"))
        out_printf(sh, _(" (in the shell's user namespace: the shell read them, with nslab's "
                         "uid)\n"));
    else
        out_printf(sh, _(" (a helper with nslab's uid entered its user namespace and read "
                         "them)\n"));
    keys_print(sh, &v, ns_inode_of(sh, t.pid, NS_USER));
    keys_view_free(&v);
    return 0;
}

/* NAME: 1 to KEY_NAME_MAX bytes; DATA: 1 to KEY_DATA_MAX. 0, or -1 with the
 * step failed (usage). */
static int key_words_check(struct nsl *sh, const char *name, const char *data)
{
    size_t n = strlen(name);
    if (n == 0 || n > KEY_NAME_MAX)
        return step_usage(sh, "a key's name is 1 to %d bytes (the kernel's limit); this one is "
                              "%zu",
                          KEY_NAME_MAX, n);
    if (data && (data[0] == '\0' || strlen(data) > KEY_DATA_MAX))
        return step_usage(sh, "a user key's data is 1 to %d bytes (the kernel's limit); this is "
                              "%zu",
                          KEY_DATA_MAX, strlen(data));
    return 0;
}

static int key_add(struct nsl *sh, const char *name, const char *data)
{
    if (key_words_check(sh, name, data) < 0)
        return -1;
    cleanup_subj_rep struct subj_rep rep = {0};
    struct keys_rep out;
    if (keys_call(sh, &(struct keys_req){.what = KEYS_ADD, .name = name, .data = data}, &rep,
                  &out) < 0)
        return -1;
    if (rep.ret < 0) {
        if (rep.err == EDQUOT)
            return step_fail_errno(sh, rep.err, "the subject's uid is over its key quota "
                                                "(/proc/key-users)");
        return step_fail_errno(sh, rep.err, "add_key(2) refused the key");
    }
    /* In the host's user namespace the key outlives the session: exit
     * unlinks it. One added in a user namespace of the session's goes with
     * that namespace. */
    if (ns_inode_of(sh, sh->subj.pid, NS_USER) == sh->host_ns[NS_USER].ino)
        made_add_key(sh, out.id);
    print_int(sh, PRINT_ANY, "id", _("key %lld"), out.id);
    cleanup_free char *shown = str_escaped(name);
    print_string(sh, PRINT_ANY, "name", " \"%s\"", shown);
    out_printf(sh, _(" is in the subject's user keyring (a key of that name already there is "
                     "replaced)\n"));
    return 0;
}

static int key_find(struct nsl *sh, const char *name)
{
    if (key_words_check(sh, name, NULL) < 0)
        return -1;
    cleanup_subj_rep struct subj_rep rep = {0};
    struct keys_rep out;
    if (keys_call(sh, &(struct keys_req){.what = KEYS_FIND, .name = name}, &rep, &out) < 0)
        return -1;
    cleanup_free char *shown = str_escaped(name);
    if (rep.ret < 0) {
        if (rep.err == ENOKEY)
            return step_fail_errno(sh, rep.err, "no user key \"%s\" in the subject's user "
                                                "keyring (the one of its uid in its user "
                                                "namespace)", shown);
        return step_fail_errno(sh, rep.err, "searching the subject's user keyring failed");
    }
    print_int(sh, PRINT_ANY, "id", _("found key %lld"), out.id);
    print_string(sh, PRINT_ANY, "name", " \"%s\"", shown);
    if (out.read_err) {
        print_string(sh, PRINT_JSON, "read_error", NULL, errno_name(out.read_err));
        out_printf(sh, _(", its data not readable by the subject (%s): reading needs the "
                         "key possessed (reached from the subject's own keyrings) or read "
                         "permission for its owner, which a user key does not give\n"),
                   errno_name(out.read_err));
        return 0;
    }
    cleanup_sb struct strbuf data = {0};
    sb_append_escaped(&data, rep.data.buf ? rep.data.buf : "", rep.data.len, 0);
    print_string(sh, PRINT_ANY, "data", ": \"%s\"\n", sb_str(&data));
    return 0;
}

int cmd_key(struct nsl *sh, int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "add"))
        return key_add(sh, argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "find"))
        return key_find(sh, argv[2]);
    return step_usage(sh, "usage: key add NAME DATA | key find NAME");
}
