/* Tests of the bundle loader and plugin host: every hostile bundle of issue 3 is refused with
 * its own reason while a good bundle beside it keeps working; then the shipped bundles load. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "clock.h"
#include "codec.h"
#include "fileio.h"
#include "keys.h"
#include "plugin_host.h"
#include "trust.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

/* Keys shared by every test: an authority, publishers endorsed for NOR, USA
 * and NATO, and one publisher key nobody endorsed. */
static SecretKey *authority, *pub_nor, *pub_usa, *pub_nato, *pub_stranger;
static Trust *trust;

typedef struct Fixture {
    char root[64];    /* a temporary folder */
    char plugins[96]; /* root/plugins: the folder the host scans */
} Fixture;

/* ---- helpers ---- */

static void
write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = fileio_join(dir, name);
    char *slash = strrchr(path, '/');

    *slash = '\0';
    assert_int_equal(fileio_mkdir_p(path, 0755), CK_OK);
    *slash = '/';
    assert_int_equal(fileio_write_atomic(path, text, len, 0644, false), CK_OK);
    free(path);
}

static void
write_text(const char *dir, const char *name, const char *text)
{
    write_file(dir, name, text, strlen(text));
}

static char *
content_json(const char *lang)
{
    static char buf[1024];

    snprintf(buf, sizeof buf,
             "{\"language\":\"%s\",\"draft\":true,\"title\":\"Code of conduct\","
             "\"publisher\":\"Test publisher\",\"sources\":[\"test\"],"
             "\"code_of_conduct\":{\"sections\":[{\"id\":\"zero-tolerance\",\"title\":\"Zero "
             "tolerance\",\"paragraphs\":[\"Trafficking is never tolerated.\"]}]},"
             "\"quiz\":{\"questions\":[{\"id\":\"q1\",\"text\":\"Is it tolerated?\","
             "\"choices\":[\"No\",\"Yes\"],\"answer\":0,\"explanation\":\"Zero tolerance.\","
             "\"section\":\"zero-tolerance\"}]},"
             "\"clauses\":[{\"id\":\"c1\",\"text\":\"I will report.\"}],"
             "\"attestation\":\"I, {name}, read {bundle} version {version}.\"}",
             lang);
    return buf;
}

/* content_json() marked "draft": false, as a reviewed text says. */
static char *
undrafted(const char *lang)
{
    static char buf[1100];
    char *c = content_json(lang), *at = strstr(c, "\"draft\":true");

    snprintf(buf, sizeof buf, "%.*s\"draft\":false%s", (int)(at - c), c, at + 12);
    return buf;
}

/* Writes an unsigned bundle folder dir with the given manifest members. */
static void
make_bundle(const char *dir, const char *nation, const char *id, const char *version,
            const char *langs_json, const char *extra_members)
{
    char manifest[2048], label[256] = "", lang[8];
    json_error_t je;
    json_t *langs = json_loads(langs_json, 0, &je);
    json_t *v;
    size_t i;

    assert_non_null(langs);
    json_array_foreach(langs, i, v)
    {
        char part[64];
        snprintf(part, sizeof part, "%s\"%s\":\"Service number\"", i ? "," : "",
                 json_string_value(v));
        strcat(label, part);
    }
    snprintf(manifest, sizeof manifest,
             "{\"format\":\"certkiosk-bundle/1\",\"nation\":\"%s\",\"bundle_id\":\"%s\","
             "\"version\":\"%s\",\"abi\":{\"major\":1,\"minor\":0},\"languages\":%s,"
             "\"rules\":{\"validity_days\":365,\"must_certify\":[\"military\"],"
             "\"pass_mark_percent\":80,\"service_number\":{\"label\":{%s},\"min_length\":4,"
             "\"max_length\":20,\"charset\":\"alnum\"}}%s%s}\n",
             nation, id, version, langs_json, label, extra_members ? "," : "",
             extra_members ? extra_members : "");
    assert_int_equal(fileio_mkdir_p(dir, 0755), CK_OK);
    write_text(dir, "manifest.json", manifest);
    json_array_foreach(langs, i, v)
    {
        char name[32];
        snprintf(lang, sizeof lang, "%s", json_string_value(v));
        snprintf(name, sizeof name, "content/%s.json", lang);
        write_text(dir, name, content_json(lang));
    }
    json_decref(langs);
}

