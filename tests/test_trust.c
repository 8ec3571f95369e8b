/* Tests of trust: JWKs, endorsements and the trust file. Hostile cases first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "fileio.h"
#include "jws.h"
#include "trust.h"

#define T0 1767225600 /* 2026-01-01T00:00:00Z */
#define DAY 86400

static SecretKey *authority, *rogue, *kiosk, *publisher;
static PublicKey authority_pub, rogue_pub, kiosk_pub, publisher_pub;

/* A trust set: authority pinned, kiosk endorsed for KIOSK-1 over [T0, T0+30d),
 * publisher endorsed for NOR. */
static Trust *
good_trust(void)
{
    Trust *t;
    char *jws;

    assert_int_equal(trust_new(&t), CK_OK);
    assert_int_equal(trust_add_authority(t, &authority_pub, "Test command"), CK_OK);
    assert_int_equal(trust_endorse(authority, &kiosk_pub, KEY_KIND_KIOSK, "KIOSK-1", T0,
                                   T0 + 30 * DAY, T0, &jws),
                     CK_OK);
    assert_int_equal(trust_add_endorsed(t, jws), CK_OK);
    free(jws);
    assert_int_equal(trust_endorse(authority, &publisher_pub, KEY_KIND_PUBLISHER, "NOR", T0,
                                   T0 + 365 * DAY, T0, &jws),
                     CK_OK);
    assert_int_equal(trust_add_endorsed(t, jws), CK_OK);
    free(jws);
    return t;
}

/* Reloads a JWKS (after the test altered it) and returns the load's result. */
static CkErr
reload(json_t *jwks, Trust **out)
{
    return trust_from_json(jwks, "test.jwks", out);
}

static json_t *
entry_of(json_t *jwks, const char *kid)
{
    json_t *keys = json_object_get(jwks, "keys");

    for (size_t i = 0; i < json_array_size(keys); i++) {
        json_t *k = json_array_get(keys, i);
        if (strcmp(json_string_value(json_object_get(k, "kid")), kid) == 0)
            return k;
    }
    fail_msg("kid %s not found", kid);
    return NULL;
}

static void
test_jwk_with_mismatched_kid_is_refused(void **state)
{
    json_t *jwk = trust_jwk_from_public(&kiosk_pub, KEY_KIND_KIOSK);
    PublicKey pub;

    json_object_set_new(jwk, "kid", json_string(authority_pub.kid));
    assert_int_equal(trust_jwk_to_public(jwk, "k.jwk", &pub, NULL), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "does not match its key"));
    json_decref(jwk);
}

static void
test_jwk_with_low_order_x_is_refused(void **state)
{
    unsigned char low[32] = {1}; /* the identity point */
    char *x = codec_b64url_encode(low, 32);
    char kid[KEY_ID_LEN + 1];
    json_t *jwk = trust_jwk_from_public(&kiosk_pub, KEY_KIND_KIOSK);
    PublicKey pub;

    key_id(low, kid);
    json_object_set_new(jwk, "x", json_string(x));
    json_object_set_new(jwk, "kid", json_string(kid));
    assert_int_equal(trust_jwk_to_public(jwk, "k.jwk", &pub, NULL), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "small order"));
    json_decref(jwk);
    free(x);
}

static void
test_jwk_of_another_type_or_with_private_part_is_refused(void **state)
{
    json_t *jwk = trust_jwk_from_public(&kiosk_pub, KEY_KIND_KIOSK);
    PublicKey pub;

    json_object_set_new(jwk, "kty", json_string("EC"));
    assert_int_equal(trust_jwk_to_public(jwk, "k.jwk", &pub, NULL), CK_ERR_FORMAT);
    json_object_set_new(jwk, "kty", json_string("OKP"));
    json_object_set_new(jwk, "crv", json_string("X25519"));
    assert_int_equal(trust_jwk_to_public(jwk, "k.jwk", &pub, NULL), CK_ERR_FORMAT);
    json_object_set_new(jwk, "crv", json_string("Ed25519"));
    json_object_set_new(jwk, "d", json_string("AAAA"));
    assert_int_equal(trust_jwk_to_public(jwk, "k.jwk", &pub, NULL), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "private"));
    json_decref(jwk);
}

