#define _GNU_SOURCE
/* The tokenizer: everything a user or a lab can type. */
#include "shell/lex.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct lex_result r;
    struct nsl_err e;
    if (lex_split(s, 1, &r, &e) == 0) {
        for (size_t k = 0; k < r.n; k++) {
            /* Invariants the shell relies on. */
            if (r.cmds[k].argc < 1 || r.cmds[k].argv[r.cmds[k].argc] != NULL || !r.cmds[k].text)
                abort();
        }
        lex_result_free(&r);
    }
    (void)lex_continues(s);
    free(s);
    return 0;
}
