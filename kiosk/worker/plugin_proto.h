/* plugin_proto: the framing and field codec of the kiosk <-> plugin worker protocol (PROTOCOL.md),
 * one copy linked into both sides. */
#ifndef CERTKIOSK_PLUGIN_PROTO_H
#define CERTKIOSK_PLUGIN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A frame is a 4-byte little-endian body length, then the body: the
 * protocol version (1 byte), the message type (1 byte), and the fields of
 * that type. Integers are little-endian; a "bytes" field is a u32 length and
 * that many bytes. See kiosk/worker/PROTOCOL.md. */
#define PLUGIN_PROTO_VERSION 1

/* The largest body either side accepts: a LOAD carries every file of the
 * bundle but the module (each at most BUNDLE_MAX_FILE_BYTES); any reply is far
 * smaller (PLUGIN_PROTO_MAX_REPLY), and the host reads replies with that cap. */
#define PLUGIN_PROTO_MAX_LOAD (48u * 1024 * 1024)
#define PLUGIN_PROTO_MAX_REPLY (64u * 1024)

/* The worker's well-known descriptors, set up by the host when it spawns it. */
#define PLUGIN_PROTO_FD_SOCKET 3
#define PLUGIN_PROTO_FD_MODULE 4

/* Fixed sizes of the raw buffers a reply carries exactly as the module left them. */
#define PLUGIN_PROTO_REASON_BYTES 256 /* validate_service_number's reason, entry's err */
#define PLUGIN_PROTO_INFO_BYTES 129   /* nation, name, version: up to 128 bytes and a NUL */
#define PLUGIN_PROTO_CLAIMS_CAP 16    /* extra_claims' cap */
#define PLUGIN_PROTO_LOGS_MAX 16      /* module log lines carried by one reply */
#define PLUGIN_PROTO_LOG_BYTES 256    /* each, truncated by the worker */

typedef enum PluginProtoType {
    /* worker -> host, unasked, first: how the sandbox came up */
    PLUGIN_PROTO_HELLO = 1,
    /* host -> worker; each answered by the same type | PLUGIN_PROTO_REPLY */
    PLUGIN_PROTO_LOAD = 2,
    PLUGIN_PROTO_VALIDATE = 3,
    PLUGIN_PROTO_MUST_CERTIFY = 4,
    PLUGIN_PROTO_VALIDITY = 5,
    PLUGIN_PROTO_CLAIMS = 6,
    PLUGIN_PROTO_REPLY = 0x80,
} PluginProtoType;

/* HELLO flags: which layers of the sandbox are in place. */
#define PLUGIN_PROTO_SB_UID 0x01       /* started as root and switched to an unprivileged uid */
#define PLUGIN_PROTO_SB_USERNS 0x02    /* a new user namespace */
#define PLUGIN_PROTO_SB_NETNS 0x04     /* a new network namespace */
#define PLUGIN_PROTO_SB_RLIMIT_AS 0x08 /* an address-space limit (not under AddressSanitizer) */
#define PLUGIN_PROTO_SB_LANDLOCK 0x10  /* Landlock denies every file system access */
#define PLUGIN_PROTO_SB_SECCOMP 0x20   /* the seccomp allow-list is loaded */

/* LOAD reply stages: how far loading got. */
typedef enum PluginProtoStage {
    PLUGIN_PROTO_STAGE_DLOPEN = 1, /* dlopen failed; the text is dlerror() */
    PLUGIN_PROTO_STAGE_SYMBOL = 2, /* no CK_PLUGIN_ENTRY_NAME */
    PLUGIN_PROTO_STAGE_ENTRY = 3,  /* the entry ran; its status and table follow */
} PluginProtoStage;

/* LOAD reply: which table functions the module provides (within its struct_size). */
#define PLUGIN_PROTO_FN_VALIDATE 0x01
#define PLUGIN_PROTO_FN_MUST 0x02
#define PLUGIN_PROTO_FN_VALIDITY 0x04
#define PLUGIN_PROTO_FN_CLAIMS 0x08

typedef enum PluginProtoErr {
    PLUGIN_PROTO_OK = 0,
    PLUGIN_PROTO_EOF,       /* the peer closed the socket (a worker that died) */
    PLUGIN_PROTO_TIMEOUT,   /* no whole frame before the deadline */
    PLUGIN_PROTO_IO,        /* read/write failed; errno kept */
    PLUGIN_PROTO_MALFORMED, /* a length over the cap, another version, or a short field */
    PLUGIN_PROTO_NOMEM,
} PluginProtoErr;

const char *plugin_proto_strerror(PluginProtoErr e);

/* A message being built. Start with plugin_proto_out_begin(); put fields; send. */
typedef struct PluginProtoOut {
    unsigned char *data;
    size_t len, cap;
    bool failed; /* out of memory at some put: the send fails with PLUGIN_PROTO_NOMEM */
} PluginProtoOut;

void plugin_proto_out_begin(PluginProtoOut *o, PluginProtoType type);
void plugin_proto_put_u32(PluginProtoOut *o, uint32_t v);
void plugin_proto_put_u64(PluginProtoOut *o, uint64_t v);
void plugin_proto_put_bytes(PluginProtoOut *o, const void *p, size_t len);
void plugin_proto_put_str(PluginProtoOut *o, const char *s); /* bytes without the NUL */
/* Writes the whole frame to fd (MSG_NOSIGNAL: a dead peer is an error, not a signal). */
PluginProtoErr plugin_proto_send(int fd, PluginProtoOut *o);
void plugin_proto_out_free(PluginProtoOut *o);

/* A message received. Getters never read past the end: a short message sets
 * bad and returns zeros / empty fields. */
typedef struct PluginProtoIn {
    unsigned char *data; /* the body; owned, free with plugin_proto_in_free() */
    size_t len, off;
    PluginProtoType type;
    bool bad;
} PluginProtoIn;

/* Reads one frame of at most max body bytes from fd. timeout_ms < 0 waits
 * for ever; otherwise the whole frame must arrive within it. */
PluginProtoErr plugin_proto_recv(int fd, size_t max, int timeout_ms, PluginProtoIn *in);
uint32_t plugin_proto_get_u32(PluginProtoIn *in);
uint64_t plugin_proto_get_u64(PluginProtoIn *in);
/* Borrowed from in (valid until plugin_proto_in_free); *len_out at most max, else bad. */
const unsigned char *plugin_proto_get_bytes(PluginProtoIn *in, size_t max, size_t *len_out);
/* The bytes as a new NUL-terminated string (bad if they hold a NUL or exceed max); free(). */
char *plugin_proto_get_str(PluginProtoIn *in, size_t max);
/* True when every field was read and nothing is left over. */
bool plugin_proto_done(const PluginProtoIn *in);
void plugin_proto_in_free(PluginProtoIn *in);

#endif
