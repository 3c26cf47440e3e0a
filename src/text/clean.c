/** @file clean.c
 * Article cleaning: decode (UTF-8 or Windows-1252), drop markup, scripts,
 * styles, comments and navigation, decode entities, normalise typographic
 * characters, drop boilerplate lines (tracking debris, image credits, share
 * buttons), collapse whitespace — while recording, for every run of the
 * cleaned text, the original bytes it came from.
 *
 * Two passes, both linear: pass 1 works on bytes (decoding, tags, entities);
 * pass 2 works on the lines of pass 1 (boilerplate, whitespace, hard wraps)
 * and composes its map with pass 1's so the final map points into the file.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "text/text_int.h"

/* ---- the map ---------------------------------------------------------------- */

void dni_text_map_free(struct dni_text_map *m)
{
    if (!m) return;
    dn_free(m->segs);
    dn_free(m);
}

/* Append a run: `clean_len` bytes of cleaned text starting at `clean` came
 * from original bytes [orig, orig + orig_len). Byte-for-byte runs that
 * continue the previous one are merged into it. */
static bool map_add(struct dni_text_map *m, size_t clean, size_t clean_len, size_t orig, size_t orig_len)
{
    if (clean_len == 0) return true;
    if (m->n) {
        struct dni_text_seg *last = &m->segs[m->n - 1];
        if (clean_len == orig_len && last->clean_len == last->orig_len &&
            last->clean + last->clean_len == clean && last->orig + last->orig_len == orig) {
            last->clean_len += clean_len;
            last->orig_len += orig_len;
            return true;
        }
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        struct dni_text_seg *s = dn_realloc(m->segs, cap * sizeof *s);
        if (!s) return false;
        m->segs = s;
        m->cap = cap;
    }
    m->segs[m->n++] = (struct dni_text_seg){clean, clean_len, orig, orig_len};
    return true;
}

/* Index of the run containing cleaned offset `c` (the last run if past the end). */
static size_t map_find(const struct dni_text_map *m, size_t c)
{
    size_t lo = 0, hi = m->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->segs[mid].clean <= c) lo = mid;
        else hi = mid;
    }
    return lo;
}

void dni_text_map_span(const struct dni_text_map *m, size_t cs, size_t ce, long long *os, long long *oe)
{
    if (!m || m->n == 0 || ce <= cs) {
        *os = *oe = -1;
        return;
    }
    const struct dni_text_seg *a = &m->segs[map_find(m, cs)];
    const struct dni_text_seg *b = &m->segs[map_find(m, ce - 1)];
    bool alin = a->clean_len == a->orig_len && cs >= a->clean && cs < a->clean + a->clean_len;
    bool blin = b->clean_len == b->orig_len && ce - 1 >= b->clean && ce - 1 < b->clean + b->clean_len;
    *os = (long long)(alin ? a->orig + (cs - a->clean) : a->orig);
    *oe = (long long)(blin ? b->orig + (ce - 1 - b->clean) + 1 : b->orig + b->orig_len);
    if (*oe < *os) *oe = *os;
}

/* ---- output builder ------------------------------------------------------------ */

struct builder {
    struct dn_strbuf text;
    struct dni_text_map *map;
    bool failed;
};

static void emit(struct builder *b, const char *s, size_t n, size_t orig, size_t orig_len)
{
    if (b->failed || n == 0) return;
    size_t at = b->text.len;
    if (!dn_strbuf_append(&b->text, s, n) || !map_add(b->map, at, n, orig, orig_len)) b->failed = true;
}

static size_t utf8_encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Typographic characters become their ASCII equivalents so that the rules
 * downstream see one apostrophe, one quote and one dash; invisible ones go.
 * Returns the replacement (static), "" to drop, or NULL to keep `cp` as is. */
