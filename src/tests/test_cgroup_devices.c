#define _GNU_SOURCE
/* The devices controller's words: v1's rule syntax, the model (a default and
 * its exceptions, as security/device_cgroup.c keeps them), the BPF program
 * nslab compiles for v2 (run here by a small interpreter of the
 * instructions it uses, against the model), and both backends on fake v1,
 * v2 and hybrid trees. */
/* layer: kernel */
#include "cgroup_fake.h"

/* --- the syntax --------------------------------------------------------- */

static void test_rule_parse(void **state)
{
    struct cg_dev_rule r;
    struct nsl_err e;
    assert_int_equal(cg_dev_rule_parse("c 1:3 w", &r, &e), 0);
    assert_int_equal(r.type, 'c');
    assert_int_equal(r.major, 1);
    assert_int_equal(r.minor, 3);
    assert_int_equal(r.access, CG_DEV_WRITE);
    assert_int_equal(cg_dev_rule_parse("b 7:* rwm", &r, &e), 0);
    assert_int_equal(r.minor, CG_DEV_ANY);
    assert_int_equal(r.access, CG_DEV_ALL);
    assert_int_equal(cg_dev_rule_parse("a", &r, &e), 0);
    assert_int_equal(r.type, 'a');
    assert_int_equal(cg_dev_rule_parse("a *:* rwm", &r, &e), 0);
    struct strbuf sb = {0};
    assert_int_equal(cg_dev_rule_parse("c *:5 mr", &r, &e), 0);
    cg_dev_rule_format(&r, &sb);
    assert_string_equal(sb_str(&sb), "c *:5 rm");
    sb_free(&sb);

    static const char *const bad[] = {
        "", "x 1:3 w", "c 1:3", "c 1 w", "c 1:3 q", "c 1:3 ww", "c :3 w", "c 1:3 w extra",
        "c 4096:1 r", "c 1:1048576 r", "a 1:3 w", "c -1:3 w", "c 1:3 ",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        e = (struct nsl_err){0};
        if (cg_dev_rule_parse(bad[i], &r, &e) == 0)
            fail_msg("'%s' parsed", bad[i]);
        assert_true(e.usage);
        assert_null(strchr(e.msg, '\n')); /* one line */
    }
}

/* --- the model: v1's semantics ------------------------------------------- */

static void apply(struct cg_dev_rules *rules, bool allow, const char *text)
{
    struct cg_dev_rule r;
    struct nsl_err e;
    if (cg_dev_rule_parse(text, &r, &e) < 0)
        fail_msg("%s: %s", text, e.msg);
    assert_int_equal(cg_dev_rules_apply(rules, allow, &r, &e), 0);
}

static void test_model(void **state)
{
    struct cg_dev_rules R = {0};
    assert_true(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_WRITE));
    apply(&R, false, "c 1:3 w");
    assert_false(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_WRITE));
    assert_false(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_READ | CG_DEV_WRITE));
    assert_true(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_READ));
    assert_true(cg_dev_rules_permit(&R, 'c', 1, 5, CG_DEV_WRITE));
    assert_true(cg_dev_rules_permit(&R, 'b', 1, 3, CG_DEV_WRITE));
    apply(&R, true, "c 1:3 w"); /* in favour of the default: the exception goes */
    assert_int_equal(R.n, 0);
    assert_true(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_WRITE));

    apply(&R, false, "a"); /* deny everything, exceptions cleared */
    assert_true(R.deny_all);
    assert_false(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_READ));
    apply(&R, true, "c 1:3 r");
    apply(&R, true, "c 1:3 w"); /* merged into the same exception */
    assert_int_equal(R.n, 1);
    assert_true(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_READ | CG_DEV_WRITE));
    assert_false(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_MKNOD));
    assert_false(cg_dev_rules_permit(&R, 'c', 1, 5, CG_DEV_READ));
    apply(&R, true, "c 136:* rw");
    assert_true(cg_dev_rules_permit(&R, 'c', 136, 7, CG_DEV_WRITE));
    assert_false(cg_dev_rules_permit(&R, 'b', 136, 7, CG_DEV_WRITE));
    apply(&R, false, "c 1:3 w"); /* takes write away from the exception */
    assert_true(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_READ));
    assert_false(cg_dev_rules_permit(&R, 'c', 1, 3, CG_DEV_WRITE));
    struct strbuf sb = {0};
    cg_dev_rules_format(&R, &sb);
    assert_string_equal(sb_str(&sb), "deny a *:* rwm\nallow c 1:3 r\nallow c 136:* rw\n");
    sb_free(&sb);
    apply(&R, true, "a");
    assert_false(R.deny_all);
    assert_int_equal(R.n, 0);

    /* a full list refuses the next exception and stays as it was */
    for (int i = 0; i < CG_DEV_MAX; i++) {
        char text[32];
        snprintf(text, sizeof text, "c 10:%d r", i);
        apply(&R, false, text);
    }
    struct cg_dev_rule r;
    struct nsl_err e;
    assert_int_equal(cg_dev_rule_parse("c 11:0 r", &r, &e), 0);
    assert_int_equal(cg_dev_rules_apply(&R, false, &r, &e), -1);
    assert_int_equal(e.errnum, E2BIG);
    assert_int_equal(R.n, CG_DEV_MAX);
}

