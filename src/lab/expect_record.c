#define _GNU_SOURCE
/* expect on a record: the rows of expect's table (expect.c) that judge a
 * condition on what a record (`record FILE`) carries instead of on the
 * kernel, for `nslab grade` (shell/grade.c). A row here reads one recorded
 * step (its "ok", "errno", "output", "result", the subject's "ns") and the session's
 * cgroups as last recorded; a form whose state a record does not carry has
 * no row, and the grader says so (expect_record_check). */
#include <cjson/cJSON.h>
#include <string.h>

#include "kernel/cgroup/cgroup.h"
#include "kernel/ns.h"
#include "lab/lab.h"
#include "session/cgroups.h"
#include "i18n.h"

static const char *rec_string(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ok: the step succeeded. */
int record_expect_ok(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e)
{
    if (!v->step) {
        sb_printf(why, "%s", _("no step was recorded"));
        return 0;
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v->step, "ok")))
        return 1;
    const char *err = rec_string(v->step, "errno");
    sb_printf(why, _("the step failed (%s)"), err ? err : "no errno");
    return 0;
}

/* fail [ERRNO]: the step failed (with ERRNO). */
int record_expect_fail(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                       struct nsl_err *e)
{
    if (!v->step) {
        sb_printf(why, "%s", _("no step was recorded"));
        return 0;
    }
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v->step, "ok"))) {
        sb_printf(why, "%s", _("the step succeeded"));
        return 0;
    }
    const char *err = rec_string(v->step, "errno");
    if (argc == 2 && (!err || strcmp(err, argv[1]) != 0)) {
        sb_printf(why, _("it failed with %s, not %s"), err ? err : "no errno", argv[1]);
        return 0;
    }
    return 1;
}

/* result KEY VALUE judged on a step's structured result (live, or as a
 * record carries it). */
int expect_result_in(const cJSON *result, char **argv, struct strbuf *why, struct nsl_err *e)
{
    const cJSON *v = result;
    cleanup_free char *path = xstrdup(argv[1]);
    char *save = NULL;
    for (char *k = strtok_r(path, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
        v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, k) : NULL;
    if (!v || cJSON_IsObject(v) || cJSON_IsArray(v)) {
        sb_printf(why, _("the previous step's result has no value %s"), argv[1]);
        return 0;
    }
    char num[64];
    const char *have = num;
    if (cJSON_IsNumber(v))
        snprintf(num, sizeof num, "%.17g", cJSON_GetNumberValue(v));
    else if (cJSON_IsString(v))
        have = cJSON_GetStringValue(v);
    else
        have = cJSON_IsTrue(v) ? "true" : cJSON_IsFalse(v) ? "false" : "null";
    /* "limit" is cgroup limit syntax for expect cg; here a plain value */
    return cg_value_match(CG_NCTRL, strcmp(argv[1], "limit") ? argv[1] : "result.limit", have,
                          argv[2], why, e);
}

/* result KEY VALUE: a field of the step's recorded result. */
int record_expect_result(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                         struct nsl_err *e)
{
    if (!v->step) {
        sb_printf(why, "%s", _("no step was recorded"));
        return 0;
    }
    return expect_result_in(cJSON_GetObjectItemCaseSensitive(v->step, "result"), argv, why, e);
}

/* output TEXT: the step's output contains TEXT. */
int record_expect_output(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                         struct nsl_err *e)
{
    cleanup_sb struct strbuf text = {0};
    for (int k = 1; k < argc; k++)
        sb_printf(&text, "%s%s", k > 1 ? " " : "", argv[k]);
    const char *out = v->step ? rec_string(v->step, "output") : NULL;
    if (out && strstr(out, sb_str(&text)))
        return 1;
    sb_printf(why, _("the step's output does not contain \"%s\""), sb_str(&text));
    return 0;
}

/* ns TYPE host|new|changed|same: the subject's namespaces as the step
 * recorded them ("differs" from the host's, "changed" in the step). */
int record_expect_ns(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e)
{
    enum ns_slot s = NS_NSLOTS;
    for (int k = 0; k < NS_NSLOTS; k++)
        if (strcmp(ns_info[k].name, argv[1]) == 0)
            s = k;
    if (s == NS_NSLOTS && ns_type_parse(argv[1], &s, e) < 0)
        return -1;
    const char *st = argv[2];
    bool vs_host = strcmp(st, "host") == 0 || strcmp(st, "new") == 0;
    if (!vs_host && strcmp(st, "changed") != 0 && strcmp(st, "same") != 0)
        return nsl_usage(e, "expect ns %s: say host, new, changed or same, not '%s'", argv[1], st);
    const cJSON *subj = v->step ? cJSON_GetObjectItemCaseSensitive(v->step, "subject") : NULL;
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(subj, "ns");
    const cJSON *one = cJSON_GetObjectItemCaseSensitive(ns, ns_info[s].name);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(one, vs_host ? "differs" : "changed");
    if (!cJSON_IsBool(b)) {
        sb_printf(why, _("the step recorded no observation of the %s namespace"), ns_info[s].name);
        return 0;
    }
    bool want = st[0] == 'n' || st[0] == 'c';
    if (cJSON_IsTrue(b) == want)
        return 1;
    if (vs_host)
        sb_printf(why,
                  cJSON_IsTrue(b) ? _("the subject's %s namespace was another one than the host's")
                                  : _("the subject's %s namespace was the host's"),
                  ns_info[s].name);
    else
        sb_printf(why,
                  cJSON_IsTrue(b) ? _("the %s namespace changed in the step")
                                  : _("the %s namespace did not change in the step"),
                  ns_info[s].name);
    return 0;
}

/* cg CGROUP FILE VALUE: FILE of the session's cgroup CGROUP as last
 * recorded, compared as `expect cg` compares (cg_value_match). */
int record_expect_cg(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(v->cgroups, argv[1]);
    if (!g) {
        sb_printf(why, _("no cgroup %s was recorded"), argv[1]);
        return 0;
    }
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(g, "files");
    const char *have = rec_string(files, argv[2]);
    if (!have) {
        sb_printf(why, _("%s of %s was not recorded as one value"), argv[2], argv[1]);
        return 0;
    }
    enum cg_ctrl ctrl = CG_PIDS;
    const char *name = rec_string(g, "controller");
    struct nsl_err ignored;
    if (name)
        cg_ctrl_parse(name, &ctrl, &ignored);
    cleanup_sb struct strbuf inner = {0};
    int held = cg_value_match(ctrl, argv[2], have, argv[3], &inner, e);
    if (held == 0)
        sb_printf(why, _("in %s, %s"), argv[1], sb_str(&inner));
    return held;
}
