/** @file fake_place_finder.h
 * A tiny place finder over a fixed list of names, for tests, the benchmark
 * and the fuzzer of the text module. Longest match wins ("Dir Colony" beats
 * "Dir"); matches are whole words, case-sensitive as news text capitalises
 * place names. Not the gazetteer: that lives in src/gazetteer.
 */
#ifndef DN_FAKE_PLACE_FINDER_H
#define DN_FAKE_PLACE_FINDER_H

#include "text/text.h"

/** One fixture place. */
struct fake_place {
    const char *name;
    enum dn_text_place_kind kind;
    const char *country;
    long long id;
    const char *district; /**< the district it lies in (a district's own name), or NULL */
};

/** The fixture list (static, terminated by a NULL name). */
extern const struct fake_place fake_places[];

/** A dn_text_place_finder over fake_places; `ud` is unused (pass NULL). */
dn_status fake_place_finder(void *ud, const char *sentence, size_t len, struct dn_text_mention *out, size_t cap,
                            size_t *n);

/** The fixture place with this id, or NULL. */
const struct fake_place *fake_place_by_id(long long id);

#endif
