/* merkle: the RFC 6962 / RFC 9162 Merkle tree of the log — hashes, roots, proofs. */
#ifndef CERTKIOSK_MERKLE_H
#define CERTKIOSK_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MERKLE_HASH_LEN 32

/* The longest proof any tree of up to 2^64 leaves needs: an inclusion proof
 * has at most 64 hashes, a consistency proof at most 64 + 1. */
#define MERKLE_PROOF_MAX 66

/* A list of hashes: an inclusion or a consistency proof. A plain value. */
typedef struct MerkleProof {
    size_t len;
    unsigned char hash[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
} MerkleProof;

/* The compact range [0, size) of a tree: the roots of its perfect subtrees,
 * largest first, one per bit set in size (at most 64). Appending is O(log n)
 * and the root is O(log n), so the log never rereads its leaves to sign. */
typedef struct MerkleFrontier {
    uint64_t size;
    unsigned char hash[64][MERKLE_HASH_LEN];
} MerkleFrontier;

/* SHA-256(0x00 || data): the hash of one leaf. */
void merkle_leaf_hash(const unsigned char *data, size_t len, unsigned char out[MERKLE_HASH_LEN]);

/* SHA-256(0x01 || left || right): the hash of an interior node. out may alias an input. */
void merkle_node_hash(const unsigned char left[MERKLE_HASH_LEN],
                      const unsigned char right[MERKLE_HASH_LEN],
                      unsigned char out[MERKLE_HASH_LEN]);

/* MTH of the first n leaf hashes (n = 0 gives SHA-256 of the empty string). O(n). */
void merkle_root(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t n,
                 unsigned char out[MERKLE_HASH_LEN]);

/* An empty frontier (size 0). */
void merkle_frontier_init(MerkleFrontier *f);

/* Appends one leaf hash. CK_ERR_TOO_LARGE once the tree holds 2^64 - 1 leaves. */
CkErr merkle_frontier_append(MerkleFrontier *f, const unsigned char leaf[MERKLE_HASH_LEN]);

/* The root of the tree the frontier describes. */
void merkle_frontier_root(const MerkleFrontier *f, unsigned char out[MERKLE_HASH_LEN]);

/* The inclusion proof (RFC 9162 §2.1.3.1) of leaf index in the tree of the
 * first size leaves. CK_ERR_USAGE if index >= size. */
CkErr merkle_inclusion_proof(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t size,
                             uint64_t index, MerkleProof *proof_out);

/* Checks an inclusion proof (RFC 9162 §2.1.3.2): CK_OK, or CK_ERR_TAMPERED
 * when the proof does not lead from leaf at index to root of a tree of size. */
__attribute__((warn_unused_result)) CkErr
merkle_verify_inclusion(const unsigned char leaf[MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                        const MerkleProof *proof, const unsigned char root[MERKLE_HASH_LEN]);

/* The consistency proof (RFC 9162 §2.1.4.1) that the tree of the first size1
 * leaves is a prefix of the tree of the first size2. CK_ERR_USAGE unless
 * size1 <= size2. Empty when size1 is 0 or equals size2. */
CkErr merkle_consistency_proof(const unsigned char (*leaves)[MERKLE_HASH_LEN], uint64_t size1,
                               uint64_t size2, MerkleProof *proof_out);

/* Checks a consistency proof (RFC 9162 §2.1.4.2): CK_OK, or CK_ERR_TAMPERED
 * when root2 (size2) does not extend root1 (size1). size1 == 0 is consistent
 * with anything given an empty proof; size1 == size2 needs an empty proof and
 * equal roots; size1 > size2 fails. */
__attribute__((warn_unused_result)) CkErr
merkle_verify_consistency(uint64_t size1, uint64_t size2, const MerkleProof *proof,
                          const unsigned char root1[MERKLE_HASH_LEN],
                          const unsigned char root2[MERKLE_HASH_LEN]);

#endif
