/* merkle: RFC 6962 hashing, compact ranges and RFC 9162 proofs over leaf hashes. */
#include "merkle.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

void
merkle_leaf_hash(const unsigned char *data, size_t len, unsigned char out[MERKLE_HASH_LEN])
{
    const unsigned char prefix = 0x00;
    crypto_hash_sha256_state st;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, data, len);
    crypto_hash_sha256_final(&st, out);
}

void
merkle_node_hash(const unsigned char left[MERKLE_HASH_LEN],
                 const unsigned char right[MERKLE_HASH_LEN], unsigned char out[MERKLE_HASH_LEN])
{
    unsigned char buf[1 + 2 * MERKLE_HASH_LEN];

    buf[0] = 0x01;
    memcpy(buf + 1, left, MERKLE_HASH_LEN);
    memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
    crypto_hash_sha256(out, buf, sizeof buf);
}

void
merkle_frontier_init(MerkleFrontier *f)
{
    f->size = 0;
}

CkErr
merkle_frontier_append(MerkleFrontier *f, const unsigned char leaf[MERKLE_HASH_LEN])
{
    unsigned char h[MERKLE_HASH_LEN];
    uint64_t size = f->size;
    int count = __builtin_popcountll(size);

    if (size == UINT64_MAX)
        return ck_err(CK_ERR_TOO_LARGE, "the log is full (2^64 - 1 entries)");
    memcpy(h, leaf, MERKLE_HASH_LEN);
    /* Each trailing 1 bit of size is a perfect subtree the new leaf completes. */
    while (size & 1) {
        count--;
        merkle_node_hash(f->hash[count], h, h);
        size >>= 1;
    }
    memcpy(f->hash[count], h, MERKLE_HASH_LEN);
    f->size++;
    return CK_OK;
}

