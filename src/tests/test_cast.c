#define _GNU_SOURCE
/* Unit tests of the asciicast v2 lines (render/cast.c): the header's
 * fields, an event's time, kind and text, newlines as a terminal gets them
 * (\r\n, never \r\r\n), and text JSON must escape. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <string.h>

#include "render/cast.h"

static void test_header(void **state)
{
    (void)state;
    struct strbuf o = {0};
    cast_header(&o, 132, 43, 1700000000, "nslab");
    assert_int_equal(o.buf[o.len - 1], '\n');
    cJSON *h = cJSON_Parse(sb_str(&o));
    assert_non_null(h);
    assert_int_equal(cJSON_GetObjectItem(h, "version")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(h, "width")->valueint, 132);
    assert_int_equal(cJSON_GetObjectItem(h, "height")->valueint, 43);
    assert_true(cJSON_GetObjectItem(h, "timestamp")->valuedouble == 1700000000.0);
    cJSON_Delete(h);
    sb_reset(&o);
    /* No size known: the usual 80x24. */
    cast_header(&o, 0, 0, 0, NULL);
    h = cJSON_Parse(sb_str(&o));
    assert_int_equal(cJSON_GetObjectItem(h, "width")->valueint, 80);
    assert_int_equal(cJSON_GetObjectItem(h, "height")->valueint, 24);
    cJSON_Delete(h);
    sb_free(&o);
}

static void test_event(void **state)
{
    (void)state;
    struct strbuf o = {0};
    const char *text = "a\nb\r\n\"c\"\t\033[1mbold\033[0m\n";
    cast_event(&o, 1.5, text, strlen(text));
    assert_int_equal(o.buf[o.len - 1], '\n');
    assert_null(memchr(o.buf, '\n', o.len - 1)); /* one line */
    cJSON *e = cJSON_Parse(sb_str(&o));
    assert_true(cJSON_IsArray(e));
    assert_int_equal(cJSON_GetArraySize(e), 3);
    assert_true(cJSON_GetArrayItem(e, 0)->valuedouble == 1.5);
    assert_string_equal(cJSON_GetArrayItem(e, 1)->valuestring, "o");
    assert_string_equal(cJSON_GetArrayItem(e, 2)->valuestring,
                        "a\r\nb\r\n\"c\"\t\033[1mbold\033[0m\r\n");
    cJSON_Delete(e);
    sb_reset(&o);
    /* A time in microseconds at most; a leading newline. */
    cast_event(&o, 2.0000004, "\nx", 2);
    e = cJSON_Parse(sb_str(&o));
    assert_true(cJSON_GetArrayItem(e, 0)->valuedouble == 2.0);
    assert_string_equal(cJSON_GetArrayItem(e, 2)->valuestring, "\r\nx");
    cJSON_Delete(e);
    sb_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
