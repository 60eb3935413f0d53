#define _GNU_SOURCE
/* `graph`: the session as Graphviz DOT (see graph_dot.h for the picture).
 * Node names are generated (p0, n3, c1), so only labels need quoting. */
#include "render/graph_dot.h"

#include <stdlib.h>
#include <string.h>

/* Per namespace type (by enum ns_slot; the for_children slots unused): a
 * pale fill for the node and a darker line for its arrows. */
static const struct {
    const char *fill, *line;
} ns_colour[NS_NSLOTS] = {
    [NS_CGROUP] = {"#fde0dd", "#c51b8a"}, [NS_IPC] = {"#e5f5e0", "#31a354"},
    [NS_MNT] = {"#deebf7", "#3182bd"},    [NS_NET] = {"#fee6ce", "#e6550d"},
    [NS_PID] = {"#efedf5", "#756bb1"},    [NS_TIME] = {"#eeeeee", "#636363"},
    [NS_USER] = {"#ffffcc", "#b59b00"},   [NS_UTS] = {"#e0f3f8", "#2b8cbe"},
};

static const char *role_fill[] = {
    [GRAPH_SHELL] = "#ffffff",
    [GRAPH_SUBJECT] = "#fff2cc",
    [GRAPH_JOB] = "#e2f0d9",
    [GRAPH_OTHER] = "#f2f2f2",
};

/* Length of the UTF-8 sequence starting at p, or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *p)
{
    size_t n = *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3
             : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
    for (size_t k = 1; k < n; k++)
        if ((p[k] & 0xc0) != 0x80)
            return 0;
    return n && utf8_valid((const char *)p, n, NULL) ? n : 0;
}

void dot_quote(struct strbuf *out, const char *s)
{
    sb_appendc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            sb_appendc(out, '\\');
            sb_appendc(out, (char)*p++);
        } else if (*p == '\n') {
            sb_append(out, "\\n");
            p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            sb_appendc(out, '?');
            p++;
        } else if (*p < 0x80) {
            sb_appendc(out, (char)*p++);
        } else {
            size_t n = utf8_seq(p);
            if (n) {
                sb_appendn(out, (const char *)p, n);
                p += n;
            } else {
                sb_appendc(out, '?');
                p++;
            }
        }
    }
    sb_appendc(out, '"');
}

/* --- building ------------------------------------------------------------- */

size_t graph_add_proc(struct graph *g, enum graph_role role, const char *title, const char *pid)
{
    g->procs = xrealloc(g->procs, (g->nprocs + 1) * sizeof *g->procs);
    struct graph_proc *p = &g->procs[g->nprocs];
    memset(p, 0, sizeof *p);
    p->role = role;
    p->title = xstrdup(title);
    p->pid = xstrdup(pid);
    return g->nprocs++;
}

size_t graph_find_ns(const struct graph *g, enum ns_slot type, ino_t ino)
{
    type = ns_info[type].base;
    for (size_t k = 0; k < g->nns; k++)
        if (g->ns[k].type == type && g->ns[k].ino == ino)
            return k;
    return (size_t)-1;
}

size_t graph_add_ns(struct graph *g, enum ns_slot type, ino_t ino, const char *label)
{
    size_t k = graph_find_ns(g, type, ino);
    if (k != (size_t)-1)
        return k;
    g->ns = xrealloc(g->ns, (g->nns + 1) * sizeof *g->ns);
    g->ns[g->nns] = (struct graph_ns){.type = ns_info[type].base, .ino = ino,
                                      .label = xstrdup(label)};
    return g->nns++;
}

size_t graph_add_cg(struct graph *g, size_t hier, long parent, const char *name, const char *info)
{
    g->cgs = xrealloc(g->cgs, (g->ncgs + 1) * sizeof *g->cgs);
    g->cgs[g->ncgs] = (struct graph_cg){.name = xstrdup(name),
                                        .info = info ? xstrdup(info) : NULL,
                                        .hier = hier,
                                        .parent = parent};
    return g->ncgs++;
}

void graph_cg_add_member(struct graph_cg *c, size_t proc)
{
    c->members = xrealloc(c->members, (c->nmembers + 1) * sizeof *c->members);
    c->members[c->nmembers++] = proc;
}

size_t graph_add_hier(struct graph *g, const char *label)
{
    g->hiers = xrealloc(g->hiers, (g->nhiers + 1) * sizeof *g->hiers);
    g->hiers[g->nhiers] = xstrdup(label);
    return g->nhiers++;
}