/* The good Norwegian bundle with the real nor.so, signed by the NOR key. */
static void
make_good_nor(const Fixture *f)
{
    char dir[160];
    unsigned char *so;
    size_t len;

    snprintf(dir, sizeof dir, "%s/nor", f->plugins);
    make_bundle(dir, "NOR", "no.test.cthb", "2026.1.0", "[\"nb\",\"en\"]",
                "\"module\":\"nor.so\",\"requires\":[\"native-module\"]");
    assert_int_equal(fileio_read(NOR_MODULE, 64 << 20, &so, &len), CK_OK);
    write_file(dir, "nor.so", (const char *)so, len);
    free(so);
    /* nor.so checks the number itself: 11 digits. */
    assert_int_equal(bundle_sign(dir, pub_nor), CK_OK);
}

/* Re-signs manifest.json exactly as it is now (to test checks after the signature). */
static void
resign_manifest(const char *dir, const SecretKey *sk)
{
    char *path = fileio_join(dir, "manifest.json");
    unsigned char *man, *msg, sig[crypto_sign_BYTES];
    size_t len, dlen = strlen(BUNDLE_SIG_DOMAIN);
    PublicKey pub;
    char text[512], *b64;

    assert_int_equal(fileio_read(path, 1 << 20, &man, &len), CK_OK);
    msg = malloc(dlen + len);
    memcpy(msg, BUNDLE_SIG_DOMAIN, dlen);
    memcpy(msg + dlen, man, len);
    key_sign(sk, msg, dlen + len, sig);
    key_public(sk, &pub);
    b64 = codec_b64url_encode(sig, sizeof sig);
    snprintf(text, sizeof text, "{\"alg\":\"EdDSA\",\"kid\":\"%s\",\"sig\":\"%s\"}\n", pub.kid,
             b64);
    write_text(dir, "manifest.sig", text);
    free(b64);
    free(msg);
    free(man);
    free(path);
}

/* Edits one member of manifest.json (value is JSON text) and re-signs it. */
static void
edit_manifest(const char *dir, const char *key, const char *value, const SecretKey *sk)
{
    char *path = fileio_join(dir, "manifest.json");
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je), *v = json_loads(value, JSON_DECODE_ANY, &je);
    char *text;

    assert_non_null(m);
    assert_non_null(v);
    json_object_set_new(m, key, v);
    text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    write_text(dir, "manifest.json", text);
    free(text);
    json_decref(m);
    free(path);
    resign_manifest(dir, sk);
}

static PluginHost *
open_host(const Fixture *f, const char *seen_path, bool record)
{
    const char *dirs[] = {f->plugins, NULL};
    PluginHostOptions o = {
        .dirs = dirs, .trust = trust, .now = NOW, .seen_path = seen_path, .record_seen = record};
    PluginHost *h = NULL;

    assert_int_equal(plugin_host_open(&o, &h), CK_OK);
    return h;
}

/* The good NOR bundle must have loaded and still check numbers with its module. */
static void
assert_good_nor_works(PluginHost *h)
{
    char reason[256];
    const Bundle *b = plugin_host_find(h, "NOR");

    assert_non_null(b);
    assert_string_equal(bundle_id(b), "no.test.cthb");
    assert_int_equal(
        plugin_host_validate_service_number(h, "NOR", "01019012057", reason, sizeof reason), CK_OK);
    assert_int_equal(
        plugin_host_validate_service_number(h, "NOR", "01019012067", reason, sizeof reason),
        CK_ERR_REFUSED);
    assert_non_null(strstr(reason, "check digit 1 is wrong"));
}

/* Opens the host over the fixture and checks: exactly one refusal, of
 * code err, whose reason contains every needle; the good NOR still works. */
static void
assert_refused_beside_good(const Fixture *f, const char *seen, CkErr code, const char *needle,
                           const char *needle2)
{
    PluginHost *h = open_host(f, seen, false);
    const char *where, *id, *reason;
    CkErr err;

    if (plugin_host_refusal_count(h) != 1)
        fail_msg("expected one refusal, got %zu (first: %s)", plugin_host_refusal_count(h),
                 plugin_host_refusal_count(h)
                     ? (plugin_host_refusal(h, 0, &where, &id, &err, &reason), reason)
                     : "-");
    plugin_host_refusal(h, 0, &where, &id, &err, &reason);
    if (strstr(reason, needle) == NULL || (needle2 && strstr(reason, needle2) == NULL))
        fail_msg("reason \"%s\" does not say \"%s\"", reason, needle);
    assert_non_null(strstr(reason, "bad")); /* names the bundle folder */
    assert_int_equal(err, code);
    assert_int_equal(plugin_host_count(h), 1);
    assert_good_nor_works(h);
    plugin_host_close(h);
}