static const char *normalise_cp(unsigned cp)
{
    if (cp == '\t' || cp == '\v' || cp == '\f') return " ";
    if (cp < 0x20 && cp != '\n') return " ";
    if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return " ";
    switch (cp) {
    case 0xA0: case 0x2000: case 0x2001: case 0x2002: case 0x2003: case 0x2004: case 0x2005:
    case 0x2006: case 0x2007: case 0x2008: case 0x2009: case 0x200A: case 0x202F: case 0x205F:
    case 0x3000:
        return " ";
    case 0xAD: case 0x200B: case 0x200C: case 0x200D: case 0x200E: case 0x200F: case 0x2060:
    case 0xFEFF:
        return "";
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x02BC:
        return "'";
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0xAB: case 0xBB:
        return "\"";
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2212:
        return "-";
    case 0x2014: case 0x2015:
        return " - ";
    case 0x2026:
        return "...";
    case 0x2028: case 0x2029:
        return "\n";
    default:
        return NULL;
    }
}

static void emit_cp(struct builder *b, unsigned cp, size_t orig, size_t orig_len)
{
    const char *rep = normalise_cp(cp);
    if (rep) {
        emit(b, rep, strlen(rep), orig, orig_len);
        return;
    }
    char buf[4];
    emit(b, buf, utf8_encode(cp, buf), orig, orig_len);
}

/* ---- decoding ---------------------------------------------------------------- */

/* Windows-1252 0x80..0x9F; 0 = undefined in the code page. */
static const unsigned short cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Decode one UTF-8 sequence at data[i]; returns its length, *cp = U+FFFD
 * and length 1 for a malformed one. */