static void
test_trust_file_with_duplicate_kids_is_refused(void **state)
{
    Trust *t = good_trust(), *back = NULL;
    json_t *jwks = trust_to_json(t);

    json_array_append(json_object_get(jwks, "keys"), entry_of(jwks, kiosk_pub.kid));
    assert_int_equal(reload(jwks, &back), CK_ERR_FORMAT);
    assert_null(back);
    assert_non_null(strstr(ck_err_detail(), "duplicate kid"));
    json_decref(jwks);
    trust_free(t);
}

static void
test_endorsement_by_unknown_authority_is_untrusted(void **state)
{
    Trust *t;
    char *jws;
    PublicKey pub;
    json_t *jwks, *jwk;

    /* The rogue authority is not pinned: adding its endorsement is refused... */
    assert_int_equal(trust_new(&t), CK_OK);
    assert_int_equal(trust_add_authority(t, &authority_pub, NULL), CK_OK);
    assert_int_equal(
        trust_endorse(rogue, &kiosk_pub, KEY_KIND_KIOSK, "KIOSK-1", T0, T0 + 30 * DAY, T0, &jws),
        CK_OK);
    assert_int_equal(trust_add_endorsed(t, jws), CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "not a pinned authority"));
    /* ...and one smuggled into the file loads, but is never trusted. */
    jwks = trust_to_json(t);
    jwk = trust_jwk_from_public(&kiosk_pub, KEY_KIND_KIOSK);
    json_object_set_new(jwk, "kiosk_id", json_string("KIOSK-1"));
    json_object_set_new(jwk, "endorsement", json_string(jws));
    json_array_append_new(json_object_get(jwks, "keys"), jwk);
    trust_free(t);
    assert_int_equal(reload(jwks, &t), CK_OK);
    assert_int_equal(trust_find_kiosk(t, kiosk_pub.kid, T0 + DAY, &pub, NULL), CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), rogue_pub.kid));
    assert_non_null(strstr(ck_err_detail(), "not a pinned authority"));
    json_decref(jwks);
    trust_free(t);
    free(jws);
}

static void
test_endorsement_forged_in_the_authority_name_is_untrusted(void **state)
{
    /* The rogue signs, but claims the pinned authority's kid in the header. */
    Trust *t = good_trust(), *back;
    json_t *jwks = trust_to_json(t), *payload;
    char *forged;
    PublicKey pub;

    payload = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "sub_kid", kiosk_pub.kid, "x",
                        json_string_value(json_object_get(entry_of(jwks, kiosk_pub.kid), "x")),
                        "role", "kiosk", "kiosk_id", "KIOSK-1", "nbf", (json_int_t)T0, "exp",
                        (json_int_t)(T0 + 3650 * DAY), "iat", (json_int_t)T0);
    assert_int_equal(
        jws_sign_json(rogue, TRUST_ENDORSEMENT_TYP, authority_pub.kid, payload, &forged), CK_OK);
    json_object_set_new(entry_of(jwks, kiosk_pub.kid), "endorsements", json_pack("[s]", forged));
    assert_int_equal(reload(jwks, &back), CK_OK);
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + DAY, &pub, NULL), CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "does not verify"));
    trust_free(back);
    free(forged);
    json_decref(payload);
    json_decref(jwks);
    trust_free(t);
}

static void
test_kiosk_key_outside_its_window_is_expired_or_not_yet_valid(void **state)
{
    Trust *t = good_trust();
    PublicKey pub;

    assert_int_equal(trust_find_kiosk(t, kiosk_pub.kid, T0 - 1, &pub, NULL), CK_ERR_NOT_YET_VALID);
    assert_non_null(strstr(ck_err_detail(),
                           "is endorsed 2026-01-01T00:00:00Z..2026-01-31T00:00:00Z, "
                           "not at 2025-12-31T23:59:59Z"));
    assert_int_equal(trust_find_kiosk(t, kiosk_pub.kid, T0 + 30 * DAY, &pub, NULL), CK_ERR_EXPIRED);
    assert_non_null(strstr(ck_err_detail(), "2026-01-31T00:00:00Z, not at 2026-01-31T00:00:00Z"));
    assert_non_null(strstr(ck_err_detail(), kiosk_pub.kid));
    trust_free(t);
}