/* --- the program -------------------------------------------------------- */

/* The instructions cg_dev_prog_compile uses, as the kernel runs them. */
static int run_prog(const struct bpf_insn *p, size_t n, char type, int major, int minor,
                    unsigned access)
{
    uint32_t ctx[3] = {access << 16 | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR),
                       (uint32_t)major, (uint32_t)minor};
    uint64_t r[11] = {0};
    for (size_t pc = 0; pc < n; pc++) {
        const struct bpf_insn *in = &p[pc];
        switch (in->code) {
        case BPF_LDX | BPF_W | BPF_MEM:
            assert_int_equal(in->src_reg, 1);
            assert_true(in->off >= 0 && in->off <= 8 && in->off % 4 == 0);
            r[in->dst_reg] = ctx[in->off / 4];
            break;
        case BPF_ALU64 | BPF_AND | BPF_K: r[in->dst_reg] &= (uint64_t)(int64_t)in->imm; break;
        case BPF_ALU64 | BPF_RSH | BPF_K: r[in->dst_reg] >>= in->imm; break;
        case BPF_ALU64 | BPF_MOV | BPF_X: r[in->dst_reg] = r[in->src_reg]; break;
        case BPF_ALU64 | BPF_MOV | BPF_K: r[in->dst_reg] = (uint64_t)(int64_t)in->imm; break;
        case BPF_JMP | BPF_JNE | BPF_K:
            if (r[in->dst_reg] != (uint64_t)(int64_t)in->imm)
                pc += in->off;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            if (r[in->dst_reg] == (uint64_t)(int64_t)in->imm)
                pc += in->off;
            break;
        case BPF_JMP | BPF_EXIT: return (int)r[0];
        default: fail_msg("instruction %zu: unexpected code %#x", pc, in->code);
        }
        assert_true(pc + 1 <= n); /* no jump out of the program */
    }
    fail_msg("the program runs off its end");
    return -1;
}

/* Every device and access of a small grid, program against model. */
static void check_prog(const struct cg_dev_rules *R)
{
    struct bpf_insn prog[CG_DEV_PROG_MAX];
    size_t n = cg_dev_prog_compile(R, prog);
    assert_true(n <= CG_DEV_PROG_MAX);
    static const char types[] = {'b', 'c'};
    for (size_t t = 0; t < 2; t++)
        for (int maj = 0; maj < 4; maj++)
            for (int min = 0; min < 4; min++)
                for (unsigned acc = 1; acc <= CG_DEV_ALL; acc++) {
                    int want = cg_dev_rules_permit(R, types[t], maj, min, acc);
                    int got = run_prog(prog, n, types[t], maj, min, acc);
                    if (got != want)
                        fail_msg("%c %d:%d access %u: program %d, model %d", types[t], maj, min,
                                 acc, got, want);
                }
}

