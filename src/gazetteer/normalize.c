/** @file normalize.c
 * Place-name keys through utf8proc (maintained Unicode tables, not
 * hand-made ones), plus the few Arabic-script unifications that Unicode
 * normalisation deliberately leaves alone. Code points are folded one at a
 * time (no allocation per name), which is what keeps exact lookups and the
 * mention finder fast.
 */
#include <string.h>

#include <utf8proc.h>

#include "gazetteer/normalize.h"

/* Letters that Pashto, Urdu and Dari spell differently from Arabic for the
 * same sound; gazetteers and news mix them freely. */
static utf8proc_int32_t unify_arabic(utf8proc_int32_t c)
{
    switch (c) {
    case 0x064A: /* ي arabic yeh */
    case 0x0649: /* ى alef maksura */
    case 0x06D0: /* ې pashto e */
    case 0x06CD: /* ۍ yeh with tail */
    case 0x06D2: /* ے urdu yeh barree */
        return 0x06CC; /* ی farsi yeh */
    case 0x0643: /* ك arabic kaf */
    case 0x06AA: /* ڪ swash kaf */
        return 0x06A9; /* ک keheh */
    case 0x06AB: return 0x06AF; /* ګ pashto gaf → گ */
    /* Pashto and Urdu write the same retroflex sounds with different letters */
    case 0x067C: return 0x0679; /* ټ → ٹ */
    case 0x0689: return 0x0688; /* ډ → ڈ */
    case 0x0693: return 0x0691; /* ړ → ڑ */
    case 0x06BC: return 0x0646; /* ڼ → ن */
    case 0x0696: return 0x0698; /* ږ → ژ */
    case 0x0629: /* ة */
    case 0x06C1: /* ہ */
    case 0x06BE: /* ھ */
    case 0x06D5: /* ە */
    case 0x06C0: /* ۀ */
    case 0x06C2: /* ۂ */
        return 0x0647; /* ه */
    case 0x0671: /* ٱ */
        return 0x0627; /* ا */
    default: return c;
    }
}

static bool is_apostrophe(utf8proc_int32_t c)
{
    return c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x02BB || c == 0x02BF ||
           c == 0x02BE || c == 0x00B4 || c == 0x0640 /* tatweel: a stretch, not a letter */;
}

static bool is_word_char(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
    }
}

enum dni_fold_kind dni_fold_cp(int32_t c, int32_t *out, size_t *n)
{
    *n = 0;
    if (c < 0x80) {
        /* ASCII: the common case in Latin-script text, without table lookups */
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out[0] = c;
            *n = 1;
            return DNI_FOLD_WORD;
        }
        return is_apostrophe(c) ? DNI_FOLD_SKIP : DNI_FOLD_BREAK;
    }
    if (is_apostrophe(c)) return DNI_FOLD_SKIP;
    utf8proc_int32_t buf[DNI_FOLD_MAX];
    int boundclass = 0;
    utf8proc_ssize_t m = utf8proc_decompose_char(c, buf, DNI_FOLD_MAX,
                                                 UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                                     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_LUMP,
                                                 &boundclass);
    if (m < 0 || m > DNI_FOLD_MAX) return DNI_FOLD_BREAK; /* unassigned, or a ligature of a whole phrase */
    if (m == 0) return DNI_FOLD_SKIP;                     /* a mark or an ignorable */
    enum dni_fold_kind kind = DNI_FOLD_SKIP;
    for (utf8proc_ssize_t i = 0; i < m; i++) {
        utf8proc_int32_t d = buf[i];
        if (is_apostrophe(d)) continue;
        if (d >= 0x0660 && d <= 0x0669) d = '0' + (d - 0x0660);
        else if (d >= 0x06F0 && d <= 0x06F9) d = '0' + (d - 0x06F0);
        if (!is_word_char(d)) {
            /* a compatibility decomposition with inner punctuation ("℅")
             * still separates words */
            if (*n) return DNI_FOLD_WORD;
            kind = DNI_FOLD_BREAK;
            continue;
        }
        out[(*n)++] = unify_arabic(d);
        kind = DNI_FOLD_WORD;
    }
    return kind;
}