static size_t utf8_decode(const unsigned char *d, size_t len, size_t i, unsigned *cp)
{
    unsigned c = d[i];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2, *cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, *cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, *cp = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (i + n > len) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k < n; k++) {
        if ((d[i + k] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        *cp = (*cp << 6) | (d[i + k] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    return n;
}

bool dni_text_utf8_valid(const unsigned char *data, size_t len, size_t *bad)
{
    for (size_t i = 0; i < len;) {
        if (data[i] < 0x80) {
            i++;
            continue;
        }
        unsigned cp;
        size_t n = utf8_decode(data, len, i, &cp);
        if (cp == 0xFFFD && n == 1) {
            if (bad) *bad = i;
            return false;
        }
        i += n;
    }
    return true;
}

/* ---- pass 1: bytes → text without markup --------------------------------------- */

struct pass1 {
    const unsigned char *d;
    size_t len;
    enum dni_text_encoding enc;
    struct builder *out;
    size_t gt_pos;          /* position of the next '>' at or after the cursor, len if none */
    size_t comment_nf;      /* no "-->" at or after this position */
    size_t close_nf[15];    /* per skip-tag: no closing tag at or after this position */
    bool html;
    char meta_date[11];
};

/* Elements whose content is never article text. */
static const char *const skip_tags[] = {"script", "style", "noscript", "template", "svg", "iframe",
                                        "nav", "footer", "aside", "form", "button", "select",
                                        "object", "canvas", "math"};
/* Script-like elements run to the end of the document when unclosed (as
 * browsers do); the others only lose their tag. */
static bool skip_to_end_when_unclosed(size_t k) { return k < 4; }

static const char *const block_tags[] = {
    "p",       "div",     "br",    "h1",      "h2",         "h3",     "h4",      "h5",   "h6",
    "li",      "ul",      "ol",    "tr",      "td",         "th",     "table",   "article",
    "section", "header",  "main",  "title",   "blockquote", "figure", "figcaption",
    "dd",      "dt",      "dl",    "pre",     "hr",         "address", "details", "summary",
    "body",    "html",    "time",  "caption", NULL};

static bool name_in(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n && list[i]; i++)
        if (strcmp(name, list[i]) == 0) return true;
    return false;
}

static size_t next_gt(struct pass1 *p, size_t from)
{
    if (p->gt_pos >= from) return p->gt_pos;
    const unsigned char *g = memchr(p->d + from, '>', p->len - from);
    p->gt_pos = g ? (size_t)(g - p->d) : p->len;
    return p->gt_pos;
}

/* Case-insensitive search for "</name" from `from`; len when absent. */
static size_t find_close(struct pass1 *p, size_t from, size_t k)
{
    if (from >= p->close_nf[k]) return p->len;
    const char *name = skip_tags[k];
    size_t nl = strlen(name);
    for (size_t i = from; i + 2 + nl <= p->len; i++) {
        const unsigned char *lt = memchr(p->d + i, '<', p->len - i);
        if (!lt) break;
        i = (size_t)(lt - p->d);
        if (i + 2 + nl > p->len) break;
        /* "</nav" may end the input: the byte after the name exists only before the end */
        if (p->d[i + 1] == '/' && strncasecmp((const char *)p->d + i + 2, name, nl) == 0 &&
            (i + 2 + nl == p->len || !isalnum(p->d[i + 2 + nl])))
            return i;
    }
    p->close_nf[k] = from;
    return p->len;
}

/* <meta property="article:published_time" content="2022-05-19T..."> and kin. */
static void read_meta_date(struct pass1 *p, size_t a, size_t b)
{
    if (p->meta_date[0]) return;
    char buf[512];
    size_t n = b - a < sizeof buf - 1 ? b - a : sizeof buf - 1;
    for (size_t i = 0; i < n; i++) buf[i] = (char)tolower(p->d[a + i]);
    buf[n] = '\0';
    static const char *const keys[] = {"published_time", "datepublished", "pubdate", "publish-date",
                                       "publishdate", "dc.date", "date.published", "og:published"};
    bool hit = false;
    for (size_t i = 0; i < DN_ARRAY_LEN(keys) && !hit; i++) hit = strstr(buf, keys[i]) != NULL;
    if (!hit) return;
    const char *c = strstr(buf, "content=");
    if (!c) return;
    c += 8;
    if (*c == '"' || *c == '\'') c++;
    struct dn_text_date d;
    char iso[11];
    if (strlen(c) < 10) return;
    memcpy(iso, c, 10);
    iso[10] = '\0';
    if (dn_text_date_parse_iso(iso, &d)) memcpy(p->meta_date, iso, 11);
}

/* Handle a '<' at i. Returns the position to continue from (i + 1 with
 * nothing consumed means "not markup": the caller emits the '<'). */
static size_t do_tag(struct pass1 *p, size_t i)
{
    const unsigned char *d = p->d;
    size_t len = p->len;
    if (i + 1 >= len) return i;
    unsigned char c = d[i + 1];
    if (c == '!' && i + 3 < len && d[i + 2] == '-' && d[i + 3] == '-') {
        if (i + 4 >= p->comment_nf) return i + 4;
        for (size_t j = i + 4; j + 2 < len; j++) {
            const unsigned char *dash = memchr(d + j, '-', len - j);
            if (!dash) break;
            j = (size_t)(dash - d);
            if (j + 2 < len && d[j + 1] == '-' && d[j + 2] == '>') {
                p->html = true;
                return j + 3;
            }
        }
        p->comment_nf = i + 4;
        return i + 4; /* a stray "<!--": drop just it */
    }
    bool closing = c == '/';
    size_t ns = i + 1 + (closing ? 1 : 0);
    if (!(c == '!' || c == '?' || (ns < len && isalpha(d[ns])))) return i;
    size_t gt = next_gt(p, i + 1);
    if (gt >= len) return i;
    p->html = true;
    if (c == '!' || c == '?') return gt + 1;
    char name[16];
    size_t nl = 0;
    for (size_t j = ns; j < gt && (isalnum(d[j]) || d[j] == '-') && nl < sizeof name - 1; j++)
        name[nl++] = (char)tolower(d[j]);
    name[nl] = '\0';
    if (!closing) {
        for (size_t k = 0; k < DN_ARRAY_LEN(skip_tags); k++) {
            if (strcmp(name, skip_tags[k]) != 0) continue;
            if (gt > i && d[gt - 1] == '/') return gt + 1; /* self-closing <svg/> */
            size_t close = find_close(p, gt + 1, k);
            if (close >= len) return skip_to_end_when_unclosed(k) ? len : gt + 1;
            size_t end = next_gt(p, close);
            return end >= len ? len : end + 1;
        }
        if (strcmp(name, "meta") == 0) read_meta_date(p, i, gt);
    }
    if (name_in(name, block_tags, DN_ARRAY_LEN(block_tags))) emit(p->out, "\n", 1, i, gt + 1 - i);
    return gt + 1;
}

struct entity {
    const char *name;
    unsigned cp;
};
static const struct entity entities[] = {
    {"amp", '&'},        {"lt", '<'},         {"gt", '>'},         {"quot", '"'},       {"apos", '\''},
    {"nbsp", 0xA0},      {"rsquo", 0x2019},   {"lsquo", 0x2018},   {"rdquo", 0x201D},   {"ldquo", 0x201C},
    {"sbquo", 0x201A},   {"bdquo", 0x201E},   {"ndash", 0x2013},   {"mdash", 0x2014},   {"hellip", 0x2026},
    {"minus", 0x2212},   {"shy", 0xAD},       {"zwj", 0x200D},     {"zwnj", 0x200C},    {"lrm", 0x200E},
    {"rlm", 0x200F},     {"copy", 0xA9},      {"reg", 0xAE},       {"trade", 0x2122},   {"deg", 0xB0},
    {"middot", 0xB7},    {"bull", 0x2022},    {"laquo", 0xAB},     {"raquo", 0xBB},     {"eacute", 0xE9},
    {"egrave", 0xE8},    {"aacute", 0xE1},    {"agrave", 0xE0},    {"iacute", 0xED},    {"oacute", 0xF3},
    {"uacute", 0xFA},    {"auml", 0xE4},      {"ouml", 0xF6},      {"uuml", 0xFC},      {"ntilde", 0xF1},
    {"ccedil", 0xE7},    {"thinsp", 0x2009},  {"ensp", 0x2002},    {"emsp", 0x2003},    {"hyphen", 0x2010},
    {"dash", 0x2010},    {"prime", 0x2032},   {"Prime", 0x2033},   {"times", 0xD7},     {"euro", 0x20AC},
    {"pound", 0xA3},     {"sect", 0xA7},      {"para", 0xB6},      {"iexcl", 0xA1},     {"iquest", 0xBF}};

/* Handle a '&' at i: returns the position after the entity, or i if none. */
static size_t do_entity(struct pass1 *p, size_t i)
{
    const unsigned char *d = p->d;
    size_t end = i + 1;
    while (end < p->len && end - i <= 12 && (isalnum(d[end]) || d[end] == '#')) end++;
    if (end >= p->len || d[end] != ';' || end == i + 1) return i;
    unsigned cp = 0;
    if (d[i + 1] == '#') {
        bool hex = end > i + 2 && (d[i + 2] == 'x' || d[i + 2] == 'X');
        size_t k = i + 2 + (hex ? 1 : 0);
        if (k == end) return i;
        unsigned long v = 0;
        for (; k < end; k++) {
            int dv = hex ? (isxdigit(d[k]) ? (isdigit(d[k]) ? d[k] - '0' : (tolower(d[k]) - 'a' + 10)) : -1)
                         : (isdigit(d[k]) ? d[k] - '0' : -1);
            if (dv < 0) return i;
            v = v * (hex ? 16 : 10) + (unsigned)dv;
            if (v > 0x10FFFF) break;
        }
        if (v >= 0x80 && v <= 0x9F) v = cp1252_c1[v - 0x80] ? cp1252_c1[v - 0x80] : 0xFFFD; /* as HTML does */
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) v = 0xFFFD;
        cp = (unsigned)v;
    } else {
        size_t n = end - i - 1;
        for (size_t k = 0; k < DN_ARRAY_LEN(entities); k++)
            if (strlen(entities[k].name) == n && memcmp(entities[k].name, d + i + 1, n) == 0) {
                cp = entities[k].cp;
                break;
            }
        if (!cp) return i;
    }
    emit_cp(p->out, cp, i, end + 1 - i);
    return end + 1;
}

static void pass1_run(struct pass1 *p, size_t skip)
{
    const unsigned char *d = p->d;
    size_t run = skip; /* start of the pending verbatim run */
    size_t i = skip;
#define FLUSH()                                                                              \
    do {                                                                                     \
        if (i > run) emit(p->out, (const char *)d + run, i - run, run, i - run);             \
    } while (0)
    while (i < p->len && !p->out->failed) {
        unsigned char c = d[i];
        if (c >= 0x20 && c < 0x7F && c != '<' && c != '&') {
            i++;
            continue;
        }
        if (c == '\n') {
            i++;
            continue;
        }
        if (c >= 0x80 && p->enc == DNI_ENC_UTF8) {
            unsigned cp;
            size_t n = utf8_decode(d, p->len, i, &cp);
            if (cp != 0xFFFD && !normalise_cp(cp)) { /* an ordinary letter: stays in the run */
                i += n;
                continue;
            }
        }
        FLUSH();
        size_t next;
        if (c == '<') {
            next = do_tag(p, i);
            if (next == i) {
                emit(p->out, "<", 1, i, 1);
                next = i + 1;
            }
        } else if (c == '&') {
            next = do_entity(p, i);
            if (next == i) {
                emit(p->out, "&", 1, i, 1);
                next = i + 1;
            }
        } else if (c == '\r') {
            if (i + 1 < p->len && d[i + 1] == '\n') { /* CRLF: keep the LF only */
                next = i + 1;
            } else {
                emit(p->out, "\n", 1, i, 1);
                next = i + 1;
            }
        } else if (c < 0x80) {
            emit_cp(p->out, c, i, 1);
            next = i + 1;
        } else if (p->enc == DNI_ENC_CP1252) {
            unsigned cp = c >= 0xA0 ? c : cp1252_c1[c - 0x80];
            emit_cp(p->out, cp ? cp : 0xFFFD, i, 1);
            next = i + 1;
        } else {
            unsigned cp;
            size_t n = utf8_decode(d, p->len, i, &cp);
            emit_cp(p->out, cp, i, n);
            next = i + n;
        }
        i = next;
        run = i;
    }
    FLUSH();
#undef FLUSH
}

/* ---- pass 2: lines → paragraphs without boilerplate ----------------------------- */

struct line {
    size_t a, b;  /* trimmed range in pass-1 text */
    bool keep;
};

static bool has_prefix_ci(const char *s, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    return n >= pl && strncasecmp(s, prefix, pl) == 0;
}

/* Words of share bars and social widgets: a short line made only of them is
 * not article text. */
static const char *const share_words[] = {
    "share", "shares", "tweet", "facebook", "twitter", "whatsapp", "email", "e-mail", "mail", "print",
    "linkedin", "telegram", "reddit", "pinterest", "copy", "link", "url", "on", "this", "article",
    "story", "follow", "us", "x", "messenger", "save", "like", "comment", "comments", "pocket",
    "flipboard", "sms", "more", "google", "instagram", "youtube", "tiktok", "via", "the", "news", NULL};

static bool share_line(const char *s, size_t n)
{
    size_t words = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && !isalnum((unsigned char)s[i]) && s[i] != '-') i++;
        size_t w = i;
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-')) i++;
        if (i == w) continue;
        bool known = false;
        for (const char *const *sw = share_words; *sw && !known; sw++)
            known = strlen(*sw) == i - w && strncasecmp(*sw, s + w, i - w) == 0;
        if (!known) return false;
        words++;
    }
    return words > 0 && words <= 12;
}

