/** @file alloc.c
 * Allocation wrappers with a fault-injection hook for tests.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* Countdown to the injected failure; 0 = injection off. Test-only state,
 * atomic because an ingest allocates in two threads (ingest/writer_thread.h):
 * the first of them to count down to zero gets the failure. */
static atomic_long fail_countdown;

void dni_alloc_fail_after(long n) { atomic_store(&fail_countdown, n > 0 ? n : 0); }

static bool should_fail(void)
{
    long n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (n > 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1)) return n == 1;
    }
    return false;
}

void *dn_malloc(size_t n) { return should_fail() ? NULL : malloc(n ? n : 1); }
void *dn_calloc(size_t count, size_t n) { return should_fail() ? NULL : calloc(count ? count : 1, n ? n : 1); }
void *dn_realloc(void *p, size_t n) { return should_fail() ? NULL : realloc(p, n ? n : 1); }
void dn_free(void *p) { free(p); }

char *dn_strndup(const char *s, size_t n)
{
    if (!s) return NULL;
    size_t len = strnlen(s, n);
    char *copy = dn_malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *dn_strdup(const char *s) { return s ? dn_strndup(s, strlen(s)) : NULL; }
