/** @file gz_internal.h
 * Internals of the gazetteer module shared between its files: the
 * in-memory index (places, admin areas, the key hash table and its
 * postings), key variants, the fuzzy token index, hint filters and
 * candidate scoring. Nothing here is used outside src/gazetteer/.
 *
 * Ownership: the index owns every string and array reachable from it; all
 * `const char *` members point into its arena, which never moves, so they
 * stay valid until the index is freed (dn_ctx_free, or a geodata reload).
 */
#ifndef DN_GZ_INTERNAL_H
#define DN_GZ_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#include "core/core.h"
#include "gazetteer/gazetteer.h"

/* ---- place classes: what a feature code says about prominence ---------- */

enum gz_class {
    GZ_C_OTHER = 0,
    GZ_C_ADM0,      /* a country */
    GZ_C_ADM1,      /* province */
    GZ_C_ADM2,      /* district */
    GZ_C_HIST,      /* historical region (FATA, NWFP...) */
    GZ_C_CAPITAL,   /* PPLC */
    GZ_C_SEAT1,     /* PPLA: seat of a province */
    GZ_C_SEAT2,     /* PPLA2: seat of a district */
    GZ_C_SEAT3,     /* PPLA3/PPLA4 */
    GZ_C_TOWN,      /* a curated locality (no GeoNames code, current) or a populated one */
    GZ_C_VILLAGE,   /* PPL */
    GZ_C_MINOR,     /* PPLL, PPLF, PPLW, PPLS, PPLR... */
    GZ_C_QUARTER,   /* a neighbourhood / section of a town */
    GZ_C_ABANDONED, /* PPLQ, PPLH */
    GZ_C_CROSSING,
    GZ_C_LEARNED,
    GZ_C_COUNT
};

static inline bool gz_class_is_admin(int c) { return c >= GZ_C_ADM0 && c <= GZ_C_HIST; }

/* ---- the index ------------------------------------------------------------ */

struct gz_place {
    long long id;
    const char *name, *kind;
    const char *province, *district; /* display names, NULL if unknown */
    char country[4];                 /* ISO3 or "" */
    double lon, lat;
    long long population;            /* -1 unknown */
    int32_t area;          /* admin area this place stands for (ADM*, HIST), -1 none */
    int32_t district_area; /* ADM2 area it lies in (from its district name), -1 unknown */
    int32_t province_area; /* ADM1 area it lies in, -1 unknown */
    uint8_t cls;           /* enum gz_class */
    bool crossing;         /* the settlement standing for a border crossing (the crossings layer) */
    float prominence;      /* 0..1 */
    float border_deg;      /* planar distance to the Durand Line in degrees; NaN until first needed */
};

struct gz_area {
    long long id;
    int level;
    bool historical;
    char country[4];
    const char *name, *code, *parent_name;
    double area_km2; /* NaN when unknown */
    int32_t place;   /* a place linked to this area (its label point), -1 none */
    int32_t parent;  /* ADM1 area of an ADM2, -1 unknown */
};

/* A posting: one place reachable under one key (a name or a variant of it). */
struct gz_post {
    uint32_t place;
    uint32_t next;   /* index of the next posting of the same key + 1, 0 = end */
    uint8_t quality; /* 0..100: how good a match the key is for this place */
    uint8_t rank;    /* place_names.rank of the name it came from */
};

enum {
    GZ_SLOT_KEY = 1,     /* has postings */
    GZ_SLOT_PREFIX = 2,  /* a longer key starts with it and a space */
    GZ_SLOT_WORDS = 4    /* a key some name is written as, not only a run-together variant or a Latin
                          * spelling by sound: its words feed the fuzzy index, and the mention finder
                          * looks for it in text */
};

struct gz_slot {
    const char *key;     /* NULL = empty slot */
    uint32_t hash;
    uint32_t head;       /* first posting + 1, 0 = none (a prefix-only slot) */
    uint32_t last_place; /* place of the first posting (names of a place arrive together) */
    uint16_t len;
    uint8_t flags;       /* GZ_SLOT_* */
    uint8_t ntokens;
};

struct gz_arena {
    char **chunks;
    size_t *fill; /* bytes used in each chunk */
    size_t nchunks, capchunks;
};

struct gz_fuzzy;
struct gz_stoplist;

/* Districts inside a historical region, found once per run. */
struct gz_region {
    int32_t region;
    int32_t *members;
    size_t n;
};

struct gz_idslot {
    long long id;
    uint32_t idx;
};

