/** @file event.c
 * dn_event lifecycle and the names of its enumerations.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "core/event.h"

void dn_event_init(struct dn_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->fatalities = ev->fatalities_low = ev->fatalities_high = ev->injured = DN_COUNT_UNKNOWN;
    ev->lon = ev->lat = NAN;
    ev->radius_km = ev->border_km = ev->crossing_km = NAN;
    ev->span_start = ev->span_end = -1;
    ev->confidence = NAN;
}

void dn_event_clear(struct dn_event *ev)
{
    char **strings[] = {&ev->uid,     &ev->source_kind,  &ev->source,        &ev->source_ref,
                        &ev->source_id, &ev->row_hash,   &ev->date,          &ev->type,
                        &ev->sub_type, &ev->actor1,      &ev->actor2,        &ev->place,
                        &ev->country_hint, &ev->province_hint, &ev->district_hint, &ev->excerpt,
                        &ev->notes,   &ev->flags,        &ev->country,       &ev->province,
                        &ev->province_code, &ev->district, &ev->band,        &ev->crossing};
    for (size_t i = 0; i < DN_ARRAY_LEN(strings); i++) dn_free(*strings[i]);
    dn_event_init(ev);
}

bool dn_event_set(char **member, const char *value)
{
    char *copy = NULL;
    if (value && !(copy = dn_strdup(value))) return false;
    dn_free(*member);
    *member = copy;
    return true;
}

bool dn_event_add_flag(struct dn_event *ev, const char *flag)
{
    if (ev->flags) {
        size_t n = strlen(flag);
        for (const char *p = ev->flags; (p = strstr(p, flag)); p += n)
            if ((p == ev->flags || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')) return true;
    }
    struct dn_strbuf b = {0};
    if (ev->flags) {
        dn_strbuf_puts(&b, ev->flags);
        dn_strbuf_putc(&b, ',');
    }
    dn_strbuf_puts(&b, flag);
    if (b.failed) {
        dn_strbuf_free(&b);
        return false;
    }
    dn_free(ev->flags);
    ev->flags = b.data;
    return true;
}

static const char *const precision_names[] = {NULL, "point", "town", "district", "province", "country"};
static const char *const date_precision_names[] = {NULL, "day", "month", "year"};

const char *dn_precision_name(enum dn_precision p)
{
    return (unsigned)p < DN_ARRAY_LEN(precision_names) ? precision_names[p] : NULL;
}

enum dn_precision dn_precision_parse(const char *name)
{
    for (size_t i = 1; name && i < DN_ARRAY_LEN(precision_names); i++)
        if (strcmp(name, precision_names[i]) == 0) return (enum dn_precision)i;
    return DN_PREC_UNKNOWN;
}

const char *dn_date_precision_name(enum dn_date_precision p)
{
    return (unsigned)p < DN_ARRAY_LEN(date_precision_names) ? date_precision_names[p] : NULL;
}

enum dn_date_precision dn_date_precision_parse(const char *name)
{
    for (size_t i = 1; name && i < DN_ARRAY_LEN(date_precision_names); i++)
        if (strcmp(name, date_precision_names[i]) == 0) return (enum dn_date_precision)i;
    return DN_DATE_UNKNOWN;
}
