#define _GNU_SOURCE
/* The projector view (serve.h): libmicrohttpd serves the page and the
 * events, libgvc lays the graph out. */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <gvc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "render/serve.h"
#include "util.h"
#include "web_index.h" /* index_html[], index_html_len: src/render/web/index.html */

#define SERVE_QUEUE 16 /* states waiting for their layout; the oldest go first */

struct snap {
    long page; /* a recording's page (--replay), or -1 live */
    int step;
    bool ok, event;
    char *command, *text, *dot;
};

struct serve {
    struct MHD_Daemon *d;
    pthread_mutex_t mu;
    pthread_cond_t news; /* a new message, or stopping */
    pthread_cond_t work; /* a state for the layout thread, or stopping */
    bool stopping;
    pthread_t layout;
    bool layout_running;
    char *token, *url, *labels;
    /* The messages (SSE events, whole), the last SERVE_HISTORY kept:
     * message i is msg[i % SERVE_HISTORY], nmsg counts them all. */
    char *msg[SERVE_HISTORY];
    unsigned long nmsg;
    struct snap q[SERVE_QUEUE];
    size_t qn;
    struct strbuf cur; /* this step's text so far (the session's thread) */
};

/* --- addresses ----------------------------------------------------------- */

int serve_parse_addr(const char *spec, char *addr, size_t addrlen, int *portnum, bool *loopback,
                     struct nsl_err *e)
{
    const char *p = spec, *colon = strrchr(spec, ':');
    size_t alen = 0;
    const char *a = "127.0.0.1";
    if (colon) {
        a = spec;
        alen = (size_t)(colon - spec);
        if (alen >= 2 && spec[0] == '[' && spec[alen - 1] == ']')
            a++, alen -= 2;
        p = colon + 1;
    } else {
        alen = strlen(a);
    }
    char *end;
    errno = 0;
    long n = strtol(p, &end, 10);
    if (!*p || *end || errno || n < 0 || n > 65535)
        return nsl_usage(e, "serve: '%s' is no port (0 to 65535; [ADDR:]PORT)", p);
    if (alen == 0 || alen >= addrlen)
        return nsl_usage(e, "serve: no address before ':' in '%s' ([ADDR:]PORT)", spec);
    memcpy(addr, a, alen);
    addr[alen] = '\0';
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, addr, &v4) == 1)
        *loopback = (ntohl(v4.s_addr) >> 24) == 127;
    else if (inet_pton(AF_INET6, addr, &v6) == 1)
        *loopback = IN6_IS_ADDR_LOOPBACK(&v6);
    else
        return nsl_usage(e, "serve: '%s' is no IPv4 or IPv6 address", addr);
    *portnum = (int)n;
    return 0;
}

/* --- the layout thread --------------------------------------------------- */

static char *layout_svg(GVC_t *gvc, const char *dot)
{
    Agraph_t *g = agmemread(dot);
    if (!g)
        return NULL;
    char *svg = NULL, *data = NULL;
    unsigned int len = 0;
    if (gvLayout(gvc, g, "dot") == 0) {
        if (gvRenderData(gvc, g, "svg", &data, &len) == 0 && data) {
            /* From "<svg": the XML prolog and DOCTYPE do not belong in HTML. */
            const char *start = strstr(data, "<svg");
            svg = xstrdup(start ? start : data);
        }
        if (data)
            gvFreeRenderData(data);
        gvFreeLayout(gvc, g);
    }
    agclose(g);
    return svg;
}

static char *message_of(struct serve *s, unsigned long id, const struct snap *sn,
                        const char *svg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)id);
    cJSON_AddNumberToObject(o, "step", sn->step);
    if (sn->page >= 0)
        cJSON_AddNumberToObject(o, "page", (double)sn->page);
    cJSON_AddStringToObject(o, "command", sn->command ? sn->command : "");
    cJSON_AddBoolToObject(o, "ok", sn->ok);
    cJSON_AddBoolToObject(o, "event", sn->event);
    cJSON_AddStringToObject(o, "text", sn->text ? sn->text : "");
    if (svg)
        cJSON_AddStringToObject(o, "svg", svg);
    cJSON_AddRawToObject(o, "labels", s->labels);
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    char *m = xasprintf("id: %lu\ndata: %s\n\n", id, json);
    cJSON_free(json);
    return m;
}

static void snap_free(struct snap *sn)
{
    free(sn->command);
    free(sn->text);
    free(sn->dot);
    memset(sn, 0, sizeof *sn);
}