static void test_program(void **state)
{
    struct cg_dev_rules R = {0};
    check_prog(&R);
    apply(&R, false, "c 1:3 w");
    check_prog(&R);
    struct bpf_insn prog[CG_DEV_PROG_MAX];
    assert_int_equal(run_prog(prog, cg_dev_prog_compile(&R, prog), 'c', 1, 3, CG_DEV_WRITE), 0);
    apply(&R, false, "b *:2 rm");
    apply(&R, false, "c 2:* r");
    check_prog(&R);
    apply(&R, false, "a");
    check_prog(&R);
    apply(&R, true, "c 1:3 rw");
    apply(&R, true, "b 2:* m");
    apply(&R, true, "c *:1 rwm");
    check_prog(&R);
    /* pseudo-random rule lists, both defaults */
    unsigned seed = 7;
    for (int round = 0; round < 40; round++) {
        struct cg_dev_rules Q = {0};
        apply(&Q, round % 2, "a");
        for (int k = 0; k < 6; k++) {
            seed = seed * 1103515245 + 12345;
            char text[32], acc[4] = "";
            unsigned a = (seed >> 8) % 7 + 1;
            snprintf(acc, sizeof acc, "%s%s%s", a & 2 ? "r" : "", a & 4 ? "w" : "",
                     a & 1 ? "m" : "");
            int maj = (int)(seed >> 12) % 5 - 1, min = (int)(seed >> 16) % 5 - 1;
            char majs[8], mins[8];
            snprintf(majs, sizeof majs, maj < 0 ? "*" : "%d", maj);
            snprintf(mins, sizeof mins, min < 0 ? "*" : "%d", min);
            snprintf(text, sizeof text, "%c %s:%s %s", (seed >> 20) & 1 ? 'b' : 'c', majs, mins,
                     acc);
            apply(&Q, (seed >> 24) & 1, text);
        }
        check_prog(&Q);
    }
    /* readable: the verifier's words */
    struct strbuf sb = {0};
    cg_dev_insn_format(&prog[0], &sb);
    assert_string_equal(sb_str(&sb), "(61) r2 = *(u32 *)(r1 +0)");
    sb_free(&sb);
}

/* --- the backends on fake trees -------------------------------------------- */

static void set(struct cg_session *s, const struct cg_group *g, bool allow, const char *text,
                struct trace *t)
{
    struct cg_dev_rule r;
    struct nsl_err e;
    assert_int_equal(cg_dev_rule_parse(text, &r, &e), 0);
    if (cg_set_device(s, g, allow, &r, t, &e) < 0)
        fail_msg("%s %s: %s", allow ? "allow" : "deny", text, e.msg);
}

static void check_v1(struct fake *f)
{
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    const struct cg_group *g = must_create(&s, CG_DEVICES, NULL, "dev", -1, &t);
    assert_int_equal(g->version, 1);
    assert_non_null(strstr(g->dir, "/devices/"));
    trace_clear(&t);
    set(&s, g, false, "c 1:3 w", &t);
    assert_trace_has(&t, "write %s/devices.deny \"c 1:3 w\" = 0", g->dir);
    assert_string_equal(read_at(g->dir, "devices.deny"), "c 1:3 w");
    set(&s, g, true, "a", &t);
    assert_trace_has(&t, "write %s/devices.allow \"a\" = 0", g->dir);
    assert_int_equal(f->nprog, 0); /* no program on v1 */
    /* devices.list is what cgget and cg_devices_show read */
    struct strbuf sb = {0};
    struct nsl_err e;
    int np;
    unsigned id;
    assert_int_equal(cg_devices_show(&s, g, &sb, &np, &id, &e), 0);
    assert_string_equal(sb_str(&sb), "a *:* rwm\n");
    assert_int_equal(np, -1);
    sb_free(&sb);
    struct cg_stats st;
    assert_int_equal(cg_read_stats(&s, g, &st, &e), 0);
    assert_string_equal(cg_stats_get(&st, "devices.list", NULL), "a *:* rwm");
    cg_stats_free(&st);
    /* allow and deny are a devices cgroup's words only */
    const struct cg_group *mem = must_create(&s, CG_MEMORY, NULL, NULL, -1, &t);
    struct cg_dev_rule r;
    assert_int_equal(cg_dev_rule_parse("c 1:3 w", &r, &e), 0);
    assert_int_equal(cg_set_device(&s, mem, false, &r, &t, &e), -1);
    assert_true(e.usage);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_free(&t);
}