static bool boilerplate_line(const char *s, size_t n)
{
    /* Tracking snippets and comment debris left by a lossy save: searched in
     * a lowercased copy of the line's head (one pass, then strstr) */
    static const char *const debris[] = {"gtag(", "google tag", "googletagmanager", "datalayer",
                                         "adsbygoogle", "fbq(", "_gaq", "function(", "});",
                                         "google-analytics", "<!--", "-->"};
    char low[2048];
    size_t ln = n < sizeof low - 1 ? n : sizeof low - 1;
    for (size_t i = 0; i < ln; i++) low[i] = (char)tolower((unsigned char)s[i]);
    low[ln] = '\0';
    for (size_t i = 0; i < DN_ARRAY_LEN(debris); i++)
        if (strstr(low, debris[i])) return true;
    if (has_prefix_ci(s, n, "!--") || has_prefix_ci(s, n, "var ")) return true;
    if (n > 160) return false;
    /* Image credits and captions' bylines. */
    static const char *const credits[] = {"image source", "image:", "images:", "image credit", "photo:",
                                          "photo credit", "photo by", "photograph:", "picture:", "file photo",
                                          "credit:", "(photo", "afp photo", "reuters photo", "getty images",
                                          "representational image", "representational photo"};
    for (size_t i = 0; i < DN_ARRAY_LEN(credits); i++)
        if (has_prefix_ci(s, n, credits[i])) return true;
    if (n > 120) return false;
    static const char *const prefixes[] = {"read more", "also read", "read also", "related:", "related articles",
                                           "related stories", "advertisement", "copyright", "\xc2\xa9",
                                           "all rights reserved", "subscribe", "sign up", "click here",
                                           "follow us", "share this", "share on", "leave a comment",
                                           "you may also like", "recommended for you", "most read",
                                           "skip to content", "we use cookies", "privacy policy",
                                           "terms of use", "terms and conditions", "loading...",
                                           "(reporting by", "(editing by", "(writing by"};
    for (size_t i = 0; i < DN_ARRAY_LEN(prefixes); i++)
        if (has_prefix_ci(s, n, prefixes[i])) return true;
    return share_line(s, n);
}

