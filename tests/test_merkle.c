/* Tests of merkle: RFC 6962 vectors, proofs of every small tree, and corrupted proofs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "merkle.h"

/* The eight leaves of the RFC 6962 test data used by Certificate Transparency
 * implementations; the roots below were recomputed with Python's hashlib. */
static const struct {
    const char *data;
    size_t len;
} ct_leaves[8] = {
    {"", 0},
    {"\x00", 1},
    {"\x10", 1},
    {"\x20\x21", 2},
    {"\x30\x31", 2},
    {"\x40\x41\x42\x43", 4},
    {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
    {"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

static const char *ct_roots[9] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static unsigned char ct_hashes[8][MERKLE_HASH_LEN];

/* Distinct leaf hashes for the exhaustive tests. */
#define BIG 130
static unsigned char many[BIG][MERKLE_HASH_LEN];

static int
setup(void **state)
{
    for (int i = 0; i < 8; i++)
        merkle_leaf_hash((const unsigned char *)ct_leaves[i].data, ct_leaves[i].len, ct_hashes[i]);
    for (int i = 0; i < BIG; i++) {
        unsigned char d[4] = {(unsigned char)i, (unsigned char)(i >> 8), 0xa5, 0x5a};
        merkle_leaf_hash(d, sizeof d, many[i]);
    }
    return 0;
}

static void
assert_hash_hex(const unsigned char h[MERKLE_HASH_LEN], const char *hex)
{
    char got[2 * MERKLE_HASH_LEN + 1];

    codec_hex_encode(h, MERKLE_HASH_LEN, got);
    assert_string_equal(got, hex);
}

static void
proof_from_hex(MerkleProof *p, const char *const *hex, size_t n)
{
    p->len = n;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(codec_hex_decode(hex[i], p->hash[i], MERKLE_HASH_LEN), CK_OK);
}

/* --- hostile cases first ------------------------------------------------ */

static void
test_inclusion_refuses_index_outside_the_tree(void **state)
{
    MerkleProof p;
    unsigned char root[MERKLE_HASH_LEN];

    assert_int_equal(merkle_inclusion_proof(many, 5, 5, &p), CK_ERR_USAGE);
    assert_int_equal(merkle_inclusion_proof(many, 0, 0, &p), CK_ERR_USAGE);
    p.len = 0;
    merkle_root(many, 1, root);
    assert_int_equal(merkle_verify_inclusion(many[0], 1, 1, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(many[0], 0, 0, &p, root), CK_ERR_TAMPERED);
}

static void
test_consistency_refuses_shrinking_trees(void **state)
{
    MerkleProof p;
    unsigned char r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];

    assert_int_equal(merkle_consistency_proof(many, 6, 5, &p), CK_ERR_USAGE);
    merkle_root(many, 6, r1);
    merkle_root(many, 5, r2);
    p.len = 0;
    assert_int_equal(merkle_verify_consistency(6, 5, &p, r1, r2), CK_ERR_TAMPERED);
}

static void
test_equal_sizes_need_equal_roots_and_no_proof(void **state)
{
    MerkleProof p = {.len = 0};
    unsigned char r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];

    merkle_root(many, 7, r1);
    merkle_root(many + 1, 7, r2);
    assert_int_equal(merkle_verify_consistency(7, 7, &p, r1, r1), CK_OK);
    assert_int_equal(merkle_verify_consistency(7, 7, &p, r1, r2), CK_ERR_TAMPERED);
    p.len = 1;
    memcpy(p.hash[0], r1, MERKLE_HASH_LEN);
    assert_int_equal(merkle_verify_consistency(7, 7, &p, r1, r1), CK_ERR_TAMPERED);
    /* From the empty tree: consistent with anything, but only with no proof. */
    assert_int_equal(merkle_verify_consistency(0, 7, &p, r1, r1), CK_ERR_TAMPERED);
    p.len = 0;
    assert_int_equal(merkle_verify_consistency(0, 7, &p, r2, r1), CK_OK);
}

static void
test_empty_proof_between_different_sizes_fails(void **state)
{
    MerkleProof p = {.len = 0};
    unsigned char r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];

    merkle_root(many, 4, r1);
    merkle_root(many, 8, r2);
    assert_int_equal(merkle_verify_consistency(4, 8, &p, r1, r2), CK_ERR_TAMPERED);
}

static void
test_oversized_proof_length_is_refused(void **state)
{
    MerkleProof p;
    unsigned char root[MERKLE_HASH_LEN];

    assert_int_equal(merkle_inclusion_proof(many, 8, 3, &p), CK_OK);
    merkle_root(many, 8, root);
    p.len = MERKLE_PROOF_MAX + 1;
    assert_int_equal(merkle_verify_inclusion(many[3], 3, 8, &p, root), CK_ERR_TAMPERED);
}

/* Each transparency-dev-style mutation of a valid inclusion proof must fail. */
static void
check_inclusion_mutations(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t n, uint64_t m,
                          int all_bits)
{
    MerkleProof p, q;
    unsigned char root[MERKLE_HASH_LEN], empty[MERKLE_HASH_LEN], wrong[MERKLE_HASH_LEN];

    assert_int_equal(merkle_inclusion_proof(leaves, n, m, &p), CK_OK);
    merkle_root(leaves, n, root);
    crypto_hash_sha256(empty, NULL, 0);
    merkle_leaf_hash((const unsigned char *)"WrongLeaf", 9, wrong);
    assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &p, root), CK_OK);

    assert_int_equal(merkle_verify_inclusion(leaves[m], m - 1, n, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(leaves[m], m + 1, n, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(leaves[m], m ^ 2, n, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(leaves[m], m, n * 2, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(leaves[m], m, n / 2, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(wrong, m, n, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(empty, m, n, &p, root), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &p, empty), CK_ERR_TAMPERED);
    if (n > 1) /* in a tree of one leaf, the leaf is the root */
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &p, leaves[m]), CK_ERR_TAMPERED);

    /* Trailing and preceding garbage: a zero hash, the root. */
    for (int g = 0; g < 2; g++) {
        q = p;
        if (g == 0)
            memset(q.hash[q.len], 0, MERKLE_HASH_LEN);
        else
            memcpy(q.hash[q.len], root, MERKLE_HASH_LEN);
        q.len++;
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
        q = p;
        memmove(q.hash[1], q.hash[0], p.len * MERKLE_HASH_LEN);
        memcpy(q.hash[0], g == 0 ? empty : root, MERKLE_HASH_LEN);
        q.len++;
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
    }
    /* Every element bit-flipped (every bit, or one per byte). */
    for (size_t i = 0; i < p.len; i++)
        for (int bit = 0; bit < 8 * MERKLE_HASH_LEN; bit += all_bits ? 1 : 9) {
            q = p;
            q.hash[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
            assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
        }
    if (p.len > 0) {
        q = p;
        q.len--;
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
        q = p;
        memmove(q.hash[0], q.hash[1], (p.len - 1) * MERKLE_HASH_LEN);
        q.len--;
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
    }
    if (p.len > 1) {
        q = p;
        memmove(q.hash[2], q.hash[1], (p.len - 1) * MERKLE_HASH_LEN);
        memcpy(q.hash[1], wrong, MERKLE_HASH_LEN);
        q.len++;
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
        q = p;
        memcpy(q.hash[0], p.hash[1], MERKLE_HASH_LEN);
        memcpy(q.hash[1], p.hash[0], MERKLE_HASH_LEN);
        assert_int_equal(merkle_verify_inclusion(leaves[m], m, n, &q, root), CK_ERR_TAMPERED);
    }
}

/* Each mutation of a valid, non-trivial consistency proof must fail. */
static void
check_consistency_mutations(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t m, uint64_t n,
                            int all_bits)
{
    MerkleProof p, q;
    unsigned char r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN], empty[MERKLE_HASH_LEN];

    assert_int_equal(merkle_consistency_proof(leaves, m, n, &p), CK_OK);
    merkle_root(leaves, m, r1);
    merkle_root(leaves, n, r2);
    crypto_hash_sha256(empty, NULL, 0);
    assert_int_equal(merkle_verify_consistency(m, n, &p, r1, r2), CK_OK);
    if (m == 0 || m == n)
        return;

    assert_int_equal(merkle_verify_consistency(m - 1, n, &p, r1, r2), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m + 1, n, &p, r1, r2), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m ^ 2, n, &p, r1, r2), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m, n * 2, &p, r1, r2), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m, n / 2, &p, r1, r2), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m, n, &p, r2, r1), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m, n, &p, empty, r2), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m, n, &p, r1, empty), CK_ERR_TAMPERED);
    assert_int_equal(merkle_verify_consistency(m, n, &p, r1, r1), CK_ERR_TAMPERED);

    for (int g = 0; g < 2; g++) {
        q = p;
        memcpy(q.hash[q.len++], g == 0 ? empty : r2, MERKLE_HASH_LEN);
        assert_int_equal(merkle_verify_consistency(m, n, &q, r1, r2), CK_ERR_TAMPERED);
        q = p;
        memmove(q.hash[1], q.hash[0], p.len * MERKLE_HASH_LEN);
        memcpy(q.hash[0], g == 0 ? empty : r1, MERKLE_HASH_LEN);
        q.len++;
        assert_int_equal(merkle_verify_consistency(m, n, &q, r1, r2), CK_ERR_TAMPERED);
    }
    for (size_t i = 0; i < p.len; i++)
        for (int bit = 0; bit < 8 * MERKLE_HASH_LEN; bit += all_bits ? 1 : 9) {
            q = p;
            q.hash[i][bit / 8] ^= (unsigned char)(1u << (bit % 8));
            assert_int_equal(merkle_verify_consistency(m, n, &q, r1, r2), CK_ERR_TAMPERED);
        }
    q = p;
    q.len--;
    assert_int_equal(merkle_verify_consistency(m, n, &q, r1, r2), CK_ERR_TAMPERED);
    q = p;
    memmove(q.hash[0], q.hash[1], (p.len - 1) * MERKLE_HASH_LEN);
    q.len--;
    assert_int_equal(merkle_verify_consistency(m, n, &q, r1, r2), CK_ERR_TAMPERED);
    if (p.len > 1) {
        q = p;
        memmove(q.hash[2], q.hash[1], (p.len - 1) * MERKLE_HASH_LEN);
        memcpy(q.hash[1], empty, MERKLE_HASH_LEN);
        q.len++;
        assert_int_equal(merkle_verify_consistency(m, n, &q, r1, r2), CK_ERR_TAMPERED);
    }
}