static char bad_dir[160];

/* A bundle for USA, "bad", signed by the USA key: each test then breaks it. */
static void
make_bad_usa(const Fixture *f)
{
    snprintf(bad_dir, sizeof bad_dir, "%s/bad", f->plugins);
    make_bundle(bad_dir, "USA", "us.test.cthb", "2026.1.0", "[\"en\"]", NULL);
    assert_int_equal(bundle_sign(bad_dir, pub_usa), CK_OK);
}

/* ---- set-up ---- */

static int
setup_keys(void **state)
{
    PublicKey pk;
    char *jws;
    SecretKey **pubs[] = {&pub_nor, &pub_usa, &pub_nato};
    const char *nations[] = {"NOR", "USA", "NATO"};

    setenv("CERTKIOSK_TEST_FAST_KDF", "1", 1);
    clock_set(NOW);
    assert_int_equal(key_generate(KEY_KIND_AUTHORITY, &authority), CK_OK);
    assert_int_equal(trust_new(&trust), CK_OK);
    key_public(authority, &pk);
    assert_int_equal(trust_add_authority(trust, &pk, "test authority"), CK_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(key_generate(KEY_KIND_PUBLISHER, pubs[i]), CK_OK);
        key_public(*pubs[i], &pk);
        assert_int_equal(trust_endorse(authority, &pk, KEY_KIND_PUBLISHER, nations[i], NOW - 86400,
                                       NOW + 86400 * 365, NOW, &jws),
                         CK_OK);
        assert_int_equal(trust_add_endorsed(trust, jws), CK_OK);
        free(jws);
    }
    assert_int_equal(key_generate(KEY_KIND_PUBLISHER, &pub_stranger), CK_OK);
    return 0;
}

static int
teardown_keys(void **state)
{
    key_destroy(authority);
    key_destroy(pub_nor);
    key_destroy(pub_usa);
    key_destroy(pub_nato);
    key_destroy(pub_stranger);
    trust_free(trust);
    return 0;
}

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);

    snprintf(f->root, sizeof f->root, "/tmp/ck_bundle_XXXXXX");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->plugins, sizeof f->plugins, "%s/plugins", f->root);
    assert_int_equal(fileio_mkdir_p(f->plugins, 0755), CK_OK);
    make_good_nor(f);
    make_bad_usa(f);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    char cmd[128];

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->root);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static char *
bad_path(const char *name)
{
    static char p[256];

    snprintf(p, sizeof p, "%s/%s", bad_dir, name);
    return p;
}

/* ---- hostile bundles, each beside the good one ---- */

static void
test_unsigned_bundle_is_refused(void **state)
{
    assert_int_equal(unlink(bad_path("manifest.sig")), 0);
    assert_refused_beside_good(*state, NULL, CK_ERR_SIGNATURE, "unsigned", NULL);
}

static void
test_signature_by_unknown_key_is_refused(void **state)
{
    resign_manifest(bad_dir, pub_stranger);
    assert_refused_beside_good(*state, NULL, CK_ERR_UNTRUSTED,
                               "not a publisher key in the trust file", NULL);
}

static void
test_signature_by_another_nations_key_is_refused(void **state)
{
    resign_manifest(bad_dir, pub_nor);
    assert_refused_beside_good(*state, NULL, CK_ERR_UNTRUSTED, "may not sign for USA",
                               "endorsed for NOR, not USA");
}

static void
test_manifest_altered_after_signing_is_refused(void **state)
{
    char *path = fileio_join(bad_dir, "manifest.json");
    unsigned char *m;
    size_t len;

    assert_int_equal(fileio_read(path, 1 << 20, &m, &len), CK_OK);
    ((char *)m)[strstr((char *)m, "365") - (char *)m] = '9'; /* validity 965 days */
    write_file(bad_dir, "manifest.json", (const char *)m, len);
    free(m);
    free(path);
    assert_refused_beside_good(*state, NULL, CK_ERR_SIGNATURE, "does not verify", NULL);
}

static void
test_file_whose_hash_differs_is_refused(void **state)
{
    char *c = content_json("en");

    c[strstr(c, "never") - c] = 'N';
    write_text(bad_dir, "content/en.json", c);
    assert_refused_beside_good(*state, NULL, CK_ERR_TAMPERED, "content/en.json",
                               "differs from the signed manifest");
}