/* Emit pass-1 text [a, b) through the pass-1 map, so the runs point into the
 * original bytes. `si` is a cursor into the pass-1 map (only moves forward). */
static void emit_range(struct builder *out, const struct builder *in, size_t *si, size_t a, size_t b)
{
    const struct dni_text_map *m = in->map;
    while (a < b && !out->failed) {
        while (*si + 1 < m->n && m->segs[*si].clean + m->segs[*si].clean_len <= a) (*si)++;
        const struct dni_text_seg *s = &m->segs[*si];
        size_t send = s->clean + s->clean_len;
        size_t piece_end = b < send ? b : send;
        if (NEVER(piece_end <= a)) break;
        if (s->clean_len == s->orig_len)
            emit(out, in->text.data + a, piece_end - a, s->orig + (a - s->clean), piece_end - a);
        else
            emit(out, in->text.data + a, piece_end - a, s->orig, s->orig_len);
        a = piece_end;
    }
}

/* The original offset just after pass-1 position `a` (for inserted separators). */
static size_t orig_after(const struct builder *in, size_t *si, size_t a)
{
    const struct dni_text_map *m = in->map;
    if (m->n == 0) return 0;
    while (*si + 1 < m->n && m->segs[*si].clean + m->segs[*si].clean_len <= a) (*si)++;
    const struct dni_text_seg *s = &m->segs[*si];
    if (s->clean_len == s->orig_len && a >= s->clean) return s->orig + (a - s->clean);
    return s->orig + s->orig_len;
}