static void
test_corrupted_inclusion_proofs_fail(void **state)
{
    for (uint64_t n = 1; n <= 8; n++)
        for (uint64_t m = 0; m < n; m++)
            check_inclusion_mutations(ct_hashes, n, m, 1);
    for (uint64_t n = 9; n <= 40; n++)
        for (uint64_t m = 0; m < n; m++)
            check_inclusion_mutations(many, n, m, 0);
}

static void
test_corrupted_consistency_proofs_fail(void **state)
{
    for (uint64_t n = 1; n <= 8; n++)
        for (uint64_t m = 0; m <= n; m++)
            check_consistency_mutations(ct_hashes, m, n, 1);
    for (uint64_t n = 9; n <= 40; n++)
        for (uint64_t m = 0; m <= n; m++)
            check_consistency_mutations(many, m, n, 0);
}

/* --- correct behaviour --------------------------------------------------- */

static void
test_roots_match_rfc6962_vectors(void **state)
{
    unsigned char root[MERKLE_HASH_LEN];

    for (uint64_t n = 0; n <= 8; n++) {
        merkle_root(ct_hashes, n, root);
        assert_hash_hex(root, ct_roots[n]);
    }
}

static void
test_inclusion_proofs_match_rfc6962_vectors(void **state)
{
    static const char *p0_8[] = {
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"};
    static const char *p5_8[] = {
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"};
    static const char *p2_3[] = {
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"};
    MerkleProof want, got;
    unsigned char root[MERKLE_HASH_LEN];

    proof_from_hex(&want, p0_8, 3);
    assert_int_equal(merkle_inclusion_proof(ct_hashes, 8, 0, &got), CK_OK);
    assert_int_equal(got.len, 3);
    assert_memory_equal(got.hash, want.hash, 3 * MERKLE_HASH_LEN);
    proof_from_hex(&want, p5_8, 3);
    assert_int_equal(merkle_inclusion_proof(ct_hashes, 8, 5, &got), CK_OK);
    assert_memory_equal(got.hash, want.hash, 3 * MERKLE_HASH_LEN);
    proof_from_hex(&want, p2_3, 1);
    assert_int_equal(merkle_inclusion_proof(ct_hashes, 3, 2, &got), CK_OK);
    assert_int_equal(got.len, 1);
    assert_memory_equal(got.hash, want.hash, MERKLE_HASH_LEN);
    merkle_root(ct_hashes, 3, root);
    assert_int_equal(merkle_verify_inclusion(ct_hashes[2], 2, 3, &want, root), CK_OK);
}

static void
test_consistency_proofs_match_rfc6962_vectors(void **state)
{
    static const char *c1_8[] = {
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"};
    static const char *c6_8[] = {
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"};
    static const char *c2_5[] = {
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"};
    static const char *c3_7[] = {
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e"};
    const struct {
        uint64_t m, n;
        const char *const *hex;
        size_t len;
    } cases[] = {{1, 8, c1_8, 3}, {6, 8, c6_8, 3}, {2, 5, c2_5, 2}, {3, 7, c3_7, 4}};
    MerkleProof want, got;
    unsigned char r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        proof_from_hex(&want, cases[i].hex, cases[i].len);
        assert_int_equal(merkle_consistency_proof(ct_hashes, cases[i].m, cases[i].n, &got), CK_OK);
        assert_int_equal(got.len, cases[i].len);
        assert_memory_equal(got.hash, want.hash, cases[i].len * MERKLE_HASH_LEN);
        assert_int_equal(codec_hex_decode(ct_roots[cases[i].m], r1, MERKLE_HASH_LEN), CK_OK);
        assert_int_equal(codec_hex_decode(ct_roots[cases[i].n], r2, MERKLE_HASH_LEN), CK_OK);
        assert_int_equal(merkle_verify_consistency(cases[i].m, cases[i].n, &want, r1, r2), CK_OK);
    }
}

static void
test_every_proof_of_every_small_tree_verifies(void **state)
{
    unsigned char roots[65][MERKLE_HASH_LEN];
    MerkleProof p;

    for (uint64_t n = 0; n <= 64; n++)
        merkle_root(many, n, roots[n]);
    for (uint64_t n = 1; n <= 64; n++) {
        for (uint64_t m = 0; m < n; m++) {
            assert_int_equal(merkle_inclusion_proof(many, n, m, &p), CK_OK);
            assert_int_equal(merkle_verify_inclusion(many[m], m, n, &p, roots[n]), CK_OK);
        }
        for (uint64_t m = 0; m <= n; m++) {
            assert_int_equal(merkle_consistency_proof(many, m, n, &p), CK_OK);
            assert_int_equal(merkle_verify_consistency(m, n, &p, roots[m], roots[n]), CK_OK);
        }
    }
}

static void
test_frontier_root_equals_tree_root_at_every_size(void **state)
{
    MerkleFrontier f;
    unsigned char a[MERKLE_HASH_LEN], b[MERKLE_HASH_LEN];

    merkle_frontier_init(&f);
    merkle_frontier_root(&f, a);
    assert_hash_hex(a, ct_roots[0]);
    for (uint64_t n = 1; n <= BIG; n++) {
        assert_int_equal(merkle_frontier_append(&f, many[n - 1]), CK_OK);
        assert_int_equal(f.size, n);
        merkle_frontier_root(&f, a);
        merkle_root(many, n, b);
        assert_memory_equal(a, b, MERKLE_HASH_LEN);
    }
    /* A frontier of 2^k leaves holds one hash; of 2^k - 1 leaves, k. */
    assert_int_equal(__builtin_popcountll(f.size), __builtin_popcountll(BIG));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inclusion_refuses_index_outside_the_tree),
        cmocka_unit_test(test_consistency_refuses_shrinking_trees),
        cmocka_unit_test(test_equal_sizes_need_equal_roots_and_no_proof),
        cmocka_unit_test(test_empty_proof_between_different_sizes_fails),
        cmocka_unit_test(test_oversized_proof_length_is_refused),
        cmocka_unit_test(test_corrupted_inclusion_proofs_fail),
        cmocka_unit_test(test_corrupted_consistency_proofs_fail),
        cmocka_unit_test(test_roots_match_rfc6962_vectors),
        cmocka_unit_test(test_inclusion_proofs_match_rfc6962_vectors),
        cmocka_unit_test(test_consistency_proofs_match_rfc6962_vectors),
        cmocka_unit_test(test_every_proof_of_every_small_tree_verifies),
        cmocka_unit_test(test_frontier_root_equals_tree_root_at_every_size),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, setup, NULL);
}