void graph_free(struct graph *g)
{
    for (size_t k = 0; k < g->nprocs; k++) {
        free(g->procs[k].title);
        free(g->procs[k].pid);
    }
    for (size_t k = 0; k < g->nns; k++)
        free(g->ns[k].label);
    for (size_t k = 0; k < g->ncgs; k++) {
        free(g->cgs[k].name);
        free(g->cgs[k].info);
        free(g->cgs[k].members);
    }
    for (size_t k = 0; k < g->nhiers; k++)
        free(g->hiers[k]);
    free(g->procs);
    free(g->ns);
    free(g->cgs);
    free(g->hiers);
    free(g->title);
    memset(g, 0, sizeof *g);
}

/* --- rendering ------------------------------------------------------------ */

struct dot {
    const struct graph *g;
    struct strbuf *out;
    struct graph_counts n;
};

/* Is namespace k one of the host's (the shell's)? */
static bool ns_is_host(const struct graph *g, size_t k)
{
    if (!g->nprocs)
        return false;
    const struct graph_ns *ns = &g->ns[k];
    for (int s = 0; s < NS_NSLOTS; s++)
        if (ns_info[s].base == ns->type && g->procs[0].ns[s] == ns->ino)
            return true;
    return false;
}

static void ns_node(struct dot *d, size_t k, const char *indent)
{
    const struct graph_ns *ns = &d->g->ns[k];
    cleanup_free char *label = xasprintf("%s\n%s", ns_info[ns->type].name, ns->label);
    sb_printf(d->out, "%sn%zu [label=", indent, k);
    dot_quote(d->out, label);
    sb_printf(d->out, ", style=filled, fillcolor=\"%s\", color=\"%s\"];\n",
              ns_colour[ns->type].fill, ns_colour[ns->type].line);
    d->n.nodes++;
}

static void proc_node(struct dot *d, size_t k)
{
    const struct graph_proc *p = &d->g->procs[k];
    struct strbuf label = {0};
    sb_printf(&label, "%s\nPID %s", p->title, p->pid);
    if (p->inner)
        sb_printf(&label, " (%d inside)", (int)p->inner);
    for (int s = 0; s < NS_NSLOTS; s++)
        if (p->pending & (1u << s))
            sb_printf(&label, "\n%s: new, no process yet", ns_info[s].file);
    sb_printf(d->out, "  p%zu [shape=box, style=\"rounded,filled\", fillcolor=\"%s\", label=", k,
              role_fill[p->role]);
    dot_quote(d->out, sb_str(&label));
    sb_append(d->out, "];\n");
    sb_free(&label);
    d->n.nodes++;
}

/* Arrows from process k to the namespaces it is in other than the host's;
 * a *_for_children link only where it differs from the process's own
 * namespace of that type (where its children are born), dashed. */
static void proc_edges(struct dot *d, size_t k)
{
    const struct graph *g = d->g;
    const struct graph_proc *p = &g->procs[k], *host = &g->procs[0];
    for (int s = 0; s < NS_NSLOTS; s++) {
        enum ns_slot base = ns_info[s].base;
        ino_t ino = p->ns[s];
        if (!ino)
            continue;
        if (ns_info[s].for_children ? ino == p->ns[base] : ino == host->ns[s])
            continue;
        size_t n = graph_find_ns(g, base, ino);
        if (n == (size_t)-1)
            continue;
        sb_printf(d->out, "  p%zu -> n%zu [color=\"%s\"", k, n, ns_colour[base].line);
        if (ns_info[s].for_children)
            sb_printf(d->out, ", style=dashed, label=\"%s\", fontcolor=\"%s\"", ns_info[s].file,
                      ns_colour[base].line);
        sb_append(d->out, "];\n");
        d->n.edges++;
    }
}

static void cg_clusters(struct dot *d)
{
    const struct graph *g = d->g;
    for (size_t h = 0; h < g->nhiers; h++) {
        sb_printf(d->out, "\n  subgraph cluster_cg%zu {\n    label=", h);
        dot_quote(d->out, g->hiers[h]);
        sb_append(d->out, ";\n    style=\"rounded,filled\"; color=\"#7f7f7f\"; "
                          "fillcolor=\"#fafafa\";\n");
        for (size_t k = 0; k < g->ncgs; k++) {
            const struct graph_cg *c = &g->cgs[k];
            if (c->hier != h)
                continue;
            struct strbuf label = {0};
            sb_append(&label, c->name);
            if (c->info)
                sb_printf(&label, "\n%s", c->info);
            if (c->more)
                sb_printf(&label, "\n+%zu more process%s", c->more, c->more == 1 ? "" : "es");
            sb_printf(d->out, "    c%zu [shape=folder, style=filled, fillcolor=\"#ffffff\", "
                              "label=", k);
            dot_quote(d->out, sb_str(&label));
            sb_append(d->out, "];\n");
            sb_free(&label);
            d->n.nodes++;
        }
        sb_append(d->out, "  }\n");
    }
    for (size_t k = 0; k < g->ncgs; k++) {
        const struct graph_cg *c = &g->cgs[k];
        if (c->parent >= 0) {
            sb_printf(d->out, "  c%ld -> c%zu [color=\"#7f7f7f\"];\n", c->parent, k);
            d->n.edges++;
        }
        for (size_t m = 0; m < c->nmembers; m++) {
            sb_printf(d->out, "  c%zu -> p%zu [style=dotted, arrowhead=none, "
                              "color=\"#555555\"];\n", k, c->members[m]);
            d->n.edges++;
        }
    }
}