static bool ends_sentence(const char *s, size_t n)
{
    char c = n ? s[n - 1] : 0;
    return c == '.' || c == '!' || c == '?' || c == '"' || c == '\'' || c == ':' || c == ')';
}

static void pass2_run(struct builder *out, const struct builder *in)
{
    const char *t = in->text.data ? in->text.data : "";
    size_t len = in->text.len;
    size_t nlines = 1;
    for (size_t i = 0; i < len; i++) nlines += t[i] == '\n';
    struct line *lines = dn_calloc(nlines, sizeof *lines);
    if (!lines) {
        out->failed = true;
        return;
    }
    size_t nl = 0, kept = 0, midlen = 0, term = 0, longest = 0;
    for (size_t i = 0; i <= len; nl++) {
        const char *nlp = i < len ? memchr(t + i, '\n', len - i) : NULL;
        size_t e = nlp ? (size_t)(nlp - t) : len;
        size_t a = i, b = e;
        while (a < b && t[a] == ' ') a++;
        while (b > a && t[b - 1] == ' ') b--;
        lines[nl] = (struct line){a, b, b > a && !boilerplate_line(t + a, b - a)};
        if (lines[nl].keep) {
            size_t n = b - a;
            kept++;
            midlen += n >= 40 && n <= 100;
            term += ends_sentence(t + a, n);
            if (n > longest) longest = n;
        }
        i = e + 1;
        if (!nlp) {
            nl++;
            break;
        }
    }
    /* Hard-wrapped text (lines of 40–100 bytes that mostly stop mid-sentence)
     * joins single line breaks with a space; otherwise every line break ends
     * a sentence, as a headline or a dateline line does. */
    bool wrapped = kept >= 4 && longest <= 120 && midlen * 10 >= kept * 6 && term * 10 < kept * 4;
    size_t si_text = 0, si_sep = 0;
    bool any = false, gap = false;
    for (size_t k = 0; k < nl && !out->failed; k++) {
        struct line *L = &lines[k];
        if (!L->keep) {
            gap = true;
            continue;
        }
        if (any) {
            size_t o = orig_after(in, &si_sep, L->a);
            if (gap) emit(out, "\n\n", 2, o, 0);
            else if (wrapped) emit(out, " ", 1, o, 0);
            else emit(out, "\n", 1, o, 0);
        }
        /* collapse runs of spaces inside the line */
        size_t x = L->a;
        while (x < L->b) {
            const char *sp = memchr(t + x, ' ', L->b - x);
            size_t e = sp ? (size_t)(sp - t) + 1 : L->b;
            emit_range(out, in, &si_text, x, e);
            x = e;
            while (x < L->b && t[x] == ' ') x++;
        }
        any = true;
        gap = false;
    }
    dn_free(lines);
}