static void
test_publisher_key_is_trusted_only_for_its_nation(void **state)
{
    Trust *t = good_trust();
    PublicKey pub;

    assert_int_equal(trust_find_publisher(t, publisher_pub.kid, "USA", T0 + DAY, &pub),
                     CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "endorsed for NOR, not USA"));
    assert_int_equal(trust_find_publisher(t, publisher_pub.kid, "NOR", T0 + DAY, &pub), CK_OK);
    assert_true(key_public_equal(&pub, &publisher_pub));
    trust_free(t);
}

static void
test_key_of_the_wrong_role_is_untrusted(void **state)
{
    Trust *t = good_trust();
    PublicKey pub;

    assert_int_equal(trust_find_kiosk(t, publisher_pub.kid, T0 + DAY, &pub, NULL),
                     CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "is a publisher key, not a kiosk key"));
    assert_int_equal(trust_find_kiosk(t, authority_pub.kid, T0 + DAY, &pub, NULL),
                     CK_ERR_UNTRUSTED);
    assert_int_equal(trust_find_publisher(t, kiosk_pub.kid, "NOR", T0 + DAY, &pub),
                     CK_ERR_UNTRUSTED);
    assert_int_equal(trust_find_kiosk(t, "0000000000000000", T0 + DAY, &pub, NULL),
                     CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "not in the trust file"));
    trust_free(t);
}

static void
test_jwk_carrying_another_keys_endorsement_is_refused(void **state)
{
    Trust *t = good_trust(), *back = NULL;
    json_t *jwks = trust_to_json(t);
    json_t *k = entry_of(jwks, kiosk_pub.kid), *p = entry_of(jwks, publisher_pub.kid);

    /* The publisher's JWK relabelled as a kiosk, with the kiosk's endorsement. */
    json_object_set(p, "endorsements", json_object_get(k, "endorsements"));
    json_object_set_new(p, "certkiosk_role", json_string("kiosk"));
    json_object_set_new(p, "kiosk_id", json_string("KIOSK-1"));
    assert_int_equal(reload(jwks, &back), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "endorsement of another key"));
    json_decref(jwks);
    trust_free(t);
}

static void
test_jwk_whose_scope_differs_from_its_endorsement_is_refused(void **state)
{
    Trust *t = good_trust(), *back = NULL;
    json_t *jwks = trust_to_json(t);

    json_object_set_new(entry_of(jwks, publisher_pub.kid), "nation", json_string("USA"));
    assert_int_equal(reload(jwks, &back), CK_ERR_KEY);
    assert_non_null(strstr(ck_err_detail(), "\"nation\" differs"));
    json_decref(jwks);
    trust_free(t);
}

static void
test_non_authority_key_cannot_endorse(void **state)
{
    char *jws = NULL;

    assert_int_equal(
        trust_endorse(kiosk, &publisher_pub, KEY_KIND_PUBLISHER, "NOR", T0, T0 + DAY, T0, &jws),
        CK_ERR_KEY);
    assert_null(jws);
    assert_int_equal(trust_endorse(authority, &publisher_pub, KEY_KIND_PUBLISHER, "norway", T0,
                                   T0 + DAY, T0, &jws),
                     CK_ERR_USAGE);
    assert_int_equal(
        trust_endorse(authority, &kiosk_pub, KEY_KIND_KIOSK, "bad id/..", T0, T0 + DAY, T0, &jws),
        CK_ERR_USAGE);
}

static void
test_not_a_jwks_is_refused(void **state)
{
    Trust *t = NULL;
    json_t *j = json_pack("{s:[]}", "kys");

    assert_int_equal(reload(j, &t), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "not a JWKS"));
    json_decref(j);
}