static void
test_file_not_in_manifest_is_refused(void **state)
{
    write_text(bad_dir, "content/notes.txt", "added later\n");
    assert_refused_beside_good(*state, NULL, CK_ERR_TAMPERED,
                               "\"content/notes.txt\" is not in the manifest", NULL);
}

static void
test_missing_file_is_refused(void **state)
{
    assert_int_equal(unlink(bad_path("content/en.json")), 0);
    assert_refused_beside_good(*state, NULL, CK_ERR_TAMPERED,
                               "\"content/en.json\" is listed in the manifest but missing", NULL);
}

static void
test_symbolic_link_in_bundle_is_refused(void **state)
{
    assert_int_equal(unlink(bad_path("content/en.json")), 0);
    assert_int_equal(symlink("/etc/hostname", bad_path("content/en.json")), 0);
    assert_refused_beside_good(*state, NULL, CK_ERR_TAMPERED, "symbolic link", NULL);
}

static void
test_rollback_to_older_version_is_refused(void **state)
{
    Fixture *f = *state;
    char seen[160], ver[160];
    PluginHost *h;
    BundleSeen *s;

    snprintf(seen, sizeof seen, "%s/plugin-versions.json", f->root);
    /* The kiosk loads 2026.2.0 and remembers it... */
    edit_manifest(bad_dir, "version", "\"2026.2.0\"", pub_usa);
    h = open_host(f, seen, true);
    assert_int_equal(plugin_host_refusal_count(h), 0);
    assert_int_equal(plugin_host_count(h), 2);
    plugin_host_close(h);
    assert_int_equal(bundle_seen_load(seen, &s), CK_OK);
    assert_string_equal(bundle_seen_version(s, "us.test.cthb"), "2026.2.0");
    bundle_seen_free(s);
    /* ...so an older, validly signed 2026.1.0 is a rollback. */
    edit_manifest(bad_dir, "version", "\"2026.1.0\"", pub_usa);
    snprintf(ver, sizeof ver, "older than version 2026.2.0");
    assert_refused_beside_good(f, seen, CK_ERR_ROLLBACK, "rollback refused", ver);
}

static void
test_abi_major_mismatch_is_refused(void **state)
{
    edit_manifest(bad_dir, "abi", "{\"major\":2,\"minor\":0}", pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED, "made for plugin ABI 2.0",
                               "major differs");
}

static void
test_newer_abi_minor_is_refused(void **state)
{
    edit_manifest(bad_dir, "abi", "{\"major\":1,\"minor\":7}", pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED, "needs plugin ABI 1.7",
                               "update the kiosk");
}

static void
test_missing_required_feature_is_refused(void **state)
{
    edit_manifest(bad_dir, "requires", "[\"service-number-check\",\"retina-scan\"]", pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED, "requires the feature \"retina-scan\"",
                               NULL);
}

static void
add_module(const char *bytes_path, const char *literal, const SecretKey *sk)
{
    if (bytes_path != NULL) {
        unsigned char *so;
        size_t len;
        assert_int_equal(fileio_read(bytes_path, 64 << 20, &so, &len), CK_OK);
        write_file(bad_dir, "usa.so", (const char *)so, len);
        free(so);
    } else {
        write_text(bad_dir, "usa.so", literal);
    }
    edit_manifest(bad_dir, "module", "\"usa.so\"", sk);
    assert_int_equal(bundle_sign(bad_dir, sk), CK_OK);
}

static void
test_module_without_entry_symbol_is_refused(void **state)
{
    add_module(NOENTRY_MODULE, NULL, pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED,
                               "has no entry symbol certkiosk_plugin_entry_v1", "usa.so");
}

static void
test_module_that_is_not_elf_is_refused(void **state)
{
    add_module(NULL, "#!/bin/sh\necho pretending to be a module\n", pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED, "usa.so: not an ELF shared object",
                               NULL);
}

static void
test_module_returning_another_abi_table_is_refused(void **state)
{
    /* The fixture says it is for NOR; put it in a NOR-signed bundle for "NOR"?
     * No: the nation check comes after the ABI check, so USA shows the ABI reason. */
    add_module(BADABI_MODULE, NULL, pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED, "its table is for plugin ABI 2.0",
                               NULL);
}

static void
test_malformed_json_is_refused_with_line_and_column(void **state)
{
    write_text(bad_dir, "content/en.json", "{\n  \"language\": \"en\",\n  \"title\" \"x\"\n}\n");
    assert_int_equal(bundle_sign(bad_dir, pub_usa), CK_OK);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "content/en.json:3:", NULL);
}