static void test_v1_devices(void **state)
{
    struct fake *f = fake_v1();
    assert_int_equal(f->L.mode, CG_MODE_LEGACY);
    check_v1(f);
    fake_free(f);
    f = fake_hybrid(); /* v1 holds devices: the default there */
    check_v1(f);
    fake_free(f);
}

static void check_v2(struct fake *f, int hier)
{
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    const struct cg_group *g = must_create(&s, CG_DEVICES, NULL, "dev", hier, &t);
    assert_int_equal(g->version, 2);
    /* no controller to enable: nothing written to any subtree_control */
    cleanup_free char *made = trace_text(&t);
    assert_null(strstr(made, "subtree_control"));
    trace_clear(&t);
    set(&s, g, false, "c 1:3 w", &t);
    assert_string_equal(f->progdir, g->dir);
    assert_trace_has(&t, "# rules: allow a *:* rwm, deny c 1:3 w; as a "
                         "BPF_PROG_TYPE_CGROUP_DEVICE program:");
    assert_int_equal(run_prog(f->prog, f->nprog, 'c', 1, 3, CG_DEV_WRITE), 0);
    assert_int_equal(run_prog(f->prog, f->nprog, 'c', 1, 3, CG_DEV_READ), 1);
    set(&s, g, true, "c 1:3 w", &t); /* a new program in place of the old */
    assert_int_equal(run_prog(f->prog, f->nprog, 'c', 1, 3, CG_DEV_WRITE), 1);
    set(&s, g, false, "a", &t);
    set(&s, g, true, "c 1:3 rw", &t);
    assert_int_equal(run_prog(f->prog, f->nprog, 'c', 1, 3, CG_DEV_WRITE), 1);
    assert_int_equal(run_prog(f->prog, f->nprog, 'c', 1, 5, CG_DEV_WRITE), 0);
    /* the rules nslab keeps: the fake tree has no kernel to ask what is
     * attached, so only the rules are shown */
    struct strbuf sb = {0};
    struct nsl_err e;
    int np;
    unsigned id;
    cg_devices_show(&s, g, &sb, &np, &id, &e);
    assert_string_equal(sb_str(&sb), "deny a *:* rwm\nallow c 1:3 rw\n");
    sb_free(&sb);
    /* a refused program leaves the rules as they were */
    s.sys.bpf_devices = NULL;
    struct cg_dev_rule r;
    assert_int_equal(cg_dev_rule_parse("c 5:0 r", &r, &e), 0);
    assert_int_equal(cg_set_device(&s, g, true, &r, &t, &e), -1);
    assert_int_equal(g->dev.n, 1);
    /* a cgroup below it, not made by cgcreate: its rules are unknown */
    struct cg_group sub = *g;
    snprintf(sub.name, sizeof sub.name, "dev/sub");
    assert_int_equal(cg_set_device(&s, &sub, true, &r, &t, &e), -1);
    assert_true(e.usage);
    s.sys.bpf_devices = fake_bpf_devices;
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_free(&t);
}

static void test_v2_devices(void **state)
{
    struct fake *f = fake_v2();
    assert_int_equal(f->L.mode, CG_MODE_UNIFIED);
    assert_int_equal(f->L.ctrl_hier[CG_DEVICES], f->L.unified);
    check_v2(f, -1);
    fake_free(f);
    f = fake_hybrid(); /* --v2: the cgroup2 mount beside v1's devices */
    check_v2(f, f->L.unified);
    fake_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_parse), cmocka_unit_test(test_model),
        cmocka_unit_test(test_program),    cmocka_unit_test(test_v1_devices),
        cmocka_unit_test(test_v2_devices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