static void
test_trust_file_round_trip_keeps_every_decision(void **state)
{
    char path[] = "/tmp/ck_test_trust_XXXXXX";
    int fd = mkstemp(path);
    Trust *t = good_trust(), *back;
    PublicKey pub;
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];

    close(fd);
    assert_int_equal(trust_save(t, path), CK_OK);
    assert_int_equal(trust_load(path, &back), CK_OK);
    assert_int_equal(trust_count(back, KEY_KIND_AUTHORITY), 1);
    assert_int_equal(trust_count(back, KEY_KIND_KIOSK), 1);
    assert_int_equal(trust_count(back, KEY_KIND_PUBLISHER), 1);
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + DAY, &pub, kiosk_id), CK_OK);
    assert_true(key_public_equal(&pub, &kiosk_pub));
    assert_string_equal(kiosk_id, "KIOSK-1");
    assert_int_equal(trust_find_authority(back, authority_pub.kid, &pub), CK_OK);
    unlink(path);
    trust_free(back);
    trust_free(t);
}

/* The authority endorses the kiosk key for KIOSK-1 over [nbf, exp). free(). */
static char *
kiosk_endorsement(int64_t nbf, int64_t exp)
{
    char *jws;

    assert_int_equal(
        trust_endorse(authority, &kiosk_pub, KEY_KIND_KIOSK, "KIOSK-1", nbf, exp, nbf, &jws),
        CK_OK);
    return jws;
}

static size_t
n_endorsements(const Trust *t, const char *kid)
{
    json_t *jwk = trust_key_jwk(t, kid);
    size_t n;

    assert_non_null(jwk);
    assert_null(json_object_get(jwk, "endorsement")); /* always written in the list form */
    n = json_array_size(json_object_get(jwk, "endorsements"));
    json_decref(jwk);
    return n;
}

static void
collect_why(void *ctx, const char *why)
{
    snprintf(ctx, 512, "%s", why);
}

static void
test_forged_endorsement_in_a_list_is_ignored_and_reported(void **state)
{
    /* A genuine endorsement for January, and one forged by the rogue in the
     * authority's name for ten years from March. */
    Trust *t = good_trust(), *back;
    json_t *jwks = trust_to_json(t), *payload;
    char *forged, why[512] = "";
    PublicKey pub;

    payload = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "sub_kid", kiosk_pub.kid, "x",
                        json_string_value(json_object_get(entry_of(jwks, kiosk_pub.kid), "x")),
                        "role", "kiosk", "kiosk_id", "KIOSK-1", "nbf", (json_int_t)(T0 + 60 * DAY),
                        "exp", (json_int_t)(T0 + 3650 * DAY), "iat", (json_int_t)T0);
    assert_int_equal(
        jws_sign_json(rogue, TRUST_ENDORSEMENT_TYP, authority_pub.kid, payload, &forged), CK_OK);
    json_array_append_new(json_object_get(entry_of(jwks, kiosk_pub.kid), "endorsements"),
                          json_string(forged));
    assert_int_equal(reload(jwks, &back), CK_OK);
    /* The forged window is not honoured; the message names the genuine one. */
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + 100 * DAY, &pub, NULL),
                     CK_ERR_EXPIRED);
    assert_non_null(strstr(ck_err_detail(),
                           "is endorsed 2026-01-01T00:00:00Z..2026-01-31T00:00:00Z, "
                           "not at 2026-04-11T00:00:00Z"));
    assert_non_null(strstr(ck_err_detail(), "other endorsements ignored"));
    /* The genuine one still counts, and the forged one is reported. */
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + DAY, &pub, NULL), CK_OK);
    assert_int_equal(trust_foreach_ignored(back, collect_why, why), 1);
    assert_non_null(strstr(why, "does not verify with authority"));
    assert_non_null(strstr(why, "2026-03-02T00:00:00Z..2035-12-30T00:00:00Z"));
    assert_int_equal(trust_foreach_ignored(t, NULL, NULL), 0);
    trust_free(back);
    free(forged);
    json_decref(payload);
    json_decref(jwks);
    trust_free(t);
}