void graph_dot(const struct graph *g, struct strbuf *out, struct graph_counts *counts)
{
    struct dot d = {.g = g, .out = out};
    sb_append(out, "// Processes, namespaces and cgroups of one nslab session.\n"
                   "// Render it with: dot -Tsvg FILE -o graph.svg\n"
                   "digraph nslab {\n"
                   "  graph [rankdir=LR, compound=true, nodesep=0.25, ranksep=0.6, "
                   "fontname=\"Helvetica\", fontsize=14, labelloc=t, label=");
    /* The title, then a legend of the kinds of line the picture uses. */
    bool dashed = false, parents = false;
    for (size_t k = 1; k < g->nprocs; k++)
        for (int s = 0; s < NS_NSLOTS; s++)
            dashed |= ns_info[s].for_children && g->procs[k].ns[s] &&
                      g->procs[k].ns[s] != g->procs[k].ns[ns_info[s].base];
    for (size_t k = 0; k < g->nns; k++)
        parents |= g->ns[k].parent && graph_find_ns(g, g->ns[k].type, g->ns[k].parent) != (size_t)-1;
    struct strbuf title = {0};
    sb_append(&title, g->title ? g->title : "nslab session");
    sb_append(&title, "\nsolid arrow: a namespace other than the host's");
    if (dashed)
        sb_append(&title, "   dashed: where its children are born");
    if (parents || g->ncgs)
        sb_appendc(&title, '\n');
    if (parents)
        sb_append(&title, "bold: parent namespace (NS_GET_PARENT)");
    if (g->ncgs)
        sb_printf(&title, "%sdotted: in the cgroup (cgroup.procs)", parents ? "   " : "");
    dot_quote(out, sb_str(&title));
    sb_free(&title);
    sb_append(out, "];\n"
                   "  node [fontname=\"Helvetica\", fontsize=11];\n"
                   "  edge [fontname=\"Helvetica\", fontsize=9];\n");

    /* The host's namespaces once, in a cluster the shell points at. */
    size_t nhost = 0, mid = (size_t)-1;
    for (size_t k = 0; k < g->nns; k++)
        nhost += ns_is_host(g, k);
    if (nhost) {
        sb_append(out, "\n  subgraph cluster_host {\n"
                       "    label=\"the host's namespaces (the shell's)\";\n"
                       "    style=\"rounded,filled\"; color=\"#999999\"; fillcolor=\"#f7f7f7\";\n");
        for (size_t k = 0, i = 0; k < g->nns; k++) {
            if (!ns_is_host(g, k))
                continue;
            if (i++ == nhost / 2)
                mid = k;
            ns_node(&d, k, "    ");
        }
        sb_append(out, "  }\n");
    }

    sb_append(out, "\n  // processes\n");
    for (size_t k = 0; k < g->nprocs; k++)
        proc_node(&d, k);
    if (g->nprocs && mid != (size_t)-1) {
        sb_printf(out, "  p0 -> n%zu [lhead=cluster_host, color=\"#999999\", "
                       "label=\"all of them\"];\n", mid);
        d.n.edges++;
    }

    bool any = false;
    for (size_t k = 0; k < g->nns; k++) {
        if (ns_is_host(g, k))
            continue;
        if (!any)
            sb_append(out, "\n  // namespaces other than the host's\n");
        any = true;
        ns_node(&d, k, "  ");
    }
    sb_append(out, "\n  // where each process differs from the host\n");
    for (size_t k = 1; k < g->nprocs; k++)
        proc_edges(&d, k);

    any = false;
    for (size_t k = 0; k < g->nns; k++) {
        const struct graph_ns *ns = &g->ns[k];
        size_t p = ns->parent ? graph_find_ns(g, ns->type, ns->parent) : (size_t)-1;
        if (p == (size_t)-1)
            continue;
        if (!any)
            sb_append(out, "\n  // parent namespaces (NS_GET_PARENT)\n");
        any = true;
        sb_printf(out, "  n%zu -> n%zu [style=bold, color=\"%s\", label=\"parent\", "
                       "fontcolor=\"%s\"];\n",
                  k, p, ns_colour[ns->type].line, ns_colour[ns->type].line);
        d.n.edges++;
    }

    if (g->nhiers)
        cg_clusters(&d);
    sb_append(out, "}\n");
    if (counts)
        *counts = d.n;
}