struct gz_index {
    sqlite3 *db;        /* the store it was built from */
    char db_path[1024]; /* ...and its path */
    struct gz_place *places;
    size_t nplaces, capplaces;
    struct gz_area *areas;
    size_t nareas;
    struct gz_slot *slots;
    size_t slotmask, nslots_used;
    struct gz_post *posts;
    size_t nposts, capposts;
    struct gz_idslot *ids;       /* place id → index, open addressing (idx UINT32_MAX = empty) */
    size_t idmask, nids;
    struct gz_arena arena;
    size_t maxtokens;            /* most words in any key: bounds the mention n-grams */
    bool prefixes;               /* prefix slots are built (on the first mention search) */
    size_t nnames;               /* place_names rows read */
    size_t nskipped;             /* implausible aliases of admin areas left out */
    struct gz_fuzzy *fuzzy;      /* built on the first fuzzy lookup */
    struct gz_stoplist *stop;    /* loaded on the first mention search */
    struct gz_region *regions;   /* historical regions used as hints so far */
    /* the Durand Line, for a weak prior among namesakes (this tool's
     * reports are about the border): owned, prepared once */
    GEOSContextHandle_t geos;
    GEOSGeometry *border;
    const GEOSPreparedGeometry *border_prep;
    size_t nregions;
    double load_ms, load_cpu_ms, fuzzy_ms;
    struct dn_strbuf scratch;    /* key buffer reused by lookups */
    /* candidate collection, reused by every lookup: mark[place] is the
     * candidate's index + 1 when stamp[place] == gen */
    struct gz_cands *cands;
    uint32_t *mark, *stamp;
    size_t nmark;
    uint32_t gen;
    /* bumped by everything that adds a name or a place after the build
     * (learned names): the memo of lookups keys its entries by it */
    uint64_t version;
    struct gz_memo *memo;        /* memo.c; NULL until the first lookup stored */
    struct dn_strbuf memo_key;   /* key buffer of the memo */
    bool memo_off;               /* DURAND_NO_LOOKUP_CACHE */
    /* the image (image.c): whether the index was read from one, and the
     * epoch of the tables an index built from them reflects (-1: not to
     * be saved) */
    bool from_image;
    long long image_epoch;
};

/** The gazetteer index of the context's open store, built on first use
 * (and rebuilt when the store changed). Owned by the context slot. */
dn_status dni_gz_index(dn_ctx *ctx, struct gz_index **out);
/** dni_gz_index in two steps, so that the first may run on another thread
 * and connection (gazetteer/preload.c). Build: the index of the store ctx
 * is connected to, without the Durand Line (GEOS objects of ctx's handle)
 * and installed nowhere; *out is the caller's. */
dn_status dni_gz_index_build(dn_ctx *ctx, struct gz_index **out);
/** Install: give a built index the Durand Line and make it ctx's (the
 * context slot owns it then; on failure it is freed). */
dn_status dni_gz_index_install(dn_ctx *ctx, struct gz_index *ix);
/** Free a built index that was not installed (NULL: nothing). */
void dni_gz_index_free(struct gz_index *ix);
/** Free an index's tables (areas, places, keys, postings and strings) and
 * leave it as dn_calloc did (but for memo_off): a half-filled index before
 * it is filled again, and the last step of freeing one. */
void dni_gz_index_clear(struct gz_index *ix);
/** Allocate the tables of an empty index for this many places, postings
 * and keys. DN_ERR_NOMEM (what was allocated is the index's to free). */
dn_status dni_gz_index_size(struct gz_index *ix, size_t places, size_t posts, size_t keys);
/** The slot of `key` (len bytes that stay where they are: the arena's),
 * created when missing (*created). NULL when out of memory. */
struct gz_slot *dni_gz_slot_adopt(struct gz_index *ix, const char *key, size_t len, bool *created);

/* ---- the index's image in the store (image.c) ------------------------------- */

/** This build's id: the hash of its sources. */
const char *dni_gz_image_build_id(void);
/** The image of an index as built (before prefixes or learned names):
 * *out (len bytes) is the caller's to dn_free. */
dn_status dni_gz_image_encode(dn_ctx *ctx, const struct gz_index *ix, unsigned char **out, size_t *len);
/** Fill an empty index (dn_calloc'ed) from an image. Any inconsistency is
 * DN_ERR_INPUT, told in ctx; what was filled is then ix's to free. */
dn_status dni_gz_image_decode(dn_ctx *ctx, const unsigned char *data, size_t len, struct gz_index *ix);
/** Read the store's image into an empty index when it is this build's and
 * current (*loaded), and the tables' epoch (-1 on a store without the
 * table). DN_ERR_INPUT for a damaged image, DN_ERR_DB when SQLite fails. */
