/** @file convert.c
 * Text events → struct dn_event ("as reported" fields), stable hashes, and
 * the names of the quality flags.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/hash.h"
#include "text/text_int.h"

static const char *const flag_names[] = {"date_assumed", "date_approx", "actor_inferred", "count_vague",
                                         "count_approx", "merged",      "no_place",       "place_coarse"};

char *dn_text_flags_format(unsigned flags, char *buf, size_t cap)
{
    if (cap == 0) return buf;
    buf[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < DN_ARRAY_LEN(flag_names); i++) {
        if (!(flags & (1u << i))) continue;
        int n = snprintf(buf + len, cap - len, "%s%s", len ? "," : "", flag_names[i]);
        if (n < 0 || (size_t)n >= cap - len) {
            buf[len] = '\0';
            break;
        }
        len += (size_t)n;
    }
    return buf;
}

static bool set(char **member, const char *value) { return dn_event_set(member, value && *value ? value : NULL); }

/* The event's place as the article wrote it, "" when it has none. */
static const char *written_place(const struct dn_text_article *a, const struct dn_text_event *e)
{
    return e->place >= 0 && a->mentions[e->place].surface ? a->mentions[e->place].surface : "";
}

dn_status dn_text_article_uid_prefix(dn_ctx *ctx, const struct dn_text_article *a, char *buf, size_t cap)
{
    const char *identity = a->url ? a->url : a->scope;
    if (!identity) return dni_fail(ctx, DN_ERR_INTERNAL, "text event of an article with neither URL nor scope");
    uint64_t h = dn_hash_bytes(DN_HASH_INIT, identity, strlen(identity) + 1);
    /* a JSON Lines record without a URL is known by its line in the file */
    if (!a->url && a->line > 0) h = dn_hash_bytes(h, &a->line, sizeof a->line);
    int n = snprintf(buf, cap, "text:%016llx:", (unsigned long long)h);
    return n > 0 && (size_t)n < cap ? DN_OK : dni_fail(ctx, DN_ERR_INTERNAL, "article uid prefix does not fit");
}

dn_status dn_text_event_to_event(dn_ctx *ctx, const struct dn_text_article *a, size_t i, struct dn_event *ev)
{
    if (!a || i >= a->n_events)
        return dni_fail(ctx, DN_ERR_RANGE, "text event %zu out of range (%zu events)", i, a ? a->n_events : 0);
    const struct dn_text_event *e = &a->events[i];
    const char *source = a->url ? a->url : a->name;
    char ref[96], uid[64], rowhash[24], date[16], flags[160];
    if (a->line > 0) snprintf(ref, sizeof ref, "line %ld text bytes %lld-%lld", a->line, e->span_start, e->span_end);
    else snprintf(ref, sizeof ref, "bytes %lld-%lld", e->span_start, e->span_end);
    /* uid: the article, then, in it, the n-th incident of its type at its
     * place as written: the same event however often the article is
     * ingested, however its path is written (a file is known by its name
     * and its directory as realpath resolves it), and when an edit of the
     * article moves the sentence or changes its toll */
    char prefix[48];
    dn_status ps = dn_text_article_uid_prefix(ctx, a, prefix, sizeof prefix);
    if (ps != DN_OK) return ps;
    const char *where = written_place(a, e);
    uint32_t nth = 0;
    for (size_t j = 0; j < i; j++)
        nth += strcmp(a->events[j].type, e->type) == 0 && strcasecmp(written_place(a, &a->events[j]), where) == 0;
    uint64_t h = dn_hash_bytes(DN_HASH_INIT, e->type, strlen(e->type) + 1);
    for (const char *c = where; *c; c++) {
        char lower = (char)tolower((unsigned char)*c);
        h = dn_hash_bytes(h, &lower, 1);
    }
    h = dn_hash_bytes(h, &nth, sizeof nth);
    snprintf(uid, sizeof uid, "%s%016llx", prefix, (unsigned long long)h);
    dn_text_date_format(&e->date, date, sizeof date);
    dn_text_flags_format(e->flags, flags, sizeof flags);

    struct dn_strbuf notes = {0};
    if (e->venue) dn_strbuf_printf(&notes, "venue: %s; ", e->venue);
    static const char *const basis[] = {"explicit", "relative", "assumed"};
    dn_strbuf_printf(&notes, "date: %s (article date %s from %s)", basis[e->date_basis],
                     a->date.precision ? dn_text_date_format(&a->date, (char[16]){0}, 16) : "unknown",
                     dn_text_date_source_name(a->date_source));
    if (e->sentences > 1) dn_strbuf_printf(&notes, "; %d sentences", e->sentences);
    const struct dn_text_mention *pm = e->place >= 0 ? &a->mentions[e->place] : NULL;

    /* the row's hash: its sentence and everything read from it, so that a
     * reading that changed (another --date, a better extractor) updates the
     * event instead of calling it already stored */
    uint64_t rh = a->map && e->clean_end <= a->text_len
                      ? dn_hash_bytes(DN_HASH_INIT, a->text + e->clean_start, e->clean_end - e->clean_start)
                      : dn_hash_bytes(DN_HASH_INIT, e->excerpt, strlen(e->excerpt));
    const char *read_as[] = {date, e->type, e->actor1, e->actor2, written_place(a, e), pm ? pm->country : "",
                             flags, notes.data ? notes.data : ""};
    for (size_t k = 0; k < DN_ARRAY_LEN(read_as); k++)
        rh = dn_hash_bytes(rh, read_as[k] ? read_as[k] : "", read_as[k] ? strlen(read_as[k]) + 1 : 1);
    const int numbers[] = {e->date.precision, e->killed.best, e->killed.low,   e->killed.high,
                           e->injured.best,   e->injured.low, e->injured.high, (int)(e->confidence * 1000)};
    rh = dn_hash_bytes(rh, numbers, sizeof numbers);
    snprintf(rowhash, sizeof rowhash, "%016llx", (unsigned long long)rh);

    bool ok = !notes.failed && set(&ev->uid, uid) && set(&ev->source_kind, "text") && set(&ev->source, source) &&
              set(&ev->source_ref, ref) && set(&ev->row_hash, rowhash) && set(&ev->date, date) &&
              set(&ev->type, e->type) && set(&ev->sub_type, e->violent ? "violent" : "development") &&
              set(&ev->actor1, e->actor1) && set(&ev->actor2, e->actor2) &&
              set(&ev->place, pm ? pm->surface : NULL) && set(&ev->country_hint, pm ? pm->country : NULL) &&
              set(&ev->excerpt, e->excerpt) && set(&ev->notes, notes.data) && set(&ev->flags, flags);
    dn_strbuf_free(&notes);
    if (!ok) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory converting a text event");
    ev->date_precision = e->date.precision;
    ev->fatalities = e->killed.best;
    ev->fatalities_low = e->killed.low;
    ev->fatalities_high = e->killed.high;
    ev->injured = e->injured.best;
    ev->span_start = e->span_start;
    ev->span_end = e->span_end;
    ev->confidence = e->confidence;
    ev->place_id = pm ? pm->place_id : 0;
    return DN_OK;
}
