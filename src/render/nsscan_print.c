#define _GNU_SOURCE
#include "render/nsscan_print.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "i18n.h"

/* Commands in the tree are cut here (in characters) so each process stays
 * on one line of a terminal; the table's COMMAND is its last column and is
 * left whole, as lsns -u does. */
#define TREE_CMD_MAX 64
/* Owned namespaces listed per user namespace before "… and N more". */
#define TREE_OWNS_MAX 12
/* Width at which the "owns" list wraps. */
#define TREE_OWNS_WIDTH 72
/* Session processes named after "… and N more". */
#define TREE_ROLES_MAX 4

/* The NS column: a label or the bare inode. */
static const char *ino_text(const struct label_fmt *f, enum ns_slot type, ino_t ino, char *buf,
                            size_t size)
{
    if (f && f->ino)
        return f->ino(f->ctx, type, ino, buf, size);
    snprintf(buf, size, "%ju", (uintmax_t)ino);
    return buf;
}

/* A namespace named in the tree: a label (which carries the type) or
 * "type:[inode]" as /proc/PID/ns shows it. */
static const char *ns_text(const struct label_fmt *f, enum ns_slot type, ino_t ino, char *buf,
                           size_t size)
{
    if (f && f->ino)
        return f->ino(f->ctx, type, ino, buf, size);
    snprintf(buf, size, "%s:[%ju]", ns_info[type].name, (uintmax_t)ino);
    return buf;
}

static const char *pid_text(const struct label_fmt *f, pid_t pid, char *buf, size_t size)
{
    if (f && f->pid)
        return f->pid(f->ctx, pid, buf, size);
    snprintf(buf, size, "%d", (int)pid);
    return buf;
}

/* Display width in characters (UTF-8 continuation bytes do not count). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

static void pad(struct strbuf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_appendc(out, ' ');
}

static void cell(struct strbuf *out, const char *s, size_t width, bool right)
{
    size_t w = text_width(s);
    if (right)
        pad(out, width > w ? width - w : 0);
    sb_append(out, s);
    if (!right)
        pad(out, width > w ? width - w : 0);
}

/* The columns of `ls-ns all`, as lsns's: NS, TYPE, NPROCS, PID, USERNS (the
 * owning user namespace, lsns's ONS), OWNER (the uid owning it), COMMAND. */
enum { COL_NS, COL_TYPE, COL_NPROCS, COL_PID, COL_USERNS, COL_OWNER, NCOLS };

static void table_cells(const struct nsscan_ns *ns, const struct label_fmt *f,
                        char (*c)[64])
{
    char buf[64];
    snprintf(c[COL_NS], 64, "%s", ino_text(f, ns->type, ns->ino, buf, sizeof buf));
    snprintf(c[COL_TYPE], 64, "%s", ns_info[ns->type].name);
    snprintf(c[COL_NPROCS], 64, "%d", ns->nprocs);
    snprintf(c[COL_PID], 64, "%s", ns->npids > 0 ? pid_text(f, ns->pids[0], buf, sizeof buf) : "");
    snprintf(c[COL_USERNS], 64, "%s",
             ns->owner ? ino_text(f, NS_USER, ns->owner, buf, sizeof buf) : "-");
    if (ns->owner_uid_known)
        snprintf(c[COL_OWNER], 64, "%u", (unsigned)ns->owner_uid);
    else
        snprintf(c[COL_OWNER], 64, "-");
}

/* What keeps a namespace no process is in, where COMMAND would be. */
static void held_text(const struct nsscan_ns *ns, const struct label_fmt *f, struct strbuf *out)
{
    char buf[64];
    if (ns->held == NSSCAN_HELD_MOUNT)
        sb_printf(out, _("(held by a bind mount on %s, in the mount namespace of %s)"),
                  ns->held_path, pid_text(f, ns->held_pid, buf, sizeof buf));
    else if (ns->held == NSSCAN_HELD_FD)
        sb_printf(out, _("(held by descriptor %d of %s)"), ns->held_fd,
                  pid_text(f, ns->held_pid, buf, sizeof buf));
}

void nsscan_print_table(const struct nsscan *s, const struct label_fmt *f, struct strbuf *out)
{
    static const char *const head[NCOLS] = {"NS", "TYPE", "NPROCS", "PID", "USERNS", "OWNER"};
    static const bool right[NCOLS] = {true, false, true, true, true, true};
    size_t n = s->n;
    char(*cells)[NCOLS][64] = xcalloc(n ? n : 1, sizeof *cells);
    size_t w[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        w[c] = strlen(head[c]);
    for (size_t i = 0; i < n; i++) {
        table_cells(&s->v[i], f, cells[i]);
        for (int c = 0; c < NCOLS; c++)
            if (text_width(cells[i][c]) > w[c])
                w[c] = text_width(cells[i][c]);
    }
    for (int c = 0; c < NCOLS; c++) {
        cell(out, head[c], w[c], right[c]);
        sb_appendc(out, ' ');
    }
    sb_append(out, "COMMAND\n");
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < NCOLS; c++) {
            cell(out, cells[i][c], w[c], right[c]);
            sb_appendc(out, ' ');
        }
        held_text(&s->v[i], f, out);
        sb_printf(out, "%s\n", s->v[i].command ? s->v[i].command : "");
    }
    free(cells);
}