static void
test_gap_between_endorsements_is_refused_naming_every_window(void **state)
{
    Trust *t = good_trust(); /* January */
    char *march = kiosk_endorsement(T0 + 60 * DAY, T0 + 90 * DAY);
    PublicKey pub;

    assert_int_equal(trust_add_endorsed(t, march), CK_OK);
    assert_int_equal(trust_find_kiosk(t, kiosk_pub.kid, T0 + 45 * DAY, &pub, NULL), CK_ERR_EXPIRED);
    assert_non_null(strstr(ck_err_detail(), "kiosk key"));
    assert_non_null(strstr(ck_err_detail(), kiosk_pub.kid));
    assert_non_null(
        strstr(ck_err_detail(),
               "is endorsed 2026-01-01T00:00:00Z..2026-01-31T00:00:00Z, "
               "2026-03-02T00:00:00Z..2026-04-01T00:00:00Z, not at 2026-02-15T00:00:00Z"));
    assert_null(strstr(ck_err_detail(), "ignored"));
    assert_int_equal(trust_find_kiosk(t, kiosk_pub.kid, T0 + 70 * DAY, &pub, NULL), CK_OK);
    free(march);
    trust_free(t);
}

/* What the admin screen shows (issue 14): until when the kiosk stays
 * endorsed, renewals joined, and when it ran out. */
static void
test_endorsed_until_joins_renewals_and_names_the_end(void **state)
{
    Trust *t = good_trust(); /* [T0, T0+30d) */
    char *renewal = kiosk_endorsement(T0 + 29 * DAY, T0 + 60 * DAY);
    char *later = kiosk_endorsement(T0 + 90 * DAY, T0 + 120 * DAY); /* after a gap */
    int64_t until = -1;

    /* hostile first: an unknown key, another role, before the first window */
    assert_int_equal(trust_kiosk_endorsed_until(t, "0000000000000000", T0 + DAY, &until),
                     CK_ERR_UNTRUSTED);
    assert_int_equal(until, 0);
    assert_int_equal(trust_kiosk_endorsed_until(t, publisher_pub.kid, T0 + DAY, &until),
                     CK_ERR_UNTRUSTED);
    assert_int_equal(trust_kiosk_endorsed_until(t, kiosk_pub.kid, T0 - 1, &until),
                     CK_ERR_NOT_YET_VALID);
    assert_int_equal(until, 0);
    /* one window: its end */
    assert_int_equal(trust_kiosk_endorsed_until(t, kiosk_pub.kid, T0 + DAY, &until), CK_OK);
    assert_int_equal(until, T0 + 30 * DAY);
    /* after it: expired, and since when */
    assert_int_equal(trust_kiosk_endorsed_until(t, kiosk_pub.kid, T0 + 31 * DAY, &until),
                     CK_ERR_EXPIRED);
    assert_int_equal(until, T0 + 30 * DAY);
    /* a renewal that overlaps extends it; one after a gap does not */
    assert_int_equal(trust_add_endorsed(t, renewal), CK_OK);
    assert_int_equal(trust_add_endorsed(t, later), CK_OK);
    assert_int_equal(trust_kiosk_endorsed_until(t, kiosk_pub.kid, T0 + DAY, &until), CK_OK);
    assert_int_equal(until, T0 + 60 * DAY);
    assert_int_equal(trust_kiosk_endorsed_until(t, kiosk_pub.kid, T0 + 70 * DAY, &until),
                     CK_ERR_EXPIRED);
    assert_int_equal(until, T0 + 60 * DAY);
    assert_int_equal(trust_kiosk_endorsed_until(t, kiosk_pub.kid, T0 + 95 * DAY, &until), CK_OK);
    assert_int_equal(until, T0 + 120 * DAY);
    free(renewal);
    free(later);
    trust_free(t);
}

