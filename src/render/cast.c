/* asciicast v2 lines (see cast.h). */
#include <cjson/cJSON.h>
#include <string.h>

#include "render/cast.h"

void cast_header(struct strbuf *out, int width, int height, time_t timestamp, const char *title)
{
    cJSON *h = cJSON_CreateObject();
    cJSON_AddNumberToObject(h, "version", 2);
    cJSON_AddNumberToObject(h, "width", width > 0 ? width : 80);
    cJSON_AddNumberToObject(h, "height", height > 0 ? height : 24);
    cJSON_AddNumberToObject(h, "timestamp", (double)timestamp);
    if (title)
        cJSON_AddStringToObject(h, "title", title);
    cJSON *env = cJSON_AddObjectToObject(h, "env");
    cJSON_AddStringToObject(env, "TERM", "xterm-256color");
    char *s = cJSON_PrintUnformatted(h);
    sb_append(out, s);
    sb_appendc(out, '\n');
    cJSON_free(s);
    cJSON_Delete(h);
}

void cast_event(struct strbuf *out, double t, const char *text, size_t n)
{
    struct strbuf crlf = {0};
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            sb_appendc(&crlf, '\r');
        sb_appendc(&crlf, text[i]);
    }
    cJSON *ev = cJSON_CreateArray();
    cJSON_AddItemToArray(ev, cJSON_CreateNumber((double)(long long)(t * 1e6) / 1e6));
    cJSON_AddItemToArray(ev, cJSON_CreateString("o"));
    cJSON_AddItemToArray(ev, cJSON_CreateString(sb_str(&crlf)));
    char *s = cJSON_PrintUnformatted(ev);
    sb_append(out, s);
    sb_appendc(out, '\n');
    cJSON_free(s);
    cJSON_Delete(ev);
    sb_free(&crlf);
}
