/* make_seeds: writes the signed seed inputs of the fuzz corpora (certificates, endorsements,
 * a trust file, checkpoints, status lists, log entries, a bundle manifest) with the fixed
 * fuzz keys of fuzz_common.h. Run once by hand when a format changes:
 *   build-fuzz/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
 * Hand-written seeds (roster CSVs, content files) sit beside these in the corpus. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cert.h"
#include "checkpoint.h"
#include "fileio.h"
#include "fuzz_common.h"
#include "merkle.h"
#include "status.h"

static const char *root;

static void
check(CkErr err, const char *what)
{
    if (err != CK_OK) {
        fprintf(stderr, "make_seeds: %s: %s\n", what, ck_err_detail());
        exit(2);
    }
}

/* Writes root/target/name. */
static void
seed(const char *target, const char *name, const char *data, size_t len)
{
    char dir[512], path[600];

    snprintf(dir, sizeof dir, "%s/%s", root, target);
    check(fileio_mkdir_p(dir, 0755), dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    check(fileio_write_atomic(path, data, len, 0644, false), path);
}

static void
seed_str(const char *target, const char *name, const char *s)
{
    seed(target, name, s, strlen(s));
}

static char *
make_cert(const FuzzWorld *w, CertMethod method, int64_t index)
{
    CertClaims *c = cert_claims_new();
    char serial[CERT_SERIAL_MAX + 1], *jws = NULL;

    if (c == NULL)
        exit(2);
    check(CERT_SET(c, name, "Kari Nordmann"), "name");
    check(CERT_SET(c, nation, "NOR"), "nation");
    check(CERT_SET(c, service_number, "12345678901"), "service number");
    check(CERT_SET(c, category, "military"), "category");
    check(CERT_SET(c, rank, "Captain"), "rank");
    check(CERT_SET(c, unit, "Telemark Battalion"), "unit");
    c->valid_from = FUZZ_NOW;
    c->valid_until = FUZZ_NOW + 365 * 86400;
    c->method = method;
    if (method == CERT_METHOD_PAPER) {
        check(CERT_SET(c, recorded_by, "Admin One"), "recorded_by");
        check(CERT_SET(c, paper_form_ref, "FORM-7"), "paper_form_ref");
    } else {
        c->n_bundles = 1;
        check(CERT_SET(c, bundles[0].id, "no.forsvaret.cthb"), "bundle id");
        check(CERT_SET(c, bundles[0].version, "2026.1.0"), "bundle version");
        memset(c->bundles[0].manifest_sha256, 'a', CERT_SHA256_HEX);
        c->n_text_hashes = 1;
        check(CERT_SET(c, text_sha256[0].key, "int.nato.cthb/en"), "lang");
        memset(c->text_sha256[0].sha256, 'b', CERT_SHA256_HEX);
        c->n_clauses = 2;
        check(CERT_SET(c, clauses[0], "no.forsvaret.cthb#c1"), "clause");
        check(CERT_SET(c, clauses[1], "no.forsvaret.cthb#c2"), "clause");
        c->has_quiz = true;
        c->quiz_score = 5;
        c->quiz_of = 5;
        c->quiz_pass_mark = 80;
        c->quiz_attempts = 1;
        c->n_training = 1;
        check(CERT_SET(c, training[0].course, "National course"), "course");
        check(CERT_SET(c, training[0].date, "2025-12-01"), "date");
        memset(c->signature_sha256, 'c', CERT_SHA256_HEX);
    }
    c->log_index = index;
    cert_serial(FUZZ_KIOSK_ID, index, serial);
    check(cert_sign(c, w->kiosk, FUZZ_KIOSK_ID, "Fuzz Operator", serial, &jws), "cert_sign");
    cert_claims_free(c);
    return jws;
}

static void
seed_json(const char *target, const char *name, const json_t *j, size_t flags)
{
    char *s = json_dumps(j, flags);

    if (s == NULL)
        exit(2);
    seed_str(target, name, s);
    free(s);
}

static void
certificates(const FuzzWorld *w)
{
    char *kiosk = make_cert(w, CERT_METHOD_KIOSK, 1);
    char *paper = make_cert(w, CERT_METHOD_PAPER, 2);
    static const char rfc8037[] = /* RFC 8037 A.4: raw payload "Example of Ed25519 signing" */
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    json_t *body;

    seed_str("cert", "kiosk.jws", kiosk);
    seed_str("cert", "paper.jws", paper);
    seed_str("jws", "cert.jws", kiosk);
    seed_str("jws", "endorsement.jws", w->kiosk_endorsement);
    seed_str("jws", "rfc8037-a4.jws", rfc8037);

    body = json_pack("{s:s, s:s, s:s, s:s}", "type", "cert.issued", "time", "2026-01-01T00:00:00Z",
                     "serial", FUZZ_KIOSK_ID "-000001", "jws", kiosk);
    seed_json("store_entry", "cert-issued.json", body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    body =
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "cert.paper", "time", "2026-01-01T00:00:00Z",
                  "serial", FUZZ_KIOSK_ID "-000002", "jws", paper, "recorded_by", "Admin One");
    seed_json("store_entry", "cert-paper.json", body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    body = json_pack("{s:s, s:s, s:s}", "type", "kiosk.started", "time", "2026-01-01T00:00:00Z",
                     "version", "0.1.0");
    seed_json("store_entry", "kiosk-started.json", body, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(body);
    free(kiosk);
    free(paper);
}

/* A kiosk export of three entries under a checkpoint the fuzz kiosk signed, in
 * format 2 (JSON Lines) and format 1 (one document), so the fuzzer starts past
 * the signature checks and reaches every entry's certificate. */
static void
exports(const FuzzWorld *w)
{
    char *kiosk = make_cert(w, CERT_METHOD_KIOSK, 1), *paper = make_cert(w, CERT_METHOD_PAPER, 2);
    json_t *bodies[3], *header, *jwk, *v1, *log, *certs;
    char *text[3], *note = NULL, *head, *lines;
    unsigned char leaves[3][MERKLE_HASH_LEN], root_hash[MERKLE_HASH_LEN];
    size_t n;

    bodies[0] = json_pack("{s:s, s:s, s:s}", "type", "kiosk.started", "time",
                          "2026-01-01T00:00:00Z", "version", "0.1.0");
    bodies[1] = json_pack("{s:s, s:s, s:s, s:s}", "type", "cert.issued", "time",
                          "2026-01-01T00:00:00Z", "serial", FUZZ_KIOSK_ID "-000001", "jws", kiosk);
    bodies[2] = json_pack("{s:s, s:s, s:s, s:s}", "type", "cert.paper", "time",
                          "2026-01-01T00:00:00Z", "serial", FUZZ_KIOSK_ID "-000002", "jws", paper);
    for (int i = 0; i < 3; i++) {
        if (bodies[i] == NULL ||
            (text[i] = json_dumps(bodies[i], JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
            exit(2);
        merkle_leaf_hash((const unsigned char *)text[i], strlen(text[i]), leaves[i]);
    }
    merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, 3, root_hash);
    check(checkpoint_sign(w->kiosk, FUZZ_ORIGIN, 3, root_hash, &note), "checkpoint_sign");
    jwk = trust_jwk_from_public(&w->kiosk_pub, KEY_KIND_KIOSK);
    json_object_set_new(jwk, "kiosk_id", json_string(FUZZ_KIOSK_ID));
    json_object_set_new(jwk, "endorsements", json_pack("[s]", w->kiosk_endorsement));
    header =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:i}", "format", "certkiosk-export/2", "kiosk_id",
                  FUZZ_KIOSK_ID, "origin", FUZZ_ORIGIN, "exported", "2026-01-01T00:00:00Z",
                  "kiosk_jwk", json_deep_copy(jwk), "checkpoint", note, "size", 3);
    if (header == NULL || (head = json_dumps(header, JSON_COMPACT)) == NULL)
        exit(2);
    n = strlen(head) + strlen(text[0]) + strlen(text[1]) + strlen(text[2]) + 5;
    if ((lines = malloc(n)) == NULL)
        exit(2);
    snprintf(lines, n, "%s\n%s\n%s\n%s\n", head, text[0], text[1], text[2]);
    seed_str("export", "three-entries.jsonl", lines);
    v1 = json_deep_copy(header);
    json_object_set_new(v1, "format", json_string("certkiosk-export/1"));
    log = json_pack("[s, s, s]", text[0], text[1], text[2]);
    certs = json_pack("[{s:i, s:s, s:s, s:s}, {s:i, s:s, s:s, s:s}]", "index", 1, "serial",
                      FUZZ_KIOSK_ID "-000001", "type", "cert.issued", "jws", kiosk, "index", 2,
                      "serial", FUZZ_KIOSK_ID "-000002", "type", "cert.paper", "jws", paper);
    json_object_set_new(v1, "log", log);
    json_object_set_new(v1, "certificates", certs);
    seed_json("export", "three-entries-format-1.json", v1, JSON_INDENT(1));
    for (int i = 0; i < 3; i++) {
        json_decref(bodies[i]);
        free(text[i]);
    }
    json_decref(header);
    json_decref(jwk);
    json_decref(v1);
    free(head);
    free(lines);
    free(note);
    free(kiosk);
    free(paper);
}

static void
trust_files(const FuzzWorld *w)
{
    json_t *jwks = trust_to_json(w->trust);
    Trust *only = NULL;

    if (jwks == NULL)
        exit(2);
    seed_json("trust", "full.jwks", jwks, JSON_INDENT(1));
    json_decref(jwks);
    check(trust_new(&only), "trust_new");
    check(trust_add_authority(only, &w->authority_pub, "Pinned"), "pin");
    if ((jwks = trust_to_json(only)) == NULL)
        exit(2);
    seed_json("trust", "authority-only.jwks", jwks, JSON_COMPACT);
    json_decref(jwks);
    trust_free(only);
    seed_str("endorsement", "kiosk.jws", w->kiosk_endorsement);
    seed_str("endorsement", "publisher.jws", w->publisher_endorsement);
}

static void
checkpoints(const FuzzWorld *w)
{
    unsigned char leaves[3][MERKLE_HASH_LEN], root_hash[MERKLE_HASH_LEN];
    char *note = NULL, *cosigned = NULL;
    SecretKey *witness = fuzz_key(KEY_KIND_KIOSK, 'W');

    for (int i = 0; i < 3; i++) {
        unsigned char b = (unsigned char)i;
        merkle_leaf_hash(&b, 1, leaves[i]);
    }
    merkle_root((const unsigned char(*)[MERKLE_HASH_LEN])leaves, 3, root_hash);
    check(checkpoint_sign(w->kiosk, FUZZ_ORIGIN, 3, root_hash, &note), "checkpoint_sign");
    seed_str("checkpoint", "size3.note", note);
    /* The same checkpoint with a second signature line, as a witness adds. */
    check(checkpoint_sign(witness, "witness.example/w1", 3, root_hash, &cosigned), "witness");
    {
        const char *line = strstr(cosigned, "\n\n");
        size_t n = strlen(note) + strlen(line + 2) + 1;
        char *both = malloc(n);
        if (line == NULL || both == NULL)
            exit(2);
        snprintf(both, n, "%s%s", note, line + 2);
        seed_str("checkpoint", "cosigned.note", both);
        free(both);
    }
    free(note);
    free(cosigned);
    key_destroy(witness);
}

static void
status_lists(const FuzzWorld *w)
{
    StatusList *l = NULL;

    check(status_new(w->authority_pub.kid, &l), "status_new");
    check(status_sign(l, w->authority, FUZZ_NOW), "status_sign");
    seed_str("status", "empty-v1.jws", status_jws(l));
    check(status_add(l, FUZZ_KIOSK_ID "-000001", "misconduct", "Case 2026/17", FUZZ_NOW),
          "status_add");
    check(status_add(l, FUZZ_KIOSK_ID "-000002", "issued_in_error", NULL, FUZZ_NOW + 60),
          "status_add");
    check(status_sign(l, w->authority, FUZZ_NOW + 120), "status_sign");
    seed_str("status", "two-v2.jws", status_jws(l));
    status_free(l);
}

static void
manifest(const FuzzWorld *w)
{
    static const char man[] =
        "{\"format\":\"certkiosk-bundle/1\",\"nation\":\"NOR\",\"bundle_id\":\"no.fuzz.test\","
        "\"version\":\"1.0.0\",\"material_since\":\"1.0.0\",\"abi\":{\"major\":1,\"minor\":0},"
        "\"languages\":[\"en\"],\"rules\":{\"validity_days\":365,\"must_certify\":[\"military\","
        "\"civilian\"],\"pass_mark_percent\":80,\"service_number\":{\"label\":{\"en\":\"Number\"},"
        "\"min_length\":5,\"max_length\":11,\"charset\":\"digits\"},\"training_confirmation\":{"
        "\"required\":true,\"course\":{\"en\":\"Course\"}}},\"requires\":[\"service-number-check\"]"
        "}";
    char dir[] = "/tmp/ck_seedsXXXXXX", sub[64];
    unsigned char *data = NULL;
    size_t len;
    char *p;

    if (mkdtemp(dir) == NULL)
        exit(2);
    snprintf(sub, sizeof sub, "%s/content", dir);
    check(fileio_mkdir_p(sub, 0755), sub);
    p = fileio_join(dir, "content/en.json");
    check(fileio_write_atomic(p, FUZZ_CONTENT_EN, strlen(FUZZ_CONTENT_EN), 0644, false), p);
    free(p);
    p = fileio_join(dir, "manifest.json");
    check(fileio_write_atomic(p, man, strlen(man), 0644, false), p);
    check(bundle_sign(dir, w->publisher), "bundle_sign");
    check(fileio_read(p, BUNDLE_MAX_MANIFEST_BYTES, &data, &len), p);
    seed("bundle", "manifest.json", (const char *)data, len);
    free(data);
    free(p);
    p = fileio_join(dir, "manifest.sig");
    check(fileio_read(p, BUNDLE_MAX_SIG_BYTES, &data, &len), p);
    seed("bundle", "manifest.sig", (const char *)data, len);
    free(data);
    unlink(p);
    free(p);
    p = fileio_join(dir, "manifest.json");
    unlink(p);
    free(p);
    p = fileio_join(dir, "content/en.json");
    unlink(p);
    free(p);
    rmdir(sub);
    rmdir(dir);
    seed_str("content", "minimal.json", FUZZ_CONTENT_EN);
}

int
main(int argc, char **argv)
{
    const FuzzWorld *w;

    if (argc != 2) {
        fputs("usage: fuzz_make_seeds CORPUS_DIR\n", stderr);
        return 2;
    }
    root = argv[1];
    w = fuzz_world();
    certificates(w);
    exports(w);
    trust_files(w);
    checkpoints(w);
    status_lists(w);
    manifest(w);
    return 0;
}