static void *layout_main(void *arg)
{
    struct serve *s = arg;
    GVC_t *gvc = gvContext();
    char *svg = NULL; /* the last picture, kept for states without a graph */
    for (;;) {
        struct snap got[SERVE_QUEUE];
        pthread_mutex_lock(&s->mu);
        while (!s->stopping && s->qn == 0)
            pthread_cond_wait(&s->work, &s->mu);
        if (s->stopping) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        size_t n = s->qn;
        memcpy(got, s->q, n * sizeof got[0]);
        s->qn = 0;
        pthread_mutex_unlock(&s->mu);
        for (size_t k = 0; k < n; k++) {
            /* Behind: only the newest state gets a new picture. */
            if (got[k].dot && (k + 1 == n || n < 4)) {
                char *fresh = layout_svg(gvc, got[k].dot);
                if (fresh) {
                    free(svg);
                    svg = fresh;
                }
            }
            pthread_mutex_lock(&s->mu);
            unsigned long id = s->nmsg;
            char *m = message_of(s, id, &got[k], svg);
            free(s->msg[id % SERVE_HISTORY]);
            s->msg[id % SERVE_HISTORY] = m;
            s->nmsg++;
            pthread_cond_broadcast(&s->news);
            pthread_mutex_unlock(&s->mu);
            snap_free(&got[k]);
        }
    }
    free(svg);
    gvFreeContext(gvc);
    return NULL;
}

/* --- the viewers --------------------------------------------------------- */

struct viewer {
    struct serve *s;
    unsigned long next; /* the next message it gets */
    char *buf;
    size_t len, off;
};

/* The event stream: the kept messages, then each new one; a comment every
 * 15 s keeps a quiet connection open. Blocks (its own thread) meanwhile. */
static ssize_t viewer_read(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    struct viewer *v = cls;
    struct serve *s = v->s;
    if (v->off == v->len) {
        free(v->buf);
        v->buf = NULL;
        v->len = v->off = 0;
        pthread_mutex_lock(&s->mu);
        if (v->next + SERVE_HISTORY < s->nmsg)
            v->next = s->nmsg - SERVE_HISTORY;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 15;
        while (!s->stopping && v->next == s->nmsg)
            if (pthread_cond_timedwait(&s->news, &s->mu, &until) == ETIMEDOUT)
                break;
        if (s->stopping) {
            pthread_mutex_unlock(&s->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (v->next < s->nmsg)
            v->buf = xstrdup(s->msg[v->next++ % SERVE_HISTORY]);
        else
            v->buf = xstrdup(": still here\n\n");
        pthread_mutex_unlock(&s->mu);
        v->len = strlen(v->buf);
    }
    size_t n = v->len - v->off < max ? v->len - v->off : max;
    memcpy(out, v->buf + v->off, n);
    v->off += n;
    return (ssize_t)n;
}

static void viewer_free(void *cls)
{
    struct viewer *v = cls;
    free(v->buf);
    free(v);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
                             const void *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline'; "
                            "style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

#define TEXT(s) "text/plain; charset=utf-8", s, sizeof s - 1

static bool token_ok(const struct serve *s, struct MHD_Connection *c)
{
    if (!s->token)
        return true;
    const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    size_t n = strlen(s->token);
    if (!t || strlen(t) != n)
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(t[i] ^ s->token[i]);
    return diff == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version, (void)upload, (void)con_cls;
    struct serve *s = cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, TEXT("this page only shows: GET only\n"));
    if (*upload_size)
        return reply(c, MHD_HTTP_BAD_REQUEST, TEXT("no body\n"));
    if (!token_ok(s, c))
        return reply(c, MHD_HTTP_FORBIDDEN, TEXT("the token printed by nslab is needed: "
                                                 "/?token=...\n"));
    if (strcmp(url, "/") == 0)
        return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", index_html, index_html_len);
    if (strcmp(url, "/events") != 0)
        return reply(c, MHD_HTTP_NOT_FOUND, TEXT("not here: / and /events only\n"));
    struct viewer *v = calloc(1, sizeof *v);
    if (!v)
        return MHD_NO;
    v->s = s;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, viewer_read, v, viewer_free);
    if (!r) {
        free(v);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* --- the session's side -------------------------------------------------- */

static char *labels_json(const struct serve_labels *l)
{
    cJSON *o = cJSON_CreateObject();
    const char *const pairs[][2] = {
        {"title", l->title},       {"step", l->step},       {"command", l->command},
        {"shown", l->shown},       {"graph", l->graph},     {"timeline", l->timeline},
        {"event", l->event},       {"waiting", l->waiting}, {"lang", l->lang},
    };
    for (size_t k = 0; k < ARRAY_SIZE(pairs); k++)
        cJSON_AddStringToObject(o, pairs[k][0], pairs[k][1] ? pairs[k][1] : "");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *random_token(void)
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        return NULL;
    char *t = xmalloc(2 * sizeof b + 1);
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(t + 2 * i, 3, "%02x", b[i]);
    return t;
}

static struct MHD_Daemon *daemon_start(struct serve *s, const char *addr, int portnum)
{
    struct sockaddr_storage ss = {0};
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)portnum);
        inet_pton(AF_INET6, addr, &a6->sin6_addr);
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)portnum);
        inet_pton(AF_INET, addr, &a4->sin_addr);
    }
    return MHD_start_daemon(flags, (uint16_t)portnum, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_MAX_VIEWERS,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_TIMEOUT,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)256 * 1024, MHD_OPTION_END);
}

