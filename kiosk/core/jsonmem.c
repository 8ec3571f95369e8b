/* jsonmem: where jansson's memory comes from — wiped when freed, and per-thread scratch for
 * the trees of one certificate. */
#include "jsonmem.h"

#include <malloc.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

/* One region, reserved once and cut into slots, one per thread that opens a scope: a single
 * range check tells jsonmem_free() a scratch block from a malloc one, whichever thread made it.
 * A certificate's trees take about 30 KiB (an audit's entry body included); a slot that fills
 * up hands out malloc blocks, so the size only bounds the fast path. Pages are touched only as
 * they are used. */
#define JSONMEM_SLOTS 64
#define JSONMEM_SLOT_SIZE ((size_t)256 << 10)
#define JSONMEM_ALIGN 16

static _Atomic(unsigned char *) region;
static _Atomic uint64_t slots_taken; /* bit i: slot i belongs to a live thread */
static pthread_once_t region_once = PTHREAD_ONCE_INIT;
static pthread_key_t slot_key;

typedef struct ThreadScratch {
    int slot;      /* -1: none yet; -2: none to be had */
    unsigned depth; /* jsonmem_begin() calls not yet ended */
    bool taking;   /* blocks come from the slot */
    size_t used;   /* bytes handed out since the scope began (the part to wipe) */
} ThreadScratch;

static _Thread_local ThreadScratch scratch = {.slot = -1};

static void
slot_release(void *arg)
{
    int slot = (int)(uintptr_t)arg - 1;

    atomic_fetch_and(&slots_taken, ~(UINT64_C(1) << slot));
}

static void
region_reserve(void)
{
    void *p = mmap(NULL, JSONMEM_SLOTS * JSONMEM_SLOT_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

    if (p == MAP_FAILED || pthread_key_create(&slot_key, slot_release) != 0)
        return; /* no scratch: every block comes from malloc */
    atomic_store(&region, p);
}

/* The calling thread's slot, taken on its first scope; -2 when there is none to be had. */
static int
slot_take(void)
{
    uint64_t taken;

    pthread_once(&region_once, region_reserve);
    if (atomic_load(&region) == NULL)
        return -2;
    taken = atomic_load(&slots_taken);
    for (int i = 0; i < JSONMEM_SLOTS; i++) {
        uint64_t bit = UINT64_C(1) << i;
        if (taken & bit)
            continue;
        if (atomic_compare_exchange_strong(&slots_taken, &taken, taken | bit)) {
            if (pthread_setspecific(slot_key, (void *)(uintptr_t)(i + 1)) != 0) {
                atomic_fetch_and(&slots_taken, ~bit);
                return -2;
            }
            return i;
        }
        i = -1; /* another thread took one meanwhile: look again from the start */
    }
    return -2;
}

static unsigned char *
slot_base(int slot)
{
    return atomic_load_explicit(&region, memory_order_relaxed) + (size_t)slot * JSONMEM_SLOT_SIZE;
}

void *
jsonmem_malloc(size_t size)
{
    ThreadScratch *t = &scratch;

    if (t->taking) {
        size_t need = (size ? size + JSONMEM_ALIGN - 1 : JSONMEM_ALIGN) & ~(size_t)(JSONMEM_ALIGN - 1);
        if (size < JSONMEM_SLOT_SIZE && need <= JSONMEM_SLOT_SIZE - t->used) {
            void *p = slot_base(t->slot) + t->used;
            t->used += need;
            return p;
        }
    }
    return malloc(size);
}

void
jsonmem_free(void *ptr)
{
    unsigned char *base = atomic_load_explicit(&region, memory_order_relaxed);

    if (ptr == NULL)
        return;
    /* A scratch block: wiped with the rest of its scope at jsonmem_end(). */
    if (base != NULL && (uintptr_t)ptr - (uintptr_t)base < JSONMEM_SLOTS * JSONMEM_SLOT_SIZE)
        return;
    sodium_memzero(ptr, malloc_usable_size(ptr));
    free(ptr);
}

void
jsonmem_begin(JsonMemScope *scope)
{
    ThreadScratch *t = &scratch;

    scope->began = t->depth++ == 0;
    if (!scope->began)
        return;
    if (t->slot == -1)
        t->slot = slot_take();
    t->used = 0;
    t->taking = t->slot >= 0;
}

void
jsonmem_hold(JsonMemScope *scope)
{
    if (scope->began)
        scratch.taking = false;
}

void
jsonmem_end(JsonMemScope *scope)
{
    ThreadScratch *t = &scratch;

    t->depth--;
    if (!scope->began)
        return;
    scope->began = false;
    t->taking = false;
    if (t->slot >= 0 && t->used > 0)
        sodium_memzero(slot_base(t->slot), t->used);
    t->used = 0;
}