static void
test_malformed_manifest_is_refused_with_line_and_column(void **state)
{
    write_text(bad_dir, "manifest.json", "{\"format\": \"certkiosk-bundle/1\",\n\"nation\": }\n");
    resign_manifest(bad_dir, pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "manifest.json:2:", NULL);
}

static void
test_schema_invalid_content_is_refused_naming_the_field(void **state)
{
    char *c = content_json("en");

    c[strstr(c, "\"answer\":0") - c + 9] = '7'; /* answer 7 of 2 choices */
    write_text(bad_dir, "content/en.json", c);
    assert_int_equal(bundle_sign(bad_dir, pub_usa), CK_OK);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "content/en.json", "answer");
}

/* Only a named reviewer takes a text out of draft: a publisher cannot clear
 * its own text by flipping the flag. */
static void
test_content_out_of_draft_without_review_is_refused(void **state)
{
    char *c = undrafted("en");

    write_text(bad_dir, "content/en.json", c);
    assert_int_equal(bundle_sign(bad_dir, pub_usa), CK_OK);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "content/en.json",
                               "names no \"review\"");
}

static void
test_review_of_another_language_does_not_clear_a_draft(void **state)
{
    char *c = undrafted("en");

    write_text(bad_dir, "content/en.json", c);
    edit_manifest(bad_dir, "languages", "[\"en\",\"fr\"]", pub_usa);
    write_text(bad_dir, "content/fr.json", content_json("fr"));
    edit_manifest(bad_dir, "rules",
                  "{\"validity_days\":365,\"must_certify\":[\"military\"],"
                  "\"pass_mark_percent\":80}",
                  pub_usa);
    edit_manifest(bad_dir, "review",
                  "{\"by\":\"A. Reviewer\",\"role\":\"Legal adviser\",\"date\":\"2026-05-01\","
                  "\"languages\":[\"fr\"]}",
                  pub_usa);
    assert_int_equal(bundle_sign(bad_dir, pub_usa), CK_OK);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "content/en.json",
                               "names no \"review\"");
}

static void
test_malformed_review_is_refused(void **state)
{
    edit_manifest(bad_dir, "review", "{\"by\":\"A. Reviewer\",\"role\":\"\",\"date\":\"2026-05-01\"}",
                  pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "review.role", NULL);
    edit_manifest(bad_dir, "review",
                  "{\"by\":\"A. Reviewer\",\"role\":\"Legal adviser\",\"date\":\"2026-13-45\"}",
                  pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "review.date", NULL);
}

static void
test_clause_for_an_unknown_category_is_refused(void **state)
{
    edit_manifest(bad_dir, "rules",
                  "{\"validity_days\":365,\"must_certify\":[\"military\"],"
                  "\"pass_mark_percent\":80,\"clause_categories\":{\"c1\":[\"officer\"]}}",
                  pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "clause_categories.c1[0]", NULL);
}

/* A reviewed bundle is not a draft; a deployed kiosk refuses drafts and says
 * how to allow them; clause categories are read from the manifest. */
static void
test_deployed_kiosk_refuses_draft_bundles(void **state)
{
    const Fixture *f = *state;
    char *c = undrafted("en");
    const char *dirs[] = {f->plugins, NULL};
    PluginHostOptions o = {.dirs = dirs, .trust = trust, .now = NOW, .refuse_drafts = true};
    PluginHost *h = NULL;
    const char *where, *id, *reason;
    CkErr err;

    write_text(bad_dir, "content/en.json", c);
    edit_manifest(bad_dir, "rules",
                  "{\"validity_days\":365,\"must_certify\":[\"military\"],"
                  "\"pass_mark_percent\":80,\"clause_categories\":{\"c1\":[\"military\"]}}",
                  pub_usa);
    edit_manifest(bad_dir, "review",
                  "{\"by\":\"A. Reviewer\",\"role\":\"Legal adviser\",\"date\":\"2026-05-01\"}",
                  pub_usa);
    assert_int_equal(bundle_sign(bad_dir, pub_usa), CK_OK);

    assert_int_equal(plugin_host_open(&o, &h), CK_OK);
    /* the good NOR bundle is a draft: refused; the reviewed USA one loads */
    assert_int_equal(plugin_host_refusal_count(h), 1);
    plugin_host_refusal(h, 0, &where, &id, &err, &reason);
    assert_string_equal(id, "no.test.cthb");
    assert_int_equal(err, CK_ERR_REFUSED);
    assert_non_null(strstr(reason, "allow_draft_content"));
    const Bundle *usa = plugin_host_find(h, "USA");
    assert_non_null(usa);
    assert_false(bundle_draft(usa));
    assert_true(bundle_clause_applies(usa, "c1", "military"));
    assert_false(bundle_clause_applies(usa, "c1", "contractor"));
    assert_true(bundle_clause_applies(usa, "c2", "contractor"));
    plugin_host_close(h);

    /* the DEMO kiosk and certctl load drafts */
    o.refuse_drafts = false;
    assert_int_equal(plugin_host_open(&o, &h), CK_OK);
    assert_int_equal(plugin_host_refusal_count(h), 0);
    assert_true(bundle_draft(plugin_host_find(h, "NOR")));
    plugin_host_close(h);
}

