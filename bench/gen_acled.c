/** @file gen_acled.c
 * Writes synthetic rows in ACLED's 2023+ 31-column layout for the CSV
 * benchmark: deterministic (fixed-seed xorshift), border-area places, notes
 * of realistic length with commas and quotes so about a third of the rows
 * need RFC 4180 quoting.
 *   gen_acled ROWS OUT.csv [SPOTS [--no-ids]]
 * Points are spread over a 0.2° square at each of seven places; with SPOTS
 * (> 0) each place has only that many distinct points, as in real exports,
 * where every event of a town carries the town's coordinates. --no-ids
 * leaves event_id_cnty empty, as in a table without an id column: durand
 * then makes each uid of the row's hash.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static unsigned pick(unsigned n) { return (unsigned)(next() % n); }

int main(int argc, char **argv)
{
    bool ids = !(argc == 5 && strcmp(argv[4], "--no-ids") == 0);
    if (argc < 3 || argc > 5 || (argc == 5 && ids)) {
        fprintf(stderr, "usage: gen_acled ROWS OUT.csv [SPOTS [--no-ids]]\n");
        return 2;
    }
    long rows = strtol(argv[1], NULL, 10);
    unsigned spots = argc >= 4 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;
    FILE *out = fopen(argv[2], "wb");
    if (!out || rows < 0) {
        perror(argv[2]);
        return 1;
    }
    static const struct {
        const char *country, *iso, *admin1, *admin2, *location;
        double lat, lon;
    } places[] = {
        {"Pakistan", "586", "Khyber Pakhtunkhwa", "Bajaur", "Khar", 34.733, 71.526},
        {"Pakistan", "586", "Khyber Pakhtunkhwa", "North Waziristan", "Miran Shah", 33.0003, 70.0708},
        {"Pakistan", "586", "Khyber Pakhtunkhwa", "Kurram", "Parachinar", 33.8992, 70.1008},
        {"Pakistan", "586", "Balochistan", "Qilla Abdullah", "Chaman", 30.921, 66.4597},
        {"Afghanistan", "4", "Khost", "Tani", "Tani", 33.287, 69.8386},
        {"Afghanistan", "4", "Nangarhar", "Dur Baba", "Dur Baba", 34.0151, 70.613},
        {"Afghanistan", "4", "Kunar", "Dangam", "Dangam", 34.9917, 71.4167},
    };
    static const char *const types[][2] = {{"Battles", "Armed clash"},
                                            {"Explosions/Remote violence", "Shelling/artillery/missile attack"},
                                            {"Violence against civilians", "Attack"},
                                            {"Explosions/Remote violence", "Remote explosive/landmine/IED"}};
    fputs("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
          "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
          "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
          "tags,timestamp\n",
          out);
    for (long i = 0; i < rows; i++) {
        unsigned p = pick(sizeof places / sizeof places[0]), t = pick(4);
        int year = 2018 + (int)pick(6), month = 1 + (int)pick(12), day = 1 + (int)pick(28);
        double lat, lon;
        if (spots) {
            unsigned k = pick(spots); /* the k-th spot of the place, the same point every time */
            lat = places[p].lat + (double)((k * 7919u + p * 31u) % 2000u) / 10000.0;
            lon = places[p].lon - (double)((k * 104729u + p * 17u) % 2000u) / 10000.0;
        } else {
            lat = places[p].lat + (double)pick(2000) / 10000.0;
            lon = places[p].lon - (double)pick(2000) / 10000.0;
        }
        unsigned killed = pick(5) ? pick(6) : pick(40);
        if (ids) fprintf(out, "%s%ld", places[p].iso[0] == '5' ? "PAK" : "AFG", 100000 + i);
        fprintf(out, ",%04d-%02d-%02d,%d,%u,Political violence,%s,%s,%s,,%u,%s,,%u,%u,%s,%s,%s,%s,%s,%s,,%s,%.4f,%.4f,%u,"
                "%s,National,",
                year, month, day, year, 1 + pick(3),
                types[t][0], types[t][1], "Military Forces of Pakistan (2018-)", 1 + pick(8),
                pick(2) ? "Civilians (Pakistan)" : "Unidentified Armed Group (Afghanistan)", 1 + pick(8),
                10 + pick(80), t == 2 ? "Civilian targeting" : "", places[p].iso, "Southern Asia",
                places[p].country, places[p].admin1, places[p].admin2, places[p].location, lat, lon, 1 + pick(3),
                pick(2) ? "Dawn; The News" : "Pajhwok");
        if (pick(3) == 0)
            fprintf(out, "\"On %d/%d/%d, forces clashed near %s, %s; the \"\"zero line\"\" was crossed. "
                         "Reports say %u people were killed and several injured.\"",
                    day, month, year, places[p].location, places[p].admin2, killed);
        else
            fprintf(out, "On %04d-%02d-%02d an incident was reported near %s in %s district. %u fatalities "
                         "were reported by local sources.",
                    year, month, day, places[p].location, places[p].admin2, killed);
        fprintf(out, ",%u,,%ld\n", killed, 1600000000L + i);
    }
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
