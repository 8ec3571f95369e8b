/* fuzz_bundle: a plugin bundle's manifest.json (signed here, so the fuzzer reaches the
 * parser behind the signature, as a rogue but endorsed publisher would) and its manifest.sig. */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "bundle.h"
#include "codec.h"
#include "fileio.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Two folders made once: `plain` gets each input as its manifest (with a
 * good signature of it), `sigdir` holds a good signed bundle and gets each
 * input as its manifest.sig. */
static char plain[64], sigdir[64];

/* Writes dir/name (plainly: the fuzzer needs speed, not durability). */
static void
put(const char *dir, const char *name, const void *data, size_t len)
{
    char path[160];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        abort();
}

/* Removes the two folders at exit (libFuzzer ends with exit()). */
static void
remove_dirs(void)
{
    static const char *const names[] = {"content/en.json", "content", "manifest.json",
                                        "manifest.sig", ""};
    const char *dirs[] = {plain, sigdir};
    char path[160];

    for (size_t d = 0; d < 2; d++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            snprintf(path, sizeof path, "%s/%s", dirs[d], names[i]);
            if (unlink(path) != 0)
                (void)rmdir(path);
        }
}

static void
make_dirs(const FuzzWorld *w)
{
    static const char manifest[] =
        "{\"format\":\"certkiosk-bundle/1\",\"nation\":\"NOR\",\"bundle_id\":\"no.fuzz.test\","
        "\"version\":\"1.0.0\",\"abi\":{\"major\":1,\"minor\":0},\"languages\":[\"en\"],"
        "\"rules\":{\"validity_days\":365,\"must_certify\":[\"military\"],"
        "\"pass_mark_percent\":80}}";
    const char *tmp = getenv("TMPDIR")                ? getenv("TMPDIR")
                      : access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                                      : "/tmp";
    char sub[128];

    snprintf(plain, sizeof plain, "%.40s/fzbA.XXXXXX", tmp);
    snprintf(sigdir, sizeof sigdir, "%.40s/fzbB.XXXXXX", tmp);
    if (mkdtemp(plain) == NULL || mkdtemp(sigdir) == NULL)
        abort();
    atexit(remove_dirs);
    snprintf(sub, sizeof sub, "%s/content", plain);
    if (fileio_mkdir_p(sub, 0755) != CK_OK)
        abort();
    snprintf(sub, sizeof sub, "%s/content", sigdir);
    if (fileio_mkdir_p(sub, 0755) != CK_OK)
        abort();
    put(plain, "content/en.json", FUZZ_CONTENT_EN, strlen(FUZZ_CONTENT_EN));
    put(sigdir, "content/en.json", FUZZ_CONTENT_EN, strlen(FUZZ_CONTENT_EN));
    put(sigdir, "manifest.json", manifest, strlen(manifest));
    if (bundle_sign(sigdir, w->publisher) != CK_OK) {
        fprintf(stderr, "fuzz_bundle: %s\n", ck_err_detail());
        abort();
    }
}

static void
try_load(const char *dir, const FuzzWorld *w)
{
    BundleOptions opts = {.trust = w->trust, .now = FUZZ_NOW};
    Bundle *b = NULL;

    if (bundle_load(dir, &opts, &b) == CK_OK) {
        for (size_t i = 0; i < bundle_language_count(b); i++)
            if (bundle_content(b, bundle_language(b, i)) == NULL)
                abort();
        (void)bundle_rules(b);
        bundle_free(b);
    } else if (b != NULL) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const FuzzWorld *w = fuzz_world();
    size_t dlen = strlen(BUNDLE_SIG_DOMAIN);
    unsigned char *msg, sig[crypto_sign_BYTES];
    char *b64, sigjson[256];

    if (plain[0] == '\0')
        make_dirs(w);
    if (size > BUNDLE_MAX_MANIFEST_BYTES)
        return 0;

    /* The input as a manifest, signed by the endorsed publisher. */
    if ((msg = malloc(dlen + size + 1)) == NULL)
        abort();
    memcpy(msg, BUNDLE_SIG_DOMAIN, dlen);
    memcpy(msg + dlen, data, size);
    key_sign(w->publisher, msg, dlen + size, sig);
    free(msg);
    if ((b64 = codec_b64url_encode(sig, sizeof sig)) == NULL)
        abort();
    snprintf(sigjson, sizeof sigjson, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"sig\":\"%s\"}",
             w->publisher_pub.kid, b64);
    free(b64);
    put(plain, "manifest.json", data, size);
    put(plain, "manifest.sig", sigjson, strlen(sigjson));
    try_load(plain, w);

    /* The input as the signature file of a good bundle. */
    if (size <= BUNDLE_MAX_SIG_BYTES) {
        put(sigdir, "manifest.sig", data, size);
        try_load(sigdir, w);
    }
    return 0;
}