static void
test_schema_invalid_manifest_is_refused_naming_the_field(void **state)
{
    edit_manifest(bad_dir, "rules",
                  "{\"validity_days\":0,\"must_certify\":[],\"pass_mark_percent\":80}", pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "rules.validity_days", NULL);
}

static void
test_qr_disclosure_of_an_unknown_claim_is_refused(void **state)
{
    /* A bundle may let the QR show more than the checkpoint needs, but only claims
     * a presentation can carry, each once. */
    edit_manifest(bad_dir, "rules",
                  "{\"validity_days\":365,\"must_certify\":[],\"pass_mark_percent\":80,"
                  "\"qr_discloses\":[\"rank\",\"birthDate\"]}",
                  pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT, "rules.qr_discloses[1]", NULL);
}

static void
test_language_listed_but_missing_is_refused(void **state)
{
    edit_manifest(bad_dir, "languages", "[\"en\",\"fr\"]", pub_usa);
    edit_manifest(bad_dir, "rules",
                  "{\"validity_days\":365,\"must_certify\":[],\"pass_mark_percent\":80}", pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_FORMAT,
                               "language \"fr\" is listed but content/fr.json is missing", NULL);
}

static void
test_absurdly_large_file_is_refused(void **state)
{
    size_t big = BUNDLE_MAX_FILE_BYTES + 1;
    char *junk = malloc(big);
    char *path = fileio_join(bad_dir, "manifest.json");
    json_error_t je;
    json_t *m;
    char *text;

    memset(junk, ' ', big);
    write_file(bad_dir, "data/huge.json", junk, big);
    free(junk);
    /* It is even listed, with some hash: the size limit comes before reading it. */
    m = json_load_file(path, 0, &je);
    json_object_set_new(
        json_object_get(m, "files"), "data/huge.json",
        json_string("0000000000000000000000000000000000000000000000000000000000000000"));
    text = json_dumps(m, JSON_INDENT(2));
    write_text(bad_dir, "manifest.json", text);
    free(text);
    json_decref(m);
    free(path);
    resign_manifest(bad_dir, pub_usa);
    assert_refused_beside_good(*state, NULL, CK_ERR_TOO_LARGE, "data/huge.json",
                               "over the limit of 4194304");
}

static void
test_absurdly_large_manifest_is_refused(void **state)
{
    size_t big = BUNDLE_MAX_MANIFEST_BYTES + 10;
    char *junk = malloc(big);

    memset(junk, ' ', big);
    junk[0] = '{';
    junk[big - 1] = '}';
    write_file(bad_dir, "manifest.json", junk, big);
    free(junk);
    assert_refused_beside_good(*state, NULL, CK_ERR_TOO_LARGE, "manifest.json", "over the limit");
}

static void
test_second_bundle_for_the_same_nation_is_refused(void **state)
{
    make_bundle(bad_dir, "NOR", "no.other.cthb", "2026.1.0", "[\"en\"]", NULL);
    assert_int_equal(bundle_sign(bad_dir, pub_nor), CK_OK);
    /* "bad" sorts before "nor", so the intruder loads first: rename it to sort last. */
    {
        char to[200];
        snprintf(to, sizeof to, "%s/zz-bad", ((Fixture *)*state)->plugins);
        assert_int_equal(rename(bad_dir, to), 0);
    }
    assert_refused_beside_good(*state, NULL, CK_ERR_REFUSED, "already provides nation NOR", NULL);
}

/* ---- the good path ---- */

static void
test_signing_refuses_a_key_that_is_not_a_publisher_key(void **state)
{
    assert_int_equal(bundle_sign(bad_dir, authority), CK_ERR_KEY);
}