struct serve *serve_start(const char *spec, const struct serve_labels *labels,
                          const char **token, const char **url, struct nsl_err *e)
{
    char addr[64];
    int portnum = 0;
    bool loopback = false; /* set by the parse; false asks for a token */
    if (serve_parse_addr(spec, addr, sizeof addr, &portnum, &loopback, e) < 0)
        return NULL;
    struct serve *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->news, NULL);
    pthread_cond_init(&s->work, NULL);
    s->labels = labels_json(labels);
    if (!loopback && !(s->token = random_token())) {
        nsl_fail_errno(e, errno, "serve: no random token");
        serve_stop(s);
        return NULL;
    }
    /* The server's threads take no signal: Ctrl-C and SIGTERM stay the
     * session's, which waits for them in its own thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    s->d = daemon_start(s, addr, portnum);
    int err = errno;
    if (s->d)
        s->layout_running = pthread_create(&s->layout, NULL, layout_main, s) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!s->d || !s->layout_running) {
        nsl_fail_errno(e, s->d ? EAGAIN : err ? err : EADDRINUSE, "serve: cannot serve on %s",
                       spec);
        serve_stop(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    if (info && info->port)
        portnum = info->port;
    bool v6 = strchr(addr, ':') != NULL;
    s->url = xasprintf("http://%s%s%s:%d/%s%s", v6 ? "[" : "", addr, v6 ? "]" : "", portnum,
                       s->token ? "?token=" : "", s->token ? s->token : "");
    *token = s->token;
    *url = s->url;
    return s;
}

void serve_stop(struct serve *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_broadcast(&s->news);
    pthread_cond_broadcast(&s->work);
    pthread_mutex_unlock(&s->mu);
    if (s->d)
        MHD_stop_daemon(s->d);
    if (s->layout_running)
        pthread_join(s->layout, NULL);
    for (size_t k = 0; k < s->qn; k++)
        snap_free(&s->q[k]);
    for (size_t k = 0; k < SERVE_HISTORY; k++)
        free(s->msg[k]);
    free(s->token);
    free(s->url);
    free(s->labels);
    sb_free(&s->cur);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->news);
    pthread_cond_destroy(&s->work);
    free(s);
}

void serve_text(struct serve *s, const char *kind, const char *text)
{
    if (strcmp(kind, "echo") == 0 || strcmp(kind, "input") == 0)
        sb_reset(&s->cur);
    for (const char *p = text; *p;) {
        if (p[0] == '\033' && p[1] == '[') {
            size_t i = 2;
            while ((p[i] >= '0' && p[i] <= '9') || p[i] == ';')
                i++;
            if (p[i] == 'm') {
                p += i + 1;
                continue;
            }
        }
        sb_appendc(&s->cur, *p++);
    }
}

static void publish(struct serve *s, long page, int step, const char *command, bool ok,
                    bool event, const char *dot)
{
    struct snap sn = {.page = page, .step = step, .ok = ok, .event = event,
                      .command = command ? xstrdup(command) : NULL,
                      .text = xstrdup(sb_str(&s->cur)), .dot = dot ? xstrdup(dot) : NULL};
    pthread_mutex_lock(&s->mu);
    if (s->qn == SERVE_QUEUE) { /* far behind: the oldest state goes */
        snap_free(&s->q[0]);
        memmove(s->q, s->q + 1, (SERVE_QUEUE - 1) * sizeof s->q[0]);
        s->qn--;
    }
    s->q[s->qn++] = sn;
    pthread_cond_signal(&s->work);
    pthread_mutex_unlock(&s->mu);
}

void serve_publish(struct serve *s, int step, const char *command, bool ok, bool event,
                   const char *dot)
{
    publish(s, -1, step, command, ok, event, dot);
}

void serve_publish_page(struct serve *s, long page, int step, const char *command, bool ok,
                        const char *dot)
{
    publish(s, page, step, command, ok, false, dot);
}