static void
test_renewal_keeps_earlier_windows_valid(void **state)
{
    Trust *t = good_trust(), *back; /* January */
    char *renewal = kiosk_endorsement(T0 + 29 * DAY, T0 + 60 * DAY);
    json_t *jwks;
    PublicKey pub;
    char kiosk_id[TRUST_KIOSK_ID_MAX + 1];

    assert_int_equal(trust_add_endorsed(t, renewal), CK_OK);
    assert_int_equal(trust_add_endorsed(t, renewal), CK_OK); /* an exact duplicate: dropped */
    assert_int_equal(trust_count(t, KEY_KIND_KIOSK), 1);
    assert_int_equal(n_endorsements(t, kiosk_pub.kid), 2);
    /* Kept across a save and reload: a certificate of January still checks. */
    jwks = trust_to_json(t);
    assert_int_equal(reload(jwks, &back), CK_OK);
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + DAY, &pub, kiosk_id), CK_OK);
    assert_string_equal(kiosk_id, "KIOSK-1");
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + 40 * DAY, &pub, NULL), CK_OK);
    /* Overlapping windows are named as one. */
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + 61 * DAY, &pub, NULL),
                     CK_ERR_EXPIRED);
    assert_non_null(strstr(ck_err_detail(),
                           "is endorsed 2026-01-01T00:00:00Z..2026-03-02T00:00:00Z, "
                           "not at 2026-03-03T00:00:00Z"));
    json_decref(jwks);
    trust_free(back);
    free(renewal);
    trust_free(t);
}

static void
test_trust_file_with_a_single_endorsement_member_still_loads(void **state)
{
    /* A file written before keys kept a list. */
    Trust *t = good_trust(), *back;
    json_t *jwks = trust_to_json(t), *k = entry_of(jwks, kiosk_pub.kid);
    PublicKey pub;

    json_object_set(k, "endorsement", json_array_get(json_object_get(k, "endorsements"), 0));
    json_object_del(k, "endorsements");
    assert_int_equal(reload(jwks, &back), CK_OK);
    assert_int_equal(trust_find_kiosk(back, kiosk_pub.kid, T0 + DAY, &pub, NULL), CK_OK);
    assert_int_equal(n_endorsements(back, kiosk_pub.kid), 1);
    json_decref(jwks);
    trust_free(back);
    trust_free(t);
}

static void
test_endorsement_list_that_is_not_a_list_of_strings_is_refused(void **state)
{
    Trust *t = good_trust(), *back = NULL;
    json_t *jwks = trust_to_json(t), *k = entry_of(jwks, kiosk_pub.kid);

    json_object_set_new(k, "endorsements", json_pack("[i]", 1));
    assert_int_equal(reload(jwks, &back), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "endorsements[0] is not a string"));
    json_object_set_new(k, "endorsements", json_array());
    assert_int_equal(reload(jwks, &back), CK_ERR_FORMAT);
    assert_non_null(strstr(ck_err_detail(), "has no \"endorsements\""));
    assert_null(back);
    json_decref(jwks);
    trust_free(t);
}

static void
test_re_endorsement_for_another_nation_replaces_the_entry(void **state)
{
    Trust *t = good_trust(); /* publisher for NOR */
    char *jws;
    PublicKey pub;

    assert_int_equal(trust_endorse(authority, &publisher_pub, KEY_KIND_PUBLISHER, "USA", T0,
                                   T0 + 365 * DAY, T0, &jws),
                     CK_OK);
    assert_int_equal(trust_add_endorsed(t, jws), CK_OK);
    assert_int_equal(trust_count(t, KEY_KIND_PUBLISHER), 1);
    assert_int_equal(n_endorsements(t, publisher_pub.kid), 1);
    assert_int_equal(trust_find_publisher(t, publisher_pub.kid, "NOR", T0 + DAY, &pub),
                     CK_ERR_UNTRUSTED);
    assert_non_null(strstr(ck_err_detail(), "endorsed for USA, not NOR"));
    assert_int_equal(trust_find_publisher(t, publisher_pub.kid, "USA", T0 + DAY, &pub), CK_OK);
    free(jws);
    trust_free(t);
}