static void
test_versions_compare_numerically(void **state)
{
    assert_true(bundle_version_compare("2026.10.0", "2026.9.9") > 0);
    assert_true(bundle_version_compare("2026.1.0", "2026.1.0") == 0);
    assert_true(bundle_version_compare("1.2.3", "1.2.4") < 0);
    assert_false(bundle_version_valid("1.2"));
    assert_false(bundle_version_valid("1.02.3"));
    assert_false(bundle_version_valid("1.2.3.4"));
    assert_false(bundle_version_valid("1.2.x"));
}

static void
test_baseline_and_nation_combine_strictly(void **state)
{
    Fixture *f = *state;
    char nato[160], reason[256];
    PluginHost *h;
    bool must;
    unsigned days, mark;
    json_t *claims;

    snprintf(nato, sizeof nato, "%s/nato", f->plugins);
    make_bundle(nato, "NATO", "int.test.cthb", "2026.1.0", "[\"en\"]", NULL);
    edit_manifest(nato, "rules",
                  "{\"validity_days\":180,\"must_certify\":[\"military\",\"contractor\"],"
                  "\"pass_mark_percent\":90,\"service_number\":{\"label\":{\"en\":\"Service "
                  "number\"},\"min_length\":6,\"max_length\":8,\"charset\":\"digits\"}}",
                  pub_nato);
    assert_int_equal(bundle_sign(nato, pub_nato), CK_OK);
    h = open_host(f, NULL, false);
    assert_int_equal(plugin_host_refusal_count(h), 0);
    assert_int_equal(plugin_host_count(h), 3);
    assert_string_equal(bundle_nation(plugin_host_bundle(h, 0)), "NATO"); /* baseline first */
    assert_non_null(plugin_host_baseline(h));
    /* Contractor: NATO says yes, NOR says no → must. Civilian: neither → no. */
    assert_int_equal(plugin_host_must_certify(h, "NOR", CK_PLUGIN_CONTRACTOR, &must), CK_OK);
    assert_true(must);
    assert_int_equal(plugin_host_must_certify(h, "NOR", CK_PLUGIN_CIVILIAN, &must), CK_OK);
    assert_false(must);
    assert_int_equal(plugin_host_validity_days(h, "NOR", CK_PLUGIN_MILITARY, &days), CK_OK);
    assert_int_equal(days, 180);
    assert_int_equal(plugin_host_pass_mark(h, "NOR", &mark), CK_OK);
    assert_int_equal(mark, 90);
    /* A nation without a bundle gets the baseline's service number rule. */
    assert_int_equal(
        plugin_host_validate_service_number(h, "DEU", "1234567", reason, sizeof reason), CK_OK);
    assert_int_equal(
        plugin_host_validate_service_number(h, "DEU", "12A4567", reason, sizeof reason),
        CK_ERR_REFUSED);
    assert_string_equal(reason, "Service number: only digits are allowed");
    assert_int_equal(plugin_host_validate_service_number(h, "DEU", "12345", reason, sizeof reason),
                     CK_ERR_REFUSED);
    assert_string_equal(reason, "Service number: must be 6 to 8 characters long");
    /* The national module gives its claim and its reasons in the session's language. */
    assert_int_equal(plugin_host_extra_claims(h, "NOR", "41019012040", CK_PLUGIN_MILITARY, &claims),
                     CK_OK);
    assert_string_equal(json_string_value(json_object_get(claims, "nor.idKind")), "d-number");
    json_decref(claims);
    plugin_host_set_locale(h, "nb");
    assert_int_equal(
        plugin_host_validate_service_number(h, "NOR", "01019012058", reason, sizeof reason),
        CK_ERR_REFUSED);
    assert_non_null(strstr(reason, "kontrollsiffer 2 er feil"));
    plugin_host_close(h);
}

static void
test_loaded_bundle_exposes_verified_bytes_and_hashes(void **state)
{
    PluginHost *h = open_host(*state, NULL, false);
    const Bundle *b = plugin_host_find(h, "NOR");
    const unsigned char *data;
    size_t len;
    unsigned char digest[32];
    char hex[65];

    assert_non_null(b);
    assert_int_equal(bundle_file(b, "content/nb.json", &data, &len), CK_OK);
    assert_memory_equal(data, content_json("nb"), len);
    assert_int_equal(bundle_file(b, "manifest.json", &data, &len), CK_ERR_NOT_FOUND);
    assert_non_null(bundle_content(b, "en"));
    assert_null(bundle_content(b, "fr"));
    assert_int_equal(strlen(bundle_manifest_sha256(b)), 64);
    crypto_hash_sha256(digest, (const unsigned char *)content_json("nb"),
                       strlen(content_json("nb")));
    codec_hex_encode(digest, 32, hex);
    assert_string_equal(bundle_content(b, "nb")->text_sha256_hex, hex);
    assert_true(plugin_host_has_module(h, 0) || plugin_host_has_module(h, 1));
    plugin_host_close(h);
}