dn_status dni_gz_image_fetch(dn_ctx *ctx, struct gz_index *ix, bool *loaded, long long *epoch);
/** Write ix's image into the store under `epoch` (the epoch its tables
 * were read at), on a connection of its own. Best effort: nothing is
 * written when the store is busy, read-only or changed since. */
void dni_gz_image_save(dn_ctx *ctx, const struct gz_index *ix, long long epoch);
/** Whether ctx holds an index of the store it is connected to. */
bool dni_gz_index_ready(dn_ctx *ctx);

/** Copy `len` bytes into the arena (NUL-terminated); NULL on failure. */
const char *dni_gz_strdup(struct gz_arena *a, const char *s, size_t len);
/** The first chunk of an empty arena, `len` bytes for the caller to fill
 * (an image's strings; strings added later go behind them); NULL on
 * failure or when the arena is not empty. */
char *dni_gz_arena_block(struct gz_arena *a, size_t len);
void dni_gz_arena_free(struct gz_arena *a);

uint32_t dni_gz_hash(const void *data, size_t len);
/** Mark every run of leading words of every key as a prefix (for the
 * mention finder); done once, on first use. */
dn_status dni_gz_prefixes(dn_ctx *ctx, struct gz_index *ix);
/** The slot of `key`, or NULL. */
const struct gz_slot *dni_gz_find(const struct gz_index *ix, const char *key, size_t len, uint32_t hash);
/** Add a posting under `key` (creating the slot and its prefix slots);
 * keeps the better quality when the place is already the key's last
 * posting. */
dn_status dni_gz_add(struct gz_index *ix, const char *key, size_t len, uint32_t place, int quality, int rank,
                     int family);
/** Index one name (its key and the key's variants) for a place;
 * `var` is scratch space. */
struct gz_variants;
dn_status dni_gz_index_name(struct gz_index *ix, uint32_t place, const char *key, size_t len, int rank,
                            struct gz_variants *var);
/** Index of a place id, -1 if unknown. */
long dni_gz_place_index(const struct gz_index *ix, long long id);
/** Index of an admin area id, -1 if unknown. */
long dni_gz_area_index(const struct gz_index *ix, long long id);
/** Append a place (learned places); returns its index or -1 on failure. */
long dni_gz_append_place(struct gz_index *ix, const struct gz_place *p);

/** Class and prominence of a place from its kind, placetype, currency and population. */
void dni_gz_classify(struct gz_place *p, const char *placetype, int is_current);

/** How near the Durand Line a place is, 0..1 (1 on the line, 0 from about
 * 200 km); 0 when the store has no border. Computed with GEOS on first
 * use and cached on the place. */
double dni_gz_border_nearness(struct gz_index *ix, struct gz_place *p);


/* ---- key variants ------------------------------------------------------------ */

enum gz_family { GZ_V_FULL, GZ_V_CORE, GZ_V_INITIALS, GZ_V_COMPACT, GZ_V_SORTED, GZ_V_SOUND, GZ_V_LATIN_SOUND };

/* The quality of a Latin key spelt by sound (dni_gz_latin_fold): low
 * enough that a place spelt exactly as asked outscores its equally
 * prominent namesakes that only sound alike by more than the margin that
 * makes a result ambiguous (0.55 × 0.12 > 0.06, resolve.c). At the 93 of
 * the Arabic-script fold, 5,118 of the shipped gazetteer's 258,147 names
 * that resolved turned ambiguous; at 88, 269. */
#define GZ_LATIN_SOUND_QUALITY 88

/* What generic words in a name say about the kind of place meant. */
enum { GZ_KIND_DISTRICT = 1, GZ_KIND_PROVINCE = 2, GZ_KIND_TOWN = 4 };

#define GZ_VARIANT_MAX 8
#define GZ_KEY_MAX 384 /* longer keys get no variants */

struct gz_variants {
    size_t n;
    struct {
        const char *s;
        size_t len;
        uint8_t quality;
        uint8_t family;
    } v[GZ_VARIANT_MAX];
    unsigned kind_hint;   /* GZ_KIND_* from generic words */
    size_t ntokens_core;  /* words left after dropping generic ones */
    char buf[GZ_VARIANT_MAX * (GZ_KEY_MAX + 1)];
};

enum {
    GZ_VAR_INITIALS = 1, /* index side, prominent places: "dera ismail khan" → "di khan" */
    GZ_VAR_QUERY = 2     /* query side: also the words run together ("miram shah" → "miramshah") */
};