/* ---- tree ---- */

/* For node i of the depth-first array: is it the last of its siblings?
 * Walking backwards, a node is last when no later node at its level was
 * seen since the last shallower one. */
static bool *last_flags(const struct nsscan *s)
{
    bool *last = xcalloc(s->n ? s->n : 1, sizeof *last);
    int maxl = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].level > maxl)
            maxl = s->v[i].level;
    bool *seen = xcalloc((size_t)maxl + 2, sizeof *seen);
    for (size_t i = s->n; i-- > 0;) {
        int l = s->v[i].level;
        last[i] = !seen[l];
        seen[l] = true;
        for (int k = l + 1; k <= maxl; k++)
            seen[k] = false;
    }
    free(seen);
    return last;
}

/* The gutter in front of a node's own lines: one column pair per ancestor
 * level (a bar while that ancestor has siblings still to come). */
static void gutter(struct strbuf *out, const bool *open, int level)
{
    for (int a = 1; a <= level; a++)
        sb_append(out, open[a] ? "│ " : "  ");
}

static void append_cut(struct strbuf *out, const char *s, size_t max)
{
    size_t chars = 0;
    const char *p = s;
    for (; *p; p++) {
        if (((unsigned char)*p & 0xc0) != 0x80 && chars++ == max)
            break;
    }
    if (*p) {
        /* Leave room for the ellipsis: cut one character earlier. */
        const char *q = p;
        do
            q--;
        while (q > s && ((unsigned char)*q & 0xc0) == 0x80);
        sb_appendn(out, s, (size_t)(q - s));
        sb_append(out, "…");
    } else {
        sb_append(out, s);
    }
}

static void node_header(struct strbuf *out, const struct nsscan_ns *ns, enum ns_slot type,
                        const struct label_fmt *f)
{
    char buf[64];
    sb_printf(out, _("%s  level %d"), ns_text(f, ns->type, ns->ino, buf, sizeof buf), ns->level);
    if (type == NS_USER)
        sb_printf(out, _(", owner uid %u"), (unsigned)ns->owner_uid);
    if (ns->nprocs > 0)
        sb_printf(out, NG_(", %d process\n", ", %d processes\n", ns->nprocs), ns->nprocs);
    else if (ns->for_children_of)
        sb_printf(out, _(", no process left (pid_for_children of %s)\n"),
                  pid_text(f, ns->for_children_of, buf, sizeof buf));
    else
        sb_append(out, _(", no processes\n"));
}

/* Start of a detail line of node i: the gutter, then a bar when the node
 * has children below (the next node is deeper). */
static void detail_prefix(struct strbuf *out, const struct nsscan *s, size_t i, const bool *open)
{
    gutter(out, open, s->v[i].level);
    bool kids = i + 1 < s->n && s->v[i + 1].level > s->v[i].level;
    sb_append(out, kids ? "│ " : "  ");
}

static void print_owns(struct strbuf *out, const struct nsscan *s, size_t i, const bool *open,
                       const struct label_fmt *f)
{
    const struct nsscan_ns *ns = &s->v[i];
    if (ns->nowns == 0)
        return;
    size_t shown = ns->nowns > TREE_OWNS_MAX ? TREE_OWNS_MAX : ns->nowns;
    size_t col = 0;
    for (size_t k = 0; k < shown; k++) {
        char buf[64];
        const char *t = ns_text(f, ns->owns[k].type, ns->owns[k].ino, buf, sizeof buf);
        if (k == 0 || col + 1 + text_width(t) > TREE_OWNS_WIDTH) {
            if (k > 0)
                sb_appendc(out, '\n');
            detail_prefix(out, s, i, open);
            /* TRANSLATORS: 5 columns (a Chinese character takes two) */
            sb_append(out, k == 0 ? _("owns ") : "     ");
            col = 5;
        } else {
            sb_appendc(out, ' ');
            col++;
        }
        sb_append(out, t);
        col += text_width(t);
    }
    if (ns->nowns > shown)
        sb_printf(out, _(" … and %zu more"), ns->nowns - shown);
    sb_appendc(out, '\n');
}