/* ---- entry ------------------------------------------------------------------------ */

void dni_text_cleaned_free(struct dni_text_cleaned *c)
{
    if (!c) return;
    dn_free(c->text);
    dni_text_map_free(c->map);
    memset(c, 0, sizeof *c);
}

dn_status dni_text_clean(dn_ctx *ctx, const unsigned char *data, size_t len, size_t skip,
                         enum dni_text_encoding enc, struct dni_text_cleaned *out)
{
    memset(out, 0, sizeof *out);
    struct builder b1 = {0}, b2 = {0};
    b1.map = dn_calloc(1, sizeof *b1.map);
    b2.map = dn_calloc(1, sizeof *b2.map);
    if (!b1.map || !b2.map) goto nomem;
    struct pass1 p = {.d = data, .len = len, .enc = enc, .out = &b1, .gt_pos = 0, .comment_nf = SIZE_MAX};
    _Static_assert(DN_ARRAY_LEN(skip_tags) == DN_ARRAY_LEN(p.close_nf), "one cache slot per skip tag");
    for (size_t k = 0; k < DN_ARRAY_LEN(p.close_nf); k++) p.close_nf[k] = SIZE_MAX;
    if (len > 0) {
        /* gt_pos = 0 would claim a '>' at offset 0: prime the cache honestly */
        const unsigned char *g = memchr(data, '>', len);
        p.gt_pos = g ? (size_t)(g - data) : len;
    }
    pass1_run(&p, skip < len ? skip : len);
    if (b1.failed) goto nomem;
    pass2_run(&b2, &b1);
    if (b2.failed) goto nomem;
    if (!dn_strbuf_append(&b2.text, "", 0)) goto nomem; /* ensure a NUL-terminated buffer */
    out->text = b2.text.data;
    out->len = b2.text.len;
    out->map = b2.map;
    out->html = p.html;
    memcpy(out->meta_date, p.meta_date, sizeof out->meta_date);
    dn_strbuf_free(&b1.text);
    dni_text_map_free(b1.map);
    return DN_OK;
nomem:
    dn_strbuf_free(&b1.text);
    dn_strbuf_free(&b2.text);
    dni_text_map_free(b1.map);
    dni_text_map_free(b2.map);
    return dni_fail(ctx, DN_ERR_NOMEM, "out of memory cleaning text");
}