void
merkle_frontier_root(const MerkleFrontier *f, unsigned char out[MERKLE_HASH_LEN])
{
    int count = __builtin_popcountll(f->size);
    unsigned char acc[MERKLE_HASH_LEN];

    if (count == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    memcpy(acc, f->hash[count - 1], MERKLE_HASH_LEN);
    for (int i = count - 2; i >= 0; i--)
        merkle_node_hash(f->hash[i], acc, acc);
    memcpy(out, acc, MERKLE_HASH_LEN);
}

void
merkle_root(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t n,
            unsigned char out[MERKLE_HASH_LEN])
{
    MerkleFrontier f;

    merkle_frontier_init(&f);
    for (uint64_t i = 0; i < n; i++)
        (void)merkle_frontier_append(&f, leaves[i]);
    merkle_frontier_root(&f, out);
}

/* The largest power of two smaller than n (n > 1): where RFC 6962 splits. */
static uint64_t
split_point(uint64_t n)
{
    assert(n > 1);
    return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* Hashes are found top-down but the proof lists them bottom-up. */
static void
proof_reverse(MerkleProof *p)
{
    unsigned char tmp[MERKLE_HASH_LEN];

    for (size_t i = 0, j = p->len ? p->len - 1 : 0; i < j; i++, j--) {
        memcpy(tmp, p->hash[i], MERKLE_HASH_LEN);
        memcpy(p->hash[i], p->hash[j], MERKLE_HASH_LEN);
        memcpy(p->hash[j], tmp, MERKLE_HASH_LEN);
    }
}

static void
proof_push(MerkleProof *p, const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t from,
           uint64_t to)
{
    assert(p->len < MERKLE_PROOF_MAX);
    merkle_root(leaves + from, to - from, p->hash[p->len++]);
}

CkErr
merkle_inclusion_proof(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t size,
                       uint64_t index, MerkleProof *proof_out)
{
    uint64_t lo = 0, n = size, m = index;

    proof_out->len = 0;
    if (index >= size)
        return ck_err(CK_ERR_USAGE, "no leaf %llu in a tree of %llu", (unsigned long long)index,
                      (unsigned long long)size);
    /* PATH(m, D[lo:lo+n]) */
    while (n > 1) {
        uint64_t k = split_point(n);
        if (m < k) {
            proof_push(proof_out, leaves, lo + k, lo + n);
            n = k;
        } else {
            proof_push(proof_out, leaves, lo, lo + k);
            lo += k;
            m -= k;
            n -= k;
        }
    }
    proof_reverse(proof_out);
    return CK_OK;
}

CkErr
merkle_consistency_proof(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t size1,
                         uint64_t size2, MerkleProof *proof_out)
{
    uint64_t lo = 0, n = size2, m = size1;
    bool whole = true;

    proof_out->len = 0;
    if (size1 > size2)
        return ck_err(CK_ERR_USAGE, "no consistency proof from %llu down to %llu leaves",
                      (unsigned long long)size1, (unsigned long long)size2);
    if (size1 == 0 || size1 == size2)
        return CK_OK;
    /* SUBPROOF(m, D[lo:lo+n], whole) */
    while (m != n) {
        uint64_t k = split_point(n);
        if (m <= k) {
            proof_push(proof_out, leaves, lo + k, lo + n);
            n = k;
        } else {
            proof_push(proof_out, leaves, lo, lo + k);
            lo += k;
            m -= k;
            n -= k;
            whole = false;
        }
    }
    if (!whole)
        proof_push(proof_out, leaves, lo, lo + n);
    proof_reverse(proof_out);
    return CK_OK;
}

/* The walk up a proof's path that both verifications share (RFC 9162,
 * 2.1.3.2 and 2.1.4.2), from proof element i: fn and sn are the node indexes
 * in the smaller and the larger tree. sr becomes the larger tree's root and fr,
 * when not NULL, the smaller one's. False when the proof does not fit the path. */
static bool
walk_proof(const MerkleProof *proof, size_t i, uint64_t fn, uint64_t sn, unsigned char *fr,
           unsigned char *sr)
{
    for (; i < proof->len; i++) {
        if (sn == 0)
            return false;
        if ((fn & 1) || fn == sn) {
            if (fr != NULL)
                merkle_node_hash(proof->hash[i], fr, fr);
            merkle_node_hash(proof->hash[i], sr, sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(sr, proof->hash[i], sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0;
}

CkErr
merkle_verify_inclusion(const unsigned char leaf[MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                        const MerkleProof *proof, const unsigned char root[MERKLE_HASH_LEN])
{
    unsigned char r[MERKLE_HASH_LEN];

    if (index >= size || proof->len > MERKLE_PROOF_MAX)
        goto fail;
    memcpy(r, leaf, MERKLE_HASH_LEN);
    if (!walk_proof(proof, 0, index, size - 1, NULL, r) || memcmp(r, root, MERKLE_HASH_LEN) != 0)
        goto fail;
    return CK_OK;
fail:
    return ck_err(CK_ERR_TAMPERED, "inclusion proof of leaf %llu in a tree of %llu does not verify",
                  (unsigned long long)index, (unsigned long long)size);
}

CkErr
merkle_verify_consistency(uint64_t size1, uint64_t size2, const MerkleProof *proof,
                          const unsigned char root1[MERKLE_HASH_LEN],
                          const unsigned char root2[MERKLE_HASH_LEN])
{
    unsigned char fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t i = 0;

    if (size1 > size2 || proof->len > MERKLE_PROOF_MAX)
        goto fail;
    if (size1 == 0) {
        if (proof->len != 0)
            goto fail;
        return CK_OK;
    }
    if (size1 == size2) {
        if (proof->len != 0 || memcmp(root1, root2, MERKLE_HASH_LEN) != 0)
            goto fail;
        return CK_OK;
    }
    if (proof->len == 0)
        goto fail;
    /* A first tree that is a perfect subtree is its own first proof element. */
    if ((size1 & (size1 - 1)) == 0) {
        memcpy(fr, root1, MERKLE_HASH_LEN);
    } else {
        memcpy(fr, proof->hash[0], MERKLE_HASH_LEN);
        i = 1;
    }
    memcpy(sr, fr, MERKLE_HASH_LEN);
    fn = size1 - 1;
    sn = size2 - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    if (!walk_proof(proof, i, fn, sn, fr, sr) || memcmp(fr, root1, MERKLE_HASH_LEN) != 0 ||
        memcmp(sr, root2, MERKLE_HASH_LEN) != 0)
        goto fail;
    return CK_OK;
fail:
    return ck_err(CK_ERR_TAMPERED, "consistency proof from %llu to %llu entries does not verify",
                  (unsigned long long)size1, (unsigned long long)size2);
}