/** The variants of a key under which a name is indexed or a query looked
 * up: the key itself and its core (generic words and ezafe particles
 * dropped); the core spelt by sound (dni_gz_sound_fold for Arabic script,
 * dni_gz_latin_fold for Latin);
 * with GZ_VAR_INITIALS abbreviations of its leading words; with
 * GZ_VAR_QUERY its words run together. Variants are distinct. */
void dni_gz_variants(const char *key, size_t len, unsigned flags, struct gz_variants *out);

/** An Arabic-script key spelt by sound: the letters Pashto, Urdu and Dari
 * pronounce alike made one (ط→ت; ث ص→س; ذ ض ظ→ز; ح→ه; ٹ→ت, ڈ→د, ڑ→ر, ں→ن;
 * Pashto ځ→ز, څ→س, ښ→ش) and a word's final ه after a consonant written ا
 * ("وانه" → "وانا", as Urdu spells it; "شاه" keeps its h). Writes `len`
 * bytes to `out` (not `key`) and returns `len`, or 0 (and `out` is not to
 * be used) when the key has nothing to fold. One pass is final: folding
 * the result again changes nothing. */
size_t dni_gz_sound_fold(const char *key, size_t len, char *out);

/** A Latin key spelt by sound: the romanisations of one sound made one
 * (q→k, v→w; ee→i, oo and ou→u, y as a vowel→i; ow and au→o before a
 * consonant; a letter written twice once, but for h; a final -ah/-eh after
 * a consonant→a in a word of more than one syllable). Words with other
 * characters than a-z are copied. Writes at most `len` bytes to `out`
 * (not `key`) and returns how many, or 0 (and `out` is not to be used)
 * when the key has nothing to fold. Folding the result again changes
 * nothing. */
size_t dni_gz_latin_fold(const char *key, size_t len, char *out);

/** Spellings to try when a query's variants name nothing (before fuzzy
 * matching): its words in other orders ("waziristan north"), and a single
 * word split in two ("miramshah" → "miram shah"). */
#define GZ_EXPANSION_MAX 48
struct gz_expansions {
    size_t n;
    struct {
        const char *s;
        size_t len;
        uint8_t quality;
    } v[GZ_EXPANSION_MAX];
    char buf[GZ_EXPANSION_MAX * 64];
};
void dni_gz_expansions(const char *core, size_t len, struct gz_expansions *out);

/** A key with a leading or trailing landscape word ("khyber pass",
 * "kurram valley"): the length of the rest (0 when there is none) and
 * where it starts. */
size_t dni_gz_feature_strip(const char *key, size_t len, const char **rest);

/** A key ending in words that ask for a border crossing ("torkham border",
 * "ghulam khan crossing point", Urdu "بارڈر"): the length of the words
 * before them, 0 when there are none. */
size_t dni_gz_crossing_strip(const char *key, size_t len);

/** Whether a folded word is a generic word ("district", "agency", ضلع...),
 * and which kind it hints at (0 for none). */
bool dni_gz_generic_word(const char *w, size_t len, unsigned *kind);

/* ---- fuzzy ----------------------------------------------------------------- */

/** One fuzzy key candidate: a key of the index close to the query. */
struct gz_fuzzy_hit {
    char key[GZ_KEY_MAX + 1];
    double similarity; /* 0..1 */
};

/** Keys of the index within a small edit distance of `key`, word by word
 * (a deletion index over the words of all keys; built on first use).
 * `max_dist_scale` widens the distance for suggestions. Fills up to `cap`
 * hits sorted best first; *n receives the count. */
dn_status dni_gz_fuzzy(dn_ctx *ctx, struct gz_index *ix, const char *key, size_t len, bool wide,
                       struct gz_fuzzy_hit *hits, size_t cap, size_t *n);
/** Add the words of a new key to a built fuzzy index (learned names). */
dn_status dni_gz_fuzzy_add_key(struct gz_index *ix, const char *key, size_t len);
void dni_gz_fuzzy_free(struct gz_fuzzy *f);
size_t dni_gz_fuzzy_words(const struct gz_fuzzy *f); /**< 0 for NULL */
/** Check a fuzzy index against its words: *missing counts (word, deletion)
 * pairs no list holds and words the word set does not find, *extra links no
 * word's deletion asks for, second copies and broken chains. Both 0 for a
 * sound index (and for NULL). DN_ERR_NOMEM when its scratch fails. */
dn_status dni_gz_fuzzy_check(const struct gz_fuzzy *f, size_t *missing, size_t *extra);

