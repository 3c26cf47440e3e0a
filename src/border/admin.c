/** @file admin.c
 * Admin assignment: country (the border check's side), then the province
 * and district among that country's own polygons, with the nearest one as
 * the fallback where the admin layers and the country border disagree.
 */
#include <math.h>
#include <string.h>

#include "border/border_internal.h"

const char *dn_admin_method_name(enum dn_admin_method m)
{
    switch (m) {
    case DN_ADMIN_WITHIN: return "within";
    case DN_ADMIN_NEAREST: return "nearest";
    default: return NULL;
    }
}

static dn_status assign(dn_ctx *ctx, const struct dni_polyset *set, const struct dni_label_grid *g, double lon,
                        double lat, long *idx, enum dn_admin_method *method)
{
    *idx = -1;
    *method = DN_ADMIN_NONE;
    if (!set->n) return DN_OK;
    uint32_t hits[2];
    int n = dni_label_grid_locate(ctx, g, set, lon, lat, hits, 2);
    if (n < 0) return dn_ctx_status(ctx);
    if (n > 0) {
        *idx = (long)hits[0];
        *method = DN_ADMIN_WITHIN;
        return DN_OK;
    }
    *idx = dni_polyset_nearest(ctx, set, lon, lat);
    if (*idx < 0) return dn_ctx_status(ctx);
    *method = DN_ADMIN_NEAREST;
    return DN_OK;
}

dn_status dn_admin_locate(dn_ctx *ctx, double lon, double lat, struct dn_admin_result *out)
{
    memset(out, 0, sizeof *out);
    dn_status s = dni_check_range(ctx, lat, lon);
    if (s != DN_OK) return s;
    struct dni_border *b = NULL;
    if ((s = dni_border_get_admin(ctx, &b)) != DN_OK) return s;
    if ((s = dni_border_side(ctx, b, lon, lat, NULL, out->country)) != DN_OK) return s;
    for (size_t i = 0; i < b->countries.n; i++)
        if (strcmp(b->countries.code[i], out->country) == 0) out->country_name = b->countries.name[i];
    for (size_t i = 0; out->country[0] && i < b->nadmin; i++) {
        const struct dni_admin_country *a = &b->admin[i];
        if (strcmp(a->iso, out->country) != 0) continue;
        long k;
        if ((s = assign(ctx, &a->provinces, &a->province_grid, lon, lat, &k, &out->province_method)) != DN_OK)
            return s;
        if (k >= 0) {
            out->province = a->provinces.name[k];
            out->province_code = a->provinces.code[k];
        }
        if ((s = assign(ctx, &a->districts, &a->district_grid, lon, lat, &k, &out->district_method)) != DN_OK)
            return s;
        if (k >= 0) out->district = a->districts.name[k];
        break;
    }
    uint32_t h;
    int n = dni_label_grid_locate(ctx, &b->historical_grid, &b->historical, lon, lat, &h, 1);
    if (n < 0) return dn_ctx_status(ctx);
    if (n == 1 && strcmp(b->historical.country[h] ? b->historical.country[h] : "", out->country) == 0) {
        out->historical = b->historical.name[h];
        out->historical_code = b->historical.code[h];
    }
    return DN_OK;
}

dn_status dn_admin_locate_event(dn_ctx *ctx, struct dn_event *ev)
{
    if (!ev->has_coords) return DN_OK;
    struct dn_admin_result r;
    dn_status s = dn_admin_locate(ctx, ev->lon, ev->lat, &r);
    if (s != DN_OK) return s;
    if (!dn_event_set(&ev->country, r.country[0] ? r.country : NULL) || !dn_event_set(&ev->province, r.province) ||
        !dn_event_set(&ev->province_code, r.province_code) || !dn_event_set(&ev->district, r.district))
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}
