/* libFuzzer harnesses: each feeds arbitrary bytes to the parsers that read
 * text from outside nslab (user input, /proc, cgroup files, the subject's
 * wire format). Built by `make fuzz` with clang, ASan and UBSan. */
#ifndef NSLAB_FUZZ_COMMON_H
#define NSLAB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A NUL-terminated copy of the input (the parsers take C strings). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

#endif