static const char *role_text(const struct label_fmt *f, pid_t pid, char *buf, size_t size)
{
    return f && f->role ? f->role(f->ctx, pid, buf, size) : NULL;
}

/* After "… and N more": the session's processes among those not listed
 * (in the root namespace they hide behind the kernel's threads). */
static void more_roles(struct strbuf *out, const struct nsscan_ns *ns, size_t shown,
                       const struct label_fmt *f)
{
    size_t named = 0;
    for (size_t k = 0; k < ns->npids; k++) {
        bool listed = false;
        for (size_t j = 0; j < shown && !listed; j++)
            listed = ns->procs[j].pid == ns->pids[k];
        char rb[32], pb[64];
        const char *role = listed ? NULL : role_text(f, ns->pids[k], rb, sizeof rb);
        if (!role)
            continue;
        if (named == TREE_ROLES_MAX) {
            sb_append(out, ", …");
            break;
        }
        sb_printf(out, "%s%s (%s)", named ? ", " : _(", among them "),
                  pid_text(f, ns->pids[k], pb, sizeof pb), role);
        named++;
    }
}

static void print_procs(struct strbuf *out, const struct nsscan *s, size_t i, enum ns_slot type,
                        const bool *open, const struct label_fmt *f)
{
    const struct nsscan_ns *ns = &s->v[i];
    char hp[NSSCAN_TREE_PROCS][64];
    size_t n = ns->nprocs_shown;
    if (n > NSSCAN_TREE_PROCS)
        n = NSSCAN_TREE_PROCS;
    size_t wh = 0, wn = 0;
    for (size_t k = 0; k < n; k++) {
        char buf[64];
        snprintf(hp[k], sizeof hp[k], "%s", pid_text(f, ns->procs[k].pid, buf, sizeof buf));
        if (text_width(hp[k]) > wh)
            wh = text_width(hp[k]);
        snprintf(buf, sizeof buf, "%d", (int)ns->procs[k].ns_pid);
        if (strlen(buf) > wn)
            wn = strlen(buf);
    }
    for (size_t k = 0; k < n; k++) {
        const struct nsscan_proc *p = &ns->procs[k];
        detail_prefix(out, s, i, open);
        cell(out, hp[k], wh, true);
        if (type == NS_PID) {
            char num[32];
            if (p->ns_pid > 0)
                snprintf(num, sizeof num, "%d", (int)p->ns_pid);
            else
                snprintf(num, sizeof num, "?");
            sb_append(out, " → ");
            cell(out, num, wn, false);
        }
        sb_append(out, "  ");
        append_cut(out, p->command ? p->command : _("(exited)"), TREE_CMD_MAX);
        char rb[32];
        const char *role = role_text(f, p->pid, rb, sizeof rb);
        if (role)
            sb_printf(out, "  (%s)", role);
        sb_appendc(out, '\n');
    }
    if (ns->npids > n) {
        detail_prefix(out, s, i, open);
        sb_printf(out, _("… and %zu more"), ns->npids - n);
        more_roles(out, ns, n, f);
        sb_appendc(out, '\n');
    }
}

void nsscan_print_tree(const struct nsscan *s, enum ns_slot type, const struct label_fmt *f,
                       struct strbuf *out)
{
    if (type == NS_PID)
        sb_append(out, _("PID namespaces (each process: host PID → PID inside its namespace)\n"));
    else
        sb_append(out, _("user namespaces (owner uid, the namespaces each owns, its processes)\n"));
    if (s->n == 0) {
        sb_append(out, _("(none visible)\n"));
        return;
    }
    bool *last = last_flags(s);
    int maxl = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].level > maxl)
            maxl = s->v[i].level;
    /* open[a]: the ancestor at level a of the current node has siblings
     * still to come, so its column carries a bar. */
    bool *open = xcalloc((size_t)maxl + 2, sizeof *open);
    for (size_t i = 0; i < s->n; i++) {
        const struct nsscan_ns *ns = &s->v[i];
        int l = ns->level;
        if (l > 0) {
            gutter(out, open, l - 1);
            sb_append(out, last[i] ? "└─" : "├─");
        }
        open[l] = !last[i];
        node_header(out, ns, type, f);
        if (type == NS_USER)
            print_owns(out, s, i, open, f);
        print_procs(out, s, i, type, open, f);
    }
    free(open);
    free(last);
}

/* ---- JSON ---- */

static void add_ino(cJSON *o, const char *key, const struct label_fmt *f, enum ns_slot type,
                    ino_t ino)
{
    char buf[64];
    if (f && f->ino)
        cJSON_AddStringToObject(o, key, f->ino(f->ctx, type, ino, buf, sizeof buf));
    else
        cJSON_AddNumberToObject(o, key, (double)ino);
}

