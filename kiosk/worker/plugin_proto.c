/* plugin_proto: frames and fields of the worker protocol; both ends use this one copy, so they
 * cannot disagree about the encoding. */
#include "plugin_proto.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const char *
plugin_proto_strerror(PluginProtoErr e)
{
    switch (e) {
    case PLUGIN_PROTO_OK:
        return "ok";
    case PLUGIN_PROTO_EOF:
        return "the connection closed";
    case PLUGIN_PROTO_TIMEOUT:
        return "no answer in time";
    case PLUGIN_PROTO_IO:
        return "the connection failed";
    case PLUGIN_PROTO_MALFORMED:
        return "a malformed message";
    case PLUGIN_PROTO_NOMEM:
        return "out of memory";
    }
    return "?";
}

/* ---- building ---- */

static void
out_reserve(PluginProtoOut *o, size_t more)
{
    size_t ncap;
    unsigned char *nd;

    if (o->failed || o->len + more <= o->cap)
        return;
    ncap = o->cap ? o->cap : 256;
    while (ncap < o->len + more)
        ncap *= 2;
    if ((nd = realloc(o->data, ncap)) == NULL) {
        o->failed = true;
        return;
    }
    o->data = nd;
    o->cap = ncap;
}

static void
out_raw(PluginProtoOut *o, const void *p, size_t len)
{
    out_reserve(o, len);
    if (o->failed)
        return;
    if (len > 0)
        memcpy(o->data + o->len, p, len);
    o->len += len;
}

void
plugin_proto_out_begin(PluginProtoOut *o, PluginProtoType type)
{
    /* Room for the length prefix, filled in by send. */
    const unsigned char head[6] = {0, 0, 0, 0, PLUGIN_PROTO_VERSION, (unsigned char)type};

    o->len = 0;
    o->failed = false;
    out_raw(o, head, sizeof head);
}

void
plugin_proto_put_u32(PluginProtoOut *o, uint32_t v)
{
    unsigned char b[4];

    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    out_raw(o, b, sizeof b);
}

void
plugin_proto_put_u64(PluginProtoOut *o, uint64_t v)
{
    plugin_proto_put_u32(o, (uint32_t)v);
    plugin_proto_put_u32(o, (uint32_t)(v >> 32));
}

void
plugin_proto_put_bytes(PluginProtoOut *o, const void *p, size_t len)
{
    if (len > UINT32_MAX) {
        o->failed = true;
        return;
    }
    plugin_proto_put_u32(o, (uint32_t)len);
    out_raw(o, p, len);
}

void
plugin_proto_put_str(PluginProtoOut *o, const char *s)
{
    plugin_proto_put_bytes(o, s ? s : "", s ? strlen(s) : 0);
}

PluginProtoErr
plugin_proto_send(int fd, PluginProtoOut *o)
{
    size_t body, done = 0;

    if (o->failed || o->len < 6)
        return PLUGIN_PROTO_NOMEM;
    body = o->len - 4;
    for (int i = 0; i < 4; i++)
        o->data[i] = (unsigned char)(body >> (8 * i));
    while (done < o->len) {
        ssize_t n = send(fd, o->data + done, o->len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EPIPE || errno == ECONNRESET ? PLUGIN_PROTO_EOF : PLUGIN_PROTO_IO;
        done += (size_t)n;
    }
    return PLUGIN_PROTO_OK;
}

void
plugin_proto_out_free(PluginProtoOut *o)
{
    free(o->data);
    o->data = NULL;
    o->len = o->cap = 0;
}

/* ---- reading ---- */

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly len bytes before deadline (-1: none). */
static PluginProtoErr
read_full(int fd, unsigned char *p, size_t len, int64_t deadline)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n;
        if (deadline >= 0) {
            struct pollfd pfd = {.fd = fd, .events = POLLIN};
            int64_t left = deadline - now_ms();
            int r;
            if (left <= 0)
                return PLUGIN_PROTO_TIMEOUT;
            r = poll(&pfd, 1, (int)left);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return PLUGIN_PROTO_IO;
            if (r == 0)
                return PLUGIN_PROTO_TIMEOUT;
        }
        n = read(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ECONNRESET ? PLUGIN_PROTO_EOF : PLUGIN_PROTO_IO;
        if (n == 0)
            return PLUGIN_PROTO_EOF;
        done += (size_t)n;
    }
    return PLUGIN_PROTO_OK;
}

PluginProtoErr
plugin_proto_recv(int fd, size_t max, int timeout_ms, PluginProtoIn *in)
{
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    unsigned char head[4];
    size_t len = 0;
    PluginProtoErr e;

    memset(in, 0, sizeof *in);
    if ((e = read_full(fd, head, sizeof head, deadline)) != PLUGIN_PROTO_OK)
        return e;
    for (int i = 0; i < 4; i++)
        len |= (size_t)head[i] << (8 * i);
    if (len < 2 || len > max)
        return PLUGIN_PROTO_MALFORMED;
    if ((in->data = malloc(len)) == NULL)
        return PLUGIN_PROTO_NOMEM;
    if ((e = read_full(fd, in->data, len, deadline)) != PLUGIN_PROTO_OK) {
        plugin_proto_in_free(in);
        return e;
    }
    if (in->data[0] != PLUGIN_PROTO_VERSION) {
        plugin_proto_in_free(in);
        return PLUGIN_PROTO_MALFORMED;
    }
    in->type = (PluginProtoType)in->data[1];
    in->len = len;
    in->off = 2;
    return PLUGIN_PROTO_OK;
}

static const unsigned char *
take(PluginProtoIn *in, size_t n)
{
    const unsigned char *p;

    if (in->bad || in->len - in->off < n) {
        in->bad = true;
        return NULL;
    }
    p = in->data + in->off;
    in->off += n;
    return p;
}

uint32_t
plugin_proto_get_u32(PluginProtoIn *in)
{
    const unsigned char *p = take(in, 4);
    uint32_t v = 0;

    for (int i = 0; p != NULL && i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

uint64_t
plugin_proto_get_u64(PluginProtoIn *in)
{
    uint64_t lo = plugin_proto_get_u32(in);

    return lo | (uint64_t)plugin_proto_get_u32(in) << 32;
}

const unsigned char *
plugin_proto_get_bytes(PluginProtoIn *in, size_t max, size_t *len_out)
{
    size_t len = plugin_proto_get_u32(in);
    const unsigned char *p;

    *len_out = 0;
    if (len > max) {
        in->bad = true;
        return NULL;
    }
    if ((p = take(in, len)) == NULL)
        return NULL;
    *len_out = len;
    return p;
}

char *
plugin_proto_get_str(PluginProtoIn *in, size_t max)
{
    size_t len;
    const unsigned char *p = plugin_proto_get_bytes(in, max, &len);
    char *s;

    if (p == NULL && in->bad)
        return NULL;
    if (len > 0 && memchr(p, '\0', len) != NULL) {
        in->bad = true;
        return NULL;
    }
    if ((s = malloc(len + 1)) == NULL) {
        in->bad = true;
        return NULL;
    }
    if (len > 0)
        memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

bool
plugin_proto_done(const PluginProtoIn *in)
{
    return !in->bad && in->off == in->len;
}

void
plugin_proto_in_free(PluginProtoIn *in)
{
    free(in->data);
    in->data = NULL;
    in->len = in->off = 0;
}
