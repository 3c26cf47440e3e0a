/** @file fuzz_name_key.c
 * libFuzzer target for the place-name normaliser: dn_name_key on raw
 * bytes (any length, NULs and invalid UTF-8 included) and dni_fold_cp on
 * every code point. Besides memory errors it checks what the lookup relies
 * on: an accepted name gives a key of valid UTF-8 with single spaces and
 * none at either end, and keying a key again is stable after one more pass
 * (the stored keys and the query keys go through the same function) —
 * unless the key grew beyond DN_NAME_MAX, which the input limit allows.
 * A key's variants are keys too (valid UTF-8, single spaces); spelling a
 * key by sound keeps its length and spaces and is done in one pass (the
 * index and the queries fold once each, so they must meet); spelling a
 * Latin key by sound never lengthens it, keeps its words and is final;
 * the crossing words come off at a space.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_key(const struct dn_strbuf *k)
{
    const char *s = k->data ? k->data : "";
    size_t n = strlen(s);
    if (n != k->len) abort(); /* no NUL inside a key */
    if (n && (s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  "))) abort();
    utf8proc_int32_t c;
    for (size_t i = 0; i < n;) {
        utf8proc_ssize_t step = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (step <= 0) abort();
        i += (size_t)step;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dn_strbuf k = {0};
    dn_status s = dn_name_key(NULL, (const char *)data, size, &k);
    if (s != DN_OK && s != DN_ERR_INPUT && s != DN_ERR_NOMEM) abort();
    if (s == DN_OK) check_key(&k);
    /* compatibility decomposition can make a key longer than DN_NAME_MAX
     * (one Arabic ligature is several letters): such a key is not keyed again */
    if (s == DN_OK && k.len <= DN_NAME_MAX) {
        /* a key keyed again: the word rules may apply once more (a joined
         * "d i" becomes "di"), after that it must not move */
        struct dn_strbuf k2 = {0}, k3 = {0};
        if (dn_name_key(NULL, k.data ? k.data : "", k.len, &k2) != DN_OK) abort();
        check_key(&k2);
        if (dn_name_key(NULL, k2.data ? k2.data : "", k2.len, &k3) != DN_OK) abort();
        if (k2.len != k3.len || (k2.len && memcmp(k2.data, k3.data, k2.len) != 0)) abort();
        dn_strbuf_free(&k2);
        dn_strbuf_free(&k3);
    }
    if (s == DN_OK && k.len <= GZ_KEY_MAX) {
        static struct gz_variants v;
        dni_gz_variants(k.data ? k.data : "", k.len, GZ_VAR_QUERY | GZ_VAR_INITIALS, &v);
        for (size_t i = 0; i < v.n; i++) {
            struct dn_strbuf vk = {.data = (char *)v.v[i].s, .len = v.v[i].len};
            if (v.v[i].len == 0 || v.v[i].s[v.v[i].len] != '\0') abort();
            check_key(&vk);
        }
        char sound[GZ_KEY_MAX + 1], again[GZ_KEY_MAX + 1];
        size_t n = dni_gz_sound_fold(k.data ? k.data : "", k.len, sound);
        if (n != 0 && n != k.len) abort();
        if (n) {
            sound[n] = '\0';
            struct dn_strbuf sk = {.data = sound, .len = n};
            check_key(&sk);
            for (size_t i = 0; i < n; i++)
                if ((sound[i] == ' ') != (k.data[i] == ' ')) abort();
            if (dni_gz_sound_fold(sound, n, again) != 0) abort();
        }
        size_t ln = dni_gz_latin_fold(k.data ? k.data : "", k.len, sound);
        if (ln > k.len) abort();
        if (ln) {
            sound[ln] = '\0';
            struct dn_strbuf sk = {.data = sound, .len = ln};
            check_key(&sk);
            size_t words = 0, lwords = 0;
            for (size_t i = 0; i < k.len; i++) words += k.data[i] == ' ';
            for (size_t i = 0; i < ln; i++) lwords += sound[i] == ' ';
            if (words != lwords) abort();
            if (dni_gz_latin_fold(sound, ln, again) != 0) abort();
        }
        size_t rest = dni_gz_crossing_strip(k.data ? k.data : "", k.len);
        if (rest && (rest >= k.len || k.data[rest] != ' ')) abort();
    }
    dn_strbuf_free(&k);

    /* every code point of the input through the folding table */
    utf8proc_int32_t c;
    for (size_t i = 0; i < size;) {
        utf8proc_ssize_t step = utf8proc_iterate(data + i, (utf8proc_ssize_t)(size - i), &c);
        if (step <= 0) {
            i++;
            continue;
        }
        int32_t out[DNI_FOLD_MAX];
        size_t n = 99;
        enum dni_fold_kind kind = dni_fold_cp(c, out, &n);
        if (kind == DNI_FOLD_WORD ? (n < 1 || n > DNI_FOLD_MAX) : n != 0) abort();
        i += (size_t)step;
    }
    return 0;
}