static void add_pid(cJSON *o, const char *key, const struct label_fmt *f, pid_t pid)
{
    char buf[64];
    if (f && f->pid)
        cJSON_AddStringToObject(o, key, f->pid(f->ctx, pid, buf, sizeof buf));
    else
        cJSON_AddNumberToObject(o, key, pid);
}

cJSON *nsscan_json(const struct nsscan *s, const struct label_fmt *f)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < s->n; i++) {
        const struct nsscan_ns *ns = &s->v[i];
        cJSON *o = cJSON_CreateObject();
        add_ino(o, "ns", f, ns->type, ns->ino);
        cJSON_AddStringToObject(o, "type", ns_info[ns->type].name);
        cJSON_AddNumberToObject(o, "nprocs", ns->nprocs);
        if (ns->npids > 0)
            add_pid(o, "pid", f, ns->pids[0]);
        else
            cJSON_AddNullToObject(o, "pid");
        if (ns->owner)
            add_ino(o, "userns", f, NS_USER, ns->owner);
        else
            cJSON_AddNullToObject(o, "userns");
        if (ns->owner_uid_known)
            cJSON_AddNumberToObject(o, "owner_uid", ns->owner_uid);
        else
            cJSON_AddNullToObject(o, "owner_uid");
        if (ns->held == NSSCAN_HELD_NONE) {
            cJSON_AddNullToObject(o, "held_by");
        } else {
            cJSON *h = cJSON_AddObjectToObject(o, "held_by");
            if (ns->held == NSSCAN_HELD_MOUNT)
                cJSON_AddStringToObject(h, "mount", ns->held_path);
            else
                cJSON_AddNumberToObject(h, "fd", ns->held_fd);
            add_pid(h, "pid", f, ns->held_pid);
        }
        if (ns->command)
            cJSON_AddStringToObject(o, "command", ns->command);
        else
            cJSON_AddNullToObject(o, "command");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *tree_node_json(const struct nsscan_ns *ns, enum ns_slot type,
                             const struct label_fmt *f)
{
    cJSON *o = cJSON_CreateObject();
    add_ino(o, "ns", f, ns->type, ns->ino);
    cJSON_AddStringToObject(o, "type", ns_info[ns->type].name);
    cJSON_AddNumberToObject(o, "level", ns->level);
    cJSON_AddNumberToObject(o, "nprocs", ns->nprocs);
    if (ns->for_children_of)
        add_pid(o, "pid_for_children_of", f, ns->for_children_of);
    if (type == NS_USER) {
        cJSON_AddNumberToObject(o, "owner_uid", ns->owner_uid);
        cJSON *owns = cJSON_AddArrayToObject(o, "owns");
        for (size_t k = 0; k < ns->nowns; k++) {
            cJSON *w = cJSON_CreateObject();
            cJSON_AddStringToObject(w, "type", ns_info[ns->owns[k].type].name);
            add_ino(w, "ns", f, ns->owns[k].type, ns->owns[k].ino);
            cJSON_AddNumberToObject(w, "nprocs", ns->owns[k].nprocs);
            cJSON_AddItemToArray(owns, w);
        }
    }
    cJSON *procs = cJSON_AddArrayToObject(o, "processes");
    for (size_t k = 0; k < ns->nprocs_shown; k++) {
        const struct nsscan_proc *p = &ns->procs[k];
        cJSON *po = cJSON_CreateObject();
        add_pid(po, "pid", f, p->pid);
        if (type == NS_PID) {
            if (p->ns_pid > 0)
                cJSON_AddNumberToObject(po, "ns_pid", p->ns_pid);
            else
                cJSON_AddNullToObject(po, "ns_pid");
        }
        if (p->command)
            cJSON_AddStringToObject(po, "command", p->command);
        else
            cJSON_AddNullToObject(po, "command");
        cJSON_AddItemToArray(procs, po);
    }
    cJSON_AddArrayToObject(o, "children");
    return o;
}

cJSON *nsscan_tree_json(const struct nsscan *s, enum ns_slot type, const struct label_fmt *f)
{
    cJSON *roots = cJSON_CreateArray();
    /* stack[l]: the "children" array of the latest node at level l. */
    int maxl = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].level > maxl)
            maxl = s->v[i].level;
    cJSON **stack = xcalloc((size_t)maxl + 1, sizeof *stack);
    for (size_t i = 0; i < s->n; i++) {
        const struct nsscan_ns *ns = &s->v[i];
        cJSON *o = tree_node_json(ns, type, f);
        int l = ns->level;
        cJSON *parent = l > 0 && stack[l - 1] ? stack[l - 1] : roots;
        cJSON_AddItemToArray(parent, o);
        stack[l] = cJSON_GetObjectItemCaseSensitive(o, "children");
    }
    free(stack);
    return roots;
}