static void
test_merge_keeps_the_endorsements_of_both(void **state)
{
    Trust *a = good_trust(), *b; /* a: January */
    char *renewal = kiosk_endorsement(T0 + 30 * DAY, T0 + 60 * DAY);
    PublicKey pub;

    assert_int_equal(trust_new(&b), CK_OK);
    assert_int_equal(trust_add_authority(b, &authority_pub, NULL), CK_OK);
    assert_int_equal(trust_add_endorsed(b, renewal), CK_OK); /* b: February */
    assert_int_equal(trust_merge(b, a), CK_OK);
    assert_int_equal(trust_count(b, KEY_KIND_KIOSK), 1);
    assert_int_equal(n_endorsements(b, kiosk_pub.kid), 2);
    assert_int_equal(trust_find_kiosk(b, kiosk_pub.kid, T0 + DAY, &pub, NULL), CK_OK);
    assert_int_equal(trust_find_kiosk(b, kiosk_pub.kid, T0 + 40 * DAY, &pub, NULL), CK_OK);
    assert_null(trust_key_jwk(b, "0000000000000000"));
    free(renewal);
    trust_free(b);
    trust_free(a);
}

static int
setup(void **state)
{
    if (sodium_init() < 0)
        return -1;
    if (key_generate(KEY_KIND_AUTHORITY, &authority) != CK_OK ||
        key_generate(KEY_KIND_AUTHORITY, &rogue) != CK_OK ||
        key_generate(KEY_KIND_KIOSK, &kiosk) != CK_OK ||
        key_generate(KEY_KIND_PUBLISHER, &publisher) != CK_OK)
        return -1;
    key_public(authority, &authority_pub);
    key_public(rogue, &rogue_pub);
    key_public(kiosk, &kiosk_pub);
    key_public(publisher, &publisher_pub);
    return 0;
}

static int
teardown(void **state)
{
    key_destroy(authority);
    key_destroy(rogue);
    key_destroy(kiosk);
    key_destroy(publisher);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jwk_with_mismatched_kid_is_refused),
        cmocka_unit_test(test_jwk_with_low_order_x_is_refused),
        cmocka_unit_test(test_jwk_of_another_type_or_with_private_part_is_refused),
        cmocka_unit_test(test_trust_file_with_duplicate_kids_is_refused),
        cmocka_unit_test(test_endorsement_by_unknown_authority_is_untrusted),
        cmocka_unit_test(test_endorsement_forged_in_the_authority_name_is_untrusted),
        cmocka_unit_test(test_kiosk_key_outside_its_window_is_expired_or_not_yet_valid),
        cmocka_unit_test(test_publisher_key_is_trusted_only_for_its_nation),
        cmocka_unit_test(test_key_of_the_wrong_role_is_untrusted),
        cmocka_unit_test(test_jwk_carrying_another_keys_endorsement_is_refused),
        cmocka_unit_test(test_jwk_whose_scope_differs_from_its_endorsement_is_refused),
        cmocka_unit_test(test_non_authority_key_cannot_endorse),
        cmocka_unit_test(test_not_a_jwks_is_refused),
        cmocka_unit_test(test_trust_file_round_trip_keeps_every_decision),
        cmocka_unit_test(test_forged_endorsement_in_a_list_is_ignored_and_reported),
        cmocka_unit_test(test_gap_between_endorsements_is_refused_naming_every_window),
        cmocka_unit_test(test_endorsement_list_that_is_not_a_list_of_strings_is_refused),
        cmocka_unit_test(test_renewal_keeps_earlier_windows_valid),
        cmocka_unit_test(test_endorsed_until_joins_renewals_and_names_the_end),
        cmocka_unit_test(test_trust_file_with_a_single_endorsement_member_still_loads),
        cmocka_unit_test(test_re_endorsement_for_another_nation_replaces_the_entry),
        cmocka_unit_test(test_merge_keeps_the_endorsements_of_both),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