static void put_cp(struct dn_strbuf *out, utf8proc_int32_t c)
{
    if (c < 0x80) {
        dn_strbuf_putc(out, (char)c);
        return;
    }
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(c, buf);
    dn_strbuf_append(out, (const char *)buf, (size_t)n);
}

/* "d i khan" → "di khan": initials written with dots or spaces are one word. */
static bool is_initial_at(const char *s, size_t len, size_t i)
{
    return i < len && s[i] >= 'a' && s[i] <= 'z' && (i == 0 || s[i - 1] == ' ') && (i + 1 == len || s[i + 1] == ' ');
}

static const char *const compass[][2] = {{"n", "north"}, {"s", "south"}, {"e", "east"}, {"w", "west"}};

bool dni_key_finish(struct dn_strbuf *key)
{
    if (!key->data || key->len == 0) return !key->failed;
    /* The test reads the original neighbours of each space, so it reads a
     * copy (on the stack for every realistic key). */
    char stack[256];
    char *src = key->len < sizeof stack ? stack : dn_malloc(key->len + 1);
    if (!src) return false;
    memcpy(src, key->data, key->len + 1);
    char *s = key->data;
    size_t len = key->len, w = 0;
    for (size_t r = 0; r < len; r++) {
        if (src[r] == ' ' && r > 0 && is_initial_at(src, len, r - 1) && is_initial_at(src, len, r + 1)) continue;
        s[w++] = src[r];
    }
    if (src != stack) dn_free(src);
    key->len = w;
    s[w] = '\0';
    /* "n waziristan": a one-letter first word before another word is a compass point */
    if (w >= 3 && s[1] == ' ') {
        for (size_t i = 0; i < DN_ARRAY_LEN(compass); i++) {
            if (s[0] != compass[i][0][0]) continue;
            const char *word = compass[i][1];
            size_t wl = strlen(word), grow = wl - 1;
            if (!dn_strbuf_append(key, word, grow)) return false; /* make room */
            s = key->data;
            memmove(s + wl, s + 1, w - 1);
            memcpy(s, word, wl);
            key->len = w + grow;
            s[key->len] = '\0';
            break;
        }
    }
    return !key->failed;
}

dn_status dn_name_key(dn_ctx *ctx, const char *in, size_t len, struct dn_strbuf *out)
{
    dn_strbuf_reset(out);
    dn_strbuf_append(out, "", 0);
    if (len > DN_NAME_MAX)
        return ctx ? dni_fail(ctx, DN_ERR_INPUT, "name is %zu bytes long (at most %d)", len, DN_NAME_MAX) : DN_ERR_INPUT;
    if (memchr(in, '\0', len)) return ctx ? dni_fail(ctx, DN_ERR_INPUT, "name contains a NUL byte") : DN_ERR_INPUT;
    bool pending_space = false;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        if (p[i] < 0x80) {
            c = p[i++];
        } else {
            utf8proc_ssize_t step = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
            if (step <= 0) return ctx ? dni_fail(ctx, DN_ERR_INPUT, "name is not valid UTF-8") : DN_ERR_INPUT;
            i += (size_t)step;
        }
        int32_t folded[DNI_FOLD_MAX];
        size_t n;
        switch (dni_fold_cp(c, folded, &n)) {
        case DNI_FOLD_SKIP: break;
        case DNI_FOLD_BREAK: pending_space = out->len > 0; break;
        case DNI_FOLD_WORD:
            if (pending_space) dn_strbuf_putc(out, ' ');
            pending_space = false;
            for (size_t k = 0; k < n; k++) put_cp(out, folded[k]);
            break;
        }
    }
    if (out->failed || !dni_key_finish(out)) return ctx ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : DN_ERR_NOMEM;
    return DN_OK;
}