/* The bundles this build ships, signed with the demo keys: each must pass the
 * same checks a kiosk makes, with every language complete. */
static void
test_shipped_bundles_load(void **state)
{
    const char *codes[] = {"nato", "nor", "usa", "template"};
    const char *nations[] = {"NATO", "NOR", "USA", "ZZT"};
    Trust *t;
    PublicKey pk;

    assert_int_equal(trust_new(&t), CK_OK);
    key_public(authority, &pk);
    assert_int_equal(trust_add_authority(t, &pk, "test authority"), CK_OK);
    for (int i = 0; i < 4; i++) {
        char path[512], *jws;
        snprintf(path, sizeof path, "%s/demo-keys/demo-publisher-%s.jwk", CK_BINARY_DIR, codes[i]);
        assert_int_equal(trust_jwk_load(path, KEY_KIND_PUBLISHER, &pk, NULL), CK_OK);
        assert_int_equal(trust_endorse(authority, &pk, KEY_KIND_PUBLISHER, nations[i], NOW - 86400,
                                       NOW + 86400, NOW, &jws),
                         CK_OK);
        assert_int_equal(trust_add_endorsed(t, jws), CK_OK);
        free(jws);
    }
    for (int i = 0; i < 4; i++) {
        char dir[512];
        const char *bundles[] = {dir, NULL};
        PluginHostOptions o = {.bundles = bundles, .trust = t, .now = NOW};
        PluginHost *h;
        snprintf(dir, sizeof dir, "%s/plugins/%s", CK_BINARY_DIR, codes[i]);
        assert_int_equal(plugin_host_open(&o, &h), CK_OK);
        if (plugin_host_refusal_count(h) != 0) {
            const char *where, *id, *reason;
            CkErr err;
            plugin_host_refusal(h, 0, &where, &id, &err, &reason);
            fail_msg("shipped bundle %s refused: %s", codes[i], reason);
        }
        assert_string_equal(bundle_nation(plugin_host_bundle(h, 0)), nations[i]);
        assert_int_equal(plugin_host_has_module(h, 0), i != 0);
        plugin_host_close(h);
    }
    trust_free(t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_unsigned_bundle_is_refused),
        T(test_signature_by_unknown_key_is_refused),
        T(test_signature_by_another_nations_key_is_refused),
        T(test_manifest_altered_after_signing_is_refused),
        T(test_file_whose_hash_differs_is_refused),
        T(test_file_not_in_manifest_is_refused),
        T(test_missing_file_is_refused),
        T(test_symbolic_link_in_bundle_is_refused),
        T(test_rollback_to_older_version_is_refused),
        T(test_abi_major_mismatch_is_refused),
        T(test_newer_abi_minor_is_refused),
        T(test_missing_required_feature_is_refused),
        T(test_module_without_entry_symbol_is_refused),
        T(test_module_that_is_not_elf_is_refused),
        T(test_module_returning_another_abi_table_is_refused),
        T(test_malformed_json_is_refused_with_line_and_column),
        T(test_malformed_manifest_is_refused_with_line_and_column),
        T(test_schema_invalid_content_is_refused_naming_the_field),
        T(test_schema_invalid_manifest_is_refused_naming_the_field),
        T(test_content_out_of_draft_without_review_is_refused),
        T(test_review_of_another_language_does_not_clear_a_draft),
        T(test_malformed_review_is_refused),
        T(test_clause_for_an_unknown_category_is_refused),
        T(test_deployed_kiosk_refuses_draft_bundles),
        T(test_language_listed_but_missing_is_refused),
        T(test_qr_disclosure_of_an_unknown_claim_is_refused),
        T(test_absurdly_large_file_is_refused),
        T(test_absurdly_large_manifest_is_refused),
        T(test_second_bundle_for_the_same_nation_is_refused),
        T(test_signing_refuses_a_key_that_is_not_a_publisher_key),
        T(test_versions_compare_numerically),
        T(test_baseline_and_nation_combine_strictly),
        T(test_loaded_bundle_exposes_verified_bytes_and_hashes),
        T(test_shipped_bundles_load),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