/* ---- hints -------------------------------------------------------------------- */

#define GZ_HINT_AREAS 16

/** A hint resolved to admin areas: a place matches when it lies in (or is)
 * one of them. */
struct gz_filter {
    bool given;    /* a hint was given */
    bool resolved; /* ...and named known areas */
    size_t n;
    int32_t areas[GZ_HINT_AREAS];
};

struct gz_hints {
    char country[4]; /* resolved ISO3, "" none */
    bool country_given;
    struct gz_filter province, district;
    /* places named in the same report */
    const long long *context;
    size_t ncontext;
    bool has_near;
    double near_lon, near_lat;
    bool best_only; /* dn_geocode_opts.best_only */
};

/** Resolve the textual hints of `opts` against the index. Unknown hints are
 * kept as given-but-unresolved (they then match nothing). */
dn_status dni_gz_resolve_hints(dn_ctx *ctx, struct gz_index *ix, const struct dn_geocode_opts *opts,
                               struct gz_hints *out);
/** Set the hints that belong to one lookup, not to the name (the memo keeps
 * the rest): the report's other places and the point with its mode. */
void dni_gz_hints_per_lookup(struct gz_hints *h, const struct dn_geocode_opts *opts);
/** Country code (ISO3) for a country name or code ("AF", "Pakistan",
 * "افغانستان"); NULL when unknown. */
const char *dni_gz_country_code(struct gz_index *ix, const char *text);

/** How well a place agrees with a filter: 1 inside, 0 not known, -1 outside. */
int dni_gz_filter_match(const struct gz_index *ix, const struct gz_filter *f, const struct gz_place *p);

/* ---- candidates and scoring ------------------------------------------------------ */

struct gz_cand {
    double base;         /* while scoring for the best only: the score without the nearness bonus... */
    float score_hi;      /* ...and the score's upper bound (resolve.c, exact_near_where_it_counts) */
    float score;
    uint32_t place;
    uint8_t quality;     /* best key-match quality (0..100) */
    uint8_t match;       /* enum dn_match */
};

struct gz_cands {
    struct gz_cand *v;
    size_t n, cap;
};

/** Add every posting of `key` (all of its slot's places) with the given
 * query-side quality cap and match kind. */
dn_status dni_gz_collect(struct gz_index *ix, const char *key, size_t len, int quality, int match,
                         struct gz_cands *c);
/** Score candidates against the hints and the kind the query asked for. */
void dni_gz_score(struct gz_index *ix, struct gz_cands *c, const struct gz_hints *h, unsigned kind_hint);
/** The best place for an already-normalised key (exact and variant
 * matches only): index -1 when none. */
struct gz_pick {
    long place;
    enum dn_geocode_status status;
    enum dn_match match;
    double confidence;
    unsigned ncandidates;
};
dn_status dni_gz_resolve_key(dn_ctx *ctx, struct gz_index *ix, const char *key, size_t len, const struct gz_hints *h,
                             struct gz_pick *out);
/* ---- memo of name lookups (memo.c) -------------------------------------------- */

struct gz_memo;
/** A stored lookup of `name` with the admin hints of `opts`: fills ix->cands
 * (in the order the collection gave), *hints (without the near point and
 * context: the caller sets those) and *kind_hint. False when not stored. */
bool dni_gz_memo_get(struct gz_index *ix, const char *name, size_t len, const struct dn_geocode_opts *opts,
                     struct gz_hints *hints, unsigned *kind_hint);
/** Remember ix->cands (before scoring) and the hints for this lookup. Best
 * effort: out of memory, nothing is stored. */
void dni_gz_memo_put(struct gz_index *ix, const char *name, size_t len, const struct dn_geocode_opts *opts,
                     const struct gz_hints *hints, unsigned kind_hint);
void dni_gz_memo_free(struct gz_memo *m);

/** Fill a public place from an index place. */
void dni_gz_fill_place(const struct gz_index *ix, uint32_t idx, struct dn_place *out);
/** Precision and uncertainty radius of a place. */
void dni_gz_precision(const struct gz_index *ix, const struct gz_place *p, enum dn_precision *prec, double *radius_km);

/** The names that a mention must not be taken for (stop list), loaded from
 * geodata/lexicons/mention_stoplist.txt on first use. */
dn_status dni_gz_stoplist(dn_ctx *ctx, struct gz_index *ix, const struct gz_stoplist **out);
bool dni_gz_stopped(const struct gz_stoplist *s, const char *key, size_t len);
void dni_gz_stoplist_free(struct gz_stoplist *s);

#endif
