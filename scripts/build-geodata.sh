#!/usr/bin/env bash
# Rebuild geodata/durand.gpkg from the shared geodata source folder.
#
#   scripts/build-geodata.sh [SOURCES_DIR]
#
# SOURCES_DIR defaults to $DN_GEODATA_SOURCES, else ../shared/geodata-sources
# relative to the repository root (CI clones the repo with shared/ as a sibling).
# Reads geodata/aliases.csv (hand-curated) and writes geodata/durand.gpkg.
# Same inputs give a byte-identical GeoPackage (fixed OGR_CURRENT_DATE, every
# table filled in a fixed order). Needs gdal-bin (ogr2ogr), sqlite3 and the
# SpatiaLite extension (libsqlite3-mod-spatialite); no network, no python.
# See geodata/SOURCES.md for what every layer is and how it is derived.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
umask 022

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
src=${1:-${DN_GEODATA_SOURCES:-$repo/../shared/geodata-sources}}
out_dir=$repo/geodata
out_gpkg=$out_dir/durand.gpkg
aliases_csv=$out_dir/aliases.csv
# Fixed timestamp written into gpkg_contents.last_change: the publication date
# of the newest input package (see geodata/SOURCES.md), not the build time.
export OGR_CURRENT_DATE=${DN_GEODATA_DATE:-2026-09-26T00:00:00.000Z}
export OGR_SQLITE_SYNCHRONOUS=OFF

t0=$(date +%s)
log() { printf '[build-geodata %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*" >&2; }
die() { printf 'build-geodata: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in ogr2ogr ogrinfo sqlite3 sha256sum diff; do
  command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps.sh)"
done
[[ -d $src ]] || die "source folder not found: $src (pass it as argument or set DN_GEODATA_SOURCES)"
src=$(cd -- "$src" && pwd)
[[ -f $aliases_csv ]] || die "missing $aliases_csv"

declare -A in=(
  [adm0]=osm-borders-maritime-10m/afg_pak_adm0_osm.geojson
  [nb]=osm-borders-maritime-10m/neighbours_adm0_osm_clip.geojson
  [line]=osm-borders-maritime-10m/durand_line_osm.geojson
  [cl1]=country-levels-osm-2020/afg_pak_adm1_osm2020.geojson
  [pk1]=osm-pak-districts-census2023/pak_adm1_osm2026.geojson
  [pk2]=osm-pak-districts-census2023/pak_adm2_osm_census2023.geojson
  [af2]=geoboundaries-gbopen-afg-adm2/afg_adm2_geoboundaries_gbopen.geojson
  [wof]=whosonfirst-geonames-gazetteer/wof_geonames_places_af_pk.tsv
  [gn]=geonames/geonames_cities500_af_pk.geojson
  [xg]=border-crossings-gazetteer-proxies/crossing_proxies_geonames.geojson
  [xu]=border-crossings-unlocode-osm/border_crossing_proxies.geojson
)
for k in "${!in[@]}"; do [[ -f $src/${in[$k]} ]] || die "missing input $src/${in[$k]}"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/durand-geodata.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
db=$work/work.sqlite

sql() { sqlite3 -bail -batch "$db" -cmd '.load mod_spatialite' "$@"; }
sqlite3 -batch :memory: -cmd '.load mod_spatialite' "SELECT spatialite_version();" >/dev/null 2>&1 \
  || die "cannot load the SpatiaLite extension (install libsqlite3-mod-spatialite)"
# assert DESCRIPTION EXPECTED QUERY: the query's output must equal EXPECTED.
assert() {
  local got; got=$(sql "$3")
  [[ $got == "$2" ]] || die "check failed: $1: expected [$2], got [$got]"
}

# Normalised comparison key for names (SQL statements filling column DEST of
# TABLE from expression SRC): lower-case ASCII, any "(...)" tail dropped,
# spaces/punctuation removed, doubled letters collapsed. With STEM=1 a trailing
# " District"/" Province"/" Division"/" Agency" is removed first. Only used to
# decide which variant names belong to which admin unit.
normsql() { # TABLE DEST SRC [STEM]
  local t=$1 d=$2 e=$3 c i=0 r
  r=$d
  if [[ ${4:-0} == 1 ]]; then
    echo "UPDATE $t SET $d = CASE WHEN lower($e) LIKE '% district' OR lower($e) LIKE '% province'
                                    OR lower($e) LIKE '% division' THEN substr($e, 1, length($e) - 9)
                               WHEN lower($e) LIKE '% agency' THEN substr($e, 1, length($e) - 7)
                               ELSE $e END;"
    e=$d
  fi
  echo "UPDATE $t SET $d = lower(CASE WHEN instr($e,'(') > 1 THEN substr($e, 1, instr($e,'(') - 1) ELSE $e END);"
  for c in ' ' '-' "''" '.' ',' '‘' '’' 'ʼ' 'ʻ' '&' '/' \
           aa bb dd ee ff gg hh kk ll mm nn pp rr ss tt zz; do
    if [[ ${#c} -eq 2 && $c != "''" ]]; then r="replace($r,'$c','${c:0:1}')"; else r="replace($r,'$c','')"; fi
    if (( ++i % 4 == 0 )); then echo "UPDATE $t SET $d = $r;"; r=$d; fi
  done
  [[ $r == "$d" ]] || echo "UPDATE $t SET $d = $r;"
}
# Latin-script test (ASCII, Latin-1/Extended-A/B, IPA modifiers, Latin Extended Additional, quotes).
latin_glob="'*[^ -~À-ɏʰ-˿Ḁ-ỿ‘’]*'"

log "sources: $src"
# Inputs are compared with the checksums recorded in geodata/SOURCES.md: a
# difference is not an error, but SOURCES.md then needs updating.
for k in "${!in[@]}"; do (cd "$src" && sha256sum "${in[$k]}"); done | sort -k2 > "$work/inputs.sha256"
if [[ -f $out_dir/SOURCES.md ]]; then
  grep -E '^[0-9a-f]{64}  ' "$out_dir/SOURCES.md" | sort -k2 > "$work/recorded.sha256" || true
  if ! cmp -s "$work/inputs.sha256" "$work/recorded.sha256"; then
    log "WARNING: input checksums differ from those in geodata/SOURCES.md:"
    diff "$work/recorded.sha256" "$work/inputs.sha256" >&2 || true
  fi
fi

# ---------------------------------------------------------------- 1. load
log "loading sources"
load() { # table file [extra ogr2ogr args]
  local t=$1 f=$2; shift 2
  ogr2ogr -f SQLite -update -append "$db" "$src/$f" -nln "$t" -lco GEOMETRY_NAME=geom \
    -lco SPATIAL_INDEX=NO -gt unlimited "$@"
}
ogr2ogr -f SQLite -dsco SPATIALITE=YES "$db" "$src/${in[adm0]}" -nln src_adm0 \
  -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NO
load src_nb   "${in[nb]}"
load src_line "${in[line]}"
load src_cl1  "${in[cl1]}"
load src_pk1  "${in[pk1]}"
load src_pk2  "${in[pk2]}"
load src_af2  "${in[af2]}"
load src_gn   "${in[gn]}"
load src_xg   "${in[xg]}"
load src_xu   "${in[xu]}"
load src_wof  "${in[wof]}" -a_srs EPSG:4326 -oo AUTODETECT_TYPE=NO -oo EMPTY_STRING_AS_NULL=YES \
  -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo KEEP_GEOM_COLUMNS=YES
sql >/dev/null <<'EOF'
CREATE TABLE src_alias(alias TEXT, target TEXT, target_kind TEXT, country TEXT, note TEXT);
EOF
sql -cmd ".import --csv --skip 1 '$aliases_csv' src_alias" "SELECT 1" >/dev/null
assert "aliases.csv header" "alias,target,target_kind,country,note" \
  "SELECT '$(head -n1 "$aliases_csv" | tr -d '\r')'"

assert "source row counts" "2|6|1|42|7|156|398|166053|772|11|4" \
  "SELECT (SELECT count(*) FROM src_adm0)||'|'||(SELECT count(*) FROM src_nb)||'|'||
          (SELECT count(*) FROM src_line)||'|'||(SELECT count(*) FROM src_cl1)||'|'||
          (SELECT count(*) FROM src_pk1)||'|'||(SELECT count(*) FROM src_pk2)||'|'||
          (SELECT count(*) FROM src_af2)||'|'||(SELECT count(*) FROM src_wof)||'|'||
          (SELECT count(*) FROM src_gn)||'|'||(SELECT count(*) FROM src_xg)||'|'||
          (SELECT count(*) FROM src_xu)"
assert "wof_id unique" "0" \
  "SELECT count(*) - count(DISTINCT wof_id) FROM src_wof"

# ------------------------------------------------- 2. countries, Durand Line
log "countries and Durand Line"
sql >/dev/null <<'EOF'
CREATE TABLE o_countries(fid INTEGER PRIMARY KEY, iso3 TEXT, iso2 TEXT, name TEXT, source TEXT);
SELECT AddGeometryColumn('o_countries','geom',4326,'MULTIPOLYGON','XY');
INSERT INTO o_countries(iso3, iso2, name, source, geom)
  SELECT iso_a3, iso_a2, name,
         'OpenStreetMap via npm @osm_borders/maritime_10m 1.1.0 (afg_pak_adm0_osm.geojson); ODbL',
         CastToMultiPolygon(geom)
  FROM src_adm0 ORDER BY iso_a3;
INSERT INTO o_countries(iso3, iso2, name, source, geom)
  SELECT iso_a3, iso_a2, name,
         'OpenStreetMap via npm @osm_borders/maritime_10m 1.1.0 (neighbours_adm0_osm_clip.geojson, clipped to lon 60-78 lat 23-38); ODbL',
         CastToMultiPolygon(geom)
  FROM src_nb ORDER BY iso_a3;

-- country polygons cut into small pieces, so point-in-polygon tests are cheap
CREATE TABLE cpiece(id INTEGER PRIMARY KEY, iso3 TEXT, rank INTEGER);
SELECT AddGeometryColumn('cpiece','geom',4326,'GEOMETRY','XY');
CREATE TEMP TABLE csub AS SELECT fid, iso3, ST_Subdivide(geom, 128) AS g FROM o_countries ORDER BY fid;
CREATE TEMP TABLE csub_n AS SELECT fid, ST_NumGeometries(g) AS n FROM csub;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < (SELECT max(n) FROM csub_n))
INSERT INTO cpiece(iso3, rank, geom)
  SELECT s.iso3, s.fid, ST_GeometryN(s.g, n.i) FROM csub s JOIN csub_n k ON k.fid = s.fid JOIN n ON n.i <= k.n
  ORDER BY s.fid, n.i;
SELECT CreateSpatialIndex('cpiece','geom');

CREATE TABLE o_durand_line(fid INTEGER PRIMARY KEY, name TEXT, left_iso TEXT, right_iso TEXT,
                           length_km REAL, source TEXT);
SELECT AddGeometryColumn('o_durand_line','geom',4326,'LINESTRING','XY');
INSERT INTO o_durand_line(name, left_iso, right_iso, length_km, source, geom)
  SELECT name, left_iso, right_iso, round(ST_Length(geom, 1) / 1000.0, 1),
         'OpenStreetMap via npm @osm_borders/maritime_10m 1.1.0 (durand_line_osm.geojson: Pakistan boundary within 0.0001 deg of Afghanistan, line-merged); length recomputed here on the WGS 84 ellipsoid; ODbL',
         geom
  FROM src_line;
EOF
assert "countries" "AFG,PAK,CHN,IND,IRN,TJK,TKM,UZB" \
  "SELECT group_concat(iso3) FROM (SELECT iso3 FROM o_countries ORDER BY fid)"
assert "country pieces cover the polygons" "1" \
  "SELECT abs((SELECT sum(ST_Area(geom)) FROM cpiece) - (SELECT sum(ST_Area(geom)) FROM o_countries)) < 1e-6"
assert "Durand Line runs SW to NE" "1|1" \
  "SELECT X(ST_StartPoint(geom)) < X(ST_EndPoint(geom)), Y(ST_StartPoint(geom)) < Y(ST_EndPoint(geom)) FROM o_durand_line"
# Left of the direction of travel must be Afghanistan, right must be Pakistan:
# a 0.005 deg one-sided buffer lies (almost) entirely in the named country.
assert "Afghanistan on the left, Pakistan on the right" "1|1" \
  "SELECT (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 1), c.geom)) FROM o_countries c WHERE iso3='AFG')
          > 50 * (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 1), c.geom)) FROM o_countries c WHERE iso3='PAK'),
          (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 0), c.geom)) FROM o_countries c WHERE iso3='PAK')
          > 50 * (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 0), c.geom)) FROM o_countries c WHERE iso3='AFG')
   FROM o_durand_line l"
assert "Durand Line left/right attributes" "AFG|PAK" "SELECT left_iso, right_iso FROM o_durand_line"
line_km=$(sql "SELECT printf('%.1f', length_km) FROM o_durand_line")
log "Durand Line geodesic length: $line_km km"

# ------------------------------------------------------ 3. admin geometries
log "admin layers"
sql >/dev/null <<'EOF'
CREATE TABLE o_admin1(fid INTEGER PRIMARY KEY, code TEXT, name TEXT, country TEXT, name_ps TEXT,
                      name_fa TEXT, name_ur TEXT, alt_names TEXT, area_km2 REAL, source TEXT);
SELECT AddGeometryColumn('o_admin1','geom',4326,'MULTIPOLYGON','XY');
INSERT INTO o_admin1(code, name, country, name_ps, name_fa, name_ur, source, geom)
  SELECT iso2, name, 'AFG', name_ps, coalesce(name_fa, name_prs), name_ur,
         'OpenStreetMap admin_level 4 via hyperknot/country-levels-export 536b869 (export 2020-05-07); ODbL',
         CastToMultiPolygon(geom)
  FROM src_cl1 WHERE iso1 = 'AF' ORDER BY iso2;
INSERT INTO o_admin1(code, name, country, name_ps, name_fa, name_ur, source, geom)
  SELECT p.adm1_iso, p.name, 'PAK', c.name_ps, coalesce(c.name_fa, c.name_prs), c.name_ur,
         'OpenStreetMap admin_level 4 via AbuBakrCh/pakistan-map 3ddec90 (OSM 2026-08-01, ex-FATA inside KP); ODbL',
         CastToMultiPolygon(p.geom)
  FROM src_pk1 p LEFT JOIN src_cl1 c ON c.iso2 = p.adm1_iso ORDER BY p.adm1_iso;

CREATE TABLE o_historical_regions(fid INTEGER PRIMARY KEY, code TEXT, name TEXT, country TEXT,
                                  name_ur TEXT, alt_names TEXT, valid_to TEXT, area_km2 REAL,
                                  note TEXT, source TEXT);
SELECT AddGeometryColumn('o_historical_regions','geom',4326,'MULTIPOLYGON','XY');
INSERT INTO o_historical_regions(code, name, country, name_ur, valid_to, note, source, geom)
  SELECT iso2, name, 'PAK', name_ur, '2018',
         'Merged into Khyber Pakhtunkhwa in 2018; its agencies are now KP districts. OSM polygon as of May 2020 (relation 358004). For lookups of the old name only: it is not part of the admin1 layer and is not used to assign places.',
         'OpenStreetMap admin_level 4 via hyperknot/country-levels-export 536b869 (export 2020-05-07); ODbL',
         CastToMultiPolygon(geom)
  FROM src_cl1 WHERE iso2 = 'PK-TA';

CREATE TABLE o_admin2(fid INTEGER PRIMARY KEY, name TEXT, province_code TEXT, province TEXT,
                      country TEXT, alt_names TEXT, name_ps TEXT, name_fa TEXT, name_ur TEXT,
                      area_km2 REAL, note TEXT, source TEXT,
                      src_alt TEXT, src_wof_name TEXT, includes_post_census TEXT);
SELECT AddGeometryColumn('o_admin2','geom',4326,'MULTIPOLYGON','XY');
INSERT INTO o_admin2(name, province_code, province, country, name_ps, name_fa, source,
                     src_alt, src_wof_name, geom)
  SELECT d.shapeName, d.adm1_iso, a.name, 'AFG', nullif(d.name_ps, ''), nullif(d.name_fa, ''),
         'geoBoundaries gbOpen AFG-ADM2-17698898 (AIMS 2014), public domain; names from Who''s On First',
         nullif(d.alt_names, ''), nullif(d.wof_name, ''), CastToMultiPolygon(d.geom)
  FROM src_af2 d JOIN o_admin1 a ON a.code = d.adm1_iso
  ORDER BY d.adm1_iso, d.shapeName, d.shapeID;
INSERT INTO o_admin2(name, province_code, province, country, source, includes_post_census, geom)
  SELECT d.name, d.adm1_iso, a.name, 'PAK',
         'OpenStreetMap admin_level 6 via AbuBakrCh/pakistan-map 3ddec90 (OSM 2026-08-01, 2023-census districts); ODbL; names from Who''s On First',
         d.includes_post_census, CastToMultiPolygon(d.geom)
  FROM src_pk2 d JOIN o_admin1 a ON a.code = d.adm1_iso
  ORDER BY d.adm1_iso, d.name;

UPDATE o_admin1 SET area_km2 = round(ST_Area(geom, 1) / 1e6, 1);
UPDATE o_admin2 SET area_km2 = round(ST_Area(geom, 1) / 1e6, 1);
UPDATE o_historical_regions SET area_km2 = round(ST_Area(geom, 1) / 1e6, 1);

-- district notes: post-census folds, former FATA agencies (by overlap with the FATA polygon)
UPDATE o_admin2 SET note = 'Includes districts created after the 2023 census: '
                           || replace(includes_post_census, '|', ', ') || '.'
  WHERE includes_post_census IS NOT NULL AND includes_post_census <> '';
UPDATE o_admin2 SET note = 'One polygon: the 2022 split into Upper South Waziristan and Lower South Waziristan (OSM relations 16463404, 16463405) is not in the sources, so both names resolve to this district. Former FATA agency (South Waziristan Agency), merged into Khyber Pakhtunkhwa in 2018.'
  WHERE country = 'PAK' AND name = 'South Waziristan';
UPDATE o_admin2 SET note = coalesce(note || ' ', '') || 'Former FATA agency (' || name
                           || ' Agency), merged into Khyber Pakhtunkhwa in 2018.'
  WHERE country = 'PAK' AND name <> 'South Waziristan'
    AND ST_Area(ST_Intersection(geom, (SELECT geom FROM o_historical_regions))) > 0.5 * ST_Area(geom);

-- district polygons cut into pieces for point-in-polygon tests
CREATE TABLE dpiece(id INTEGER PRIMARY KEY, adm2 INTEGER, country TEXT);
SELECT AddGeometryColumn('dpiece','geom',4326,'GEOMETRY','XY');
CREATE TEMP TABLE dsub AS SELECT fid, country, ST_Subdivide(geom, 128) AS g FROM o_admin2 ORDER BY fid;
CREATE TEMP TABLE dsub_n AS SELECT fid, ST_NumGeometries(g) AS n FROM dsub;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < (SELECT max(n) FROM dsub_n))
INSERT INTO dpiece(adm2, country, geom)
  SELECT s.fid, s.country, ST_GeometryN(s.g, n.i) FROM dsub s JOIN dsub_n k ON k.fid = s.fid JOIN n ON n.i <= k.n
  ORDER BY s.fid, n.i;
SELECT CreateSpatialIndex('dpiece','geom');
EOF
assert "admin counts (admin1 AFG, PAK; admin2 AFG, PAK; historical)" "34|7|398|156|1" \
  "SELECT (SELECT count(*) FROM o_admin1 WHERE country='AFG')||'|'||(SELECT count(*) FROM o_admin1 WHERE country='PAK')||'|'||
          (SELECT count(*) FROM o_admin2 WHERE country='AFG')||'|'||(SELECT count(*) FROM o_admin2 WHERE country='PAK')||'|'||
          (SELECT count(*) FROM o_historical_regions)"
assert "former FATA agencies found by overlap" \
  "Bajaur,Khyber,Kurram,Mohmand,North Waziristan,Orakzai,South Waziristan" \
  "SELECT group_concat(name) FROM (SELECT name FROM o_admin2 WHERE note LIKE '%Former FATA agency%' ORDER BY name)"
assert "district pieces cover the polygons" "1" \
  "SELECT abs((SELECT sum(ST_Area(geom)) FROM dpiece) - (SELECT sum(ST_Area(geom)) FROM o_admin2)) < 1e-6"

# ------------------------------------------------------------ 4. places
log "places: gazetteer rows"
sql >/dev/null <<EOF
CREATE TABLE pl(place_id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, alt_names TEXT,
                name_ps TEXT, name_ur TEXT, name_fa TEXT, name_ar_other TEXT, country TEXT,
                province_code TEXT, province TEXT, district TEXT, adm_method TEXT,
                feature_code TEXT, placetype TEXT, population INTEGER, is_current INTEGER,
                source TEXT, adm2 INTEGER, x REAL, y REAL);
SELECT AddGeometryColumn('pl','geom',4326,'POINT','XY');

-- all 166,053 gazetteer rows, unchanged apart from types
INSERT INTO pl(place_id, geonameid, name, alt_names, name_ps, name_ur, name_fa, name_ar_other,
               feature_code, placetype, population, is_current, source, x, y, geom)
  SELECT CAST(wof_id AS INTEGER), CAST(geonameid AS INTEGER), name, alt_names, name_ps, name_ur,
         name_fa, name_ar_other, feature_code, placetype, CAST(population AS INTEGER),
         CAST(is_current AS INTEGER),
         CASE WHEN geonameid IS NOT NULL AND feature_code IS NOT NULL AND feature_code NOT IN ('ADM1','ADM2')
              THEN 'gn-wof' ELSE 'wof' END,
         X(geom), Y(geom), geom
  FROM src_wof ORDER BY CAST(wof_id AS INTEGER);

-- cities500 rows whose GeoNames id the gazetteer lacks (e.g. Zaranj, Sharan)
INSERT INTO pl(place_id, geonameid, name, feature_code, placetype, population, is_current,
               source, x, y, geom)
  SELECT 8000000000 + g.geonameid, g.geonameid, replace(g.asciiname, char(96), char(39)), g.feature_code, 'locality',
         nullif(g.population, 0), -1, 'gn-cities500', X(g.geom), Y(g.geom), MakePoint(X(g.geom), Y(g.geom), 4326)
  FROM src_gn g WHERE g.geonameid NOT IN (SELECT geonameid FROM pl WHERE geonameid IS NOT NULL)
  ORDER BY g.geonameid;

-- cities500 enrichment by GeoNames id: population where the gazetteer has none,
-- capitalised Latin alternate names (no 2-4 letter codes such as KBL/PEW, no
-- lower-case machine transliterations) and Arabic-script alternate names.
CREATE TEMP TABLE gn_tok AS
WITH RECURSIVE sp(gid, rest, tok, ord) AS (
  SELECT geonameid, name || ',' || asciiname || ',' || coalesce(alternatenames, '') || ',', NULL, 0 FROM src_gn
  UNION ALL
  SELECT gid, substr(rest, instr(rest, ',') + 1), trim(substr(rest, 1, instr(rest, ',') - 1)), ord + 1
  FROM sp WHERE rest <> '')
SELECT gid, tok, ord, CASE WHEN tok GLOB $latin_glob THEN 'arabic_or_other' ELSE 'latin' END AS script
FROM sp WHERE tok IS NOT NULL AND tok <> '';
DELETE FROM gn_tok WHERE script = 'latin' AND NOT (unicode(tok) BETWEEN 65 AND 90 OR unicode(tok) BETWEEN 192 AND 222
                                                  OR unicode(tok) BETWEEN 256 AND 591 OR unicode(tok) BETWEEN 7680 AND 7935);
DELETE FROM gn_tok WHERE script = 'latin' AND length(tok) BETWEEN 2 AND 4 AND upper(tok) = tok;
DELETE FROM gn_tok WHERE script = 'arabic_or_other' AND NOT (tok GLOB '*[؀-ۿ]*');
DELETE FROM gn_tok WHERE script = 'arabic_or_other' AND tok GLOB '*[A-Za-z]*';
-- keep the first occurrence of each variant
DELETE FROM gn_tok WHERE rowid NOT IN (SELECT min(rowid) FROM gn_tok GROUP BY gid, tok);
CREATE INDEX gn_tok_gid ON gn_tok(gid);

UPDATE pl SET population = (SELECT nullif(g.population, 0) FROM src_gn g WHERE g.geonameid = pl.geonameid)
  WHERE population IS NULL AND geonameid IN (SELECT geonameid FROM src_gn);

CREATE TEMP TABLE pl_add AS
  SELECT p.place_id, t.script, t.tok, t.ord FROM pl p JOIN gn_tok t ON t.gid = p.geonameid
  WHERE (t.script = 'latin'
         AND lower(t.tok) <> lower(p.name)
         AND instr('|' || lower(coalesce(p.alt_names, '')) || '|', '|' || lower(t.tok) || '|') = 0)
     OR (t.script = 'arabic_or_other'
         AND instr('|' || coalesce(p.name_ps, '') || '|' || coalesce(p.name_ur, '') || '|' || coalesce(p.name_fa, '')
                   || '|' || coalesce(p.name_ar_other, '') || '|', '|' || t.tok || '|') = 0);
UPDATE pl SET alt_names = (
    SELECT CASE WHEN pl.alt_names IS NULL THEN s ELSE pl.alt_names || '|' || s END
    FROM (SELECT group_concat(tok, '|') s FROM (SELECT tok FROM pl_add a WHERE a.place_id = pl.place_id AND script = 'latin' ORDER BY ord)))
  WHERE place_id IN (SELECT place_id FROM pl_add WHERE script = 'latin');
UPDATE pl SET name_ar_other = (
    SELECT CASE WHEN pl.name_ar_other IS NULL THEN s ELSE pl.name_ar_other || '|' || s END
    FROM (SELECT group_concat(tok, '|') s FROM (SELECT tok FROM pl_add a WHERE a.place_id = pl.place_id AND script = 'arabic_or_other' ORDER BY ord)))
  WHERE place_id IN (SELECT place_id FROM pl_add WHERE script = 'arabic_or_other');
EOF
assert "places loaded (gazetteer rows)" "166053" "SELECT count(*) FROM pl WHERE place_id < 8000000000"
cities_added=$(sql "SELECT count(*) FROM pl WHERE source = 'gn-cities500'")
log "added $cities_added cities500 places missing from the gazetteer"

log "places: country, province, district"
sql >/dev/null <<'EOF'
-- side of the border: always from the OSM country polygons
UPDATE pl SET country = (
  SELECT c.iso3 FROM idx_cpiece_geom r CROSS JOIN cpiece c
  WHERE r.xmin <= pl.x AND r.xmax >= pl.x AND r.ymin <= pl.y AND r.ymax >= pl.y
    AND c.id = r.pkid AND ST_Intersects(c.geom, pl.geom)
  ORDER BY c.rank LIMIT 1);
-- district: the shipped district polygon of the same country that contains the point
UPDATE pl SET adm2 = (
  SELECT d.adm2 FROM idx_dpiece_geom r CROSS JOIN dpiece d
  WHERE r.xmin <= pl.x AND r.xmax >= pl.x AND r.ymin <= pl.y AND r.ymax >= pl.y
    AND d.id = r.pkid AND d.country = pl.country AND ST_Intersects(d.geom, pl.geom)
  ORDER BY d.adm2 LIMIT 1), adm_method = 'within'
  WHERE country IN ('AFG', 'PAK');
UPDATE pl SET adm_method = NULL WHERE adm2 IS NULL;
-- otherwise: the nearest district of the same country (geodesic distance;
-- candidates are the district pieces within 1 degree, else all of the country)
CREATE TEMP TABLE nn AS
  SELECT p.place_id, d.adm2, ST_Distance(d.geom, p.geom, 1) AS dist
  FROM pl p JOIN idx_dpiece_geom r ON r.xmin <= p.x + 1 AND r.xmax >= p.x - 1
                                  AND r.ymin <= p.y + 1 AND r.ymax >= p.y - 1
       JOIN dpiece d ON d.id = r.pkid AND d.country = p.country
  WHERE p.adm2 IS NULL AND p.country IN ('AFG', 'PAK');
INSERT INTO nn
  SELECT p.place_id, d.adm2, ST_Distance(d.geom, p.geom, 1)
  FROM pl p JOIN dpiece d ON d.country = p.country
  WHERE p.adm2 IS NULL AND p.country IN ('AFG', 'PAK') AND p.place_id NOT IN (SELECT place_id FROM nn);
CREATE TABLE nn1 AS SELECT place_id, adm2, dist FROM (
  SELECT nn.*, row_number() OVER (PARTITION BY place_id ORDER BY dist, adm2) AS rn FROM nn) WHERE rn = 1;
UPDATE pl SET adm_method = 'nearest', adm2 = (SELECT adm2 FROM nn1 WHERE nn1.place_id = pl.place_id)
  WHERE place_id IN (SELECT place_id FROM nn1);
-- province: the province of that district, so place, district and province always agree
UPDATE pl SET district = (SELECT name FROM o_admin2 WHERE fid = pl.adm2),
              province_code = (SELECT province_code FROM o_admin2 WHERE fid = pl.adm2),
              province = (SELECT province FROM o_admin2 WHERE fid = pl.adm2)
  WHERE adm2 IS NOT NULL;
EOF
assert "every AFG/PAK place has a district" "0" \
  "SELECT count(*) FROM pl WHERE country IN ('AFG','PAK') AND adm2 IS NULL"
assert "district country matches place country" "0" \
  "SELECT count(*) FROM pl JOIN o_admin2 d ON d.fid = pl.adm2 WHERE d.country <> pl.country"

# ------------------------------------------- 5. variant names of admin units
log "admin variant names and aliases"
sql >/dev/null <<EOF
-- every admin unit, with a normalised name key
CREATE TABLE unit(uid INTEGER PRIMARY KEY, layer TEXT, lfid INTEGER, country TEXT, code TEXT,
                  name TEXT, nname TEXT);
CREATE TEMP TABLE wc AS SELECT place_id, adm2, name, '' AS nname FROM pl
  WHERE placetype = 'county' AND feature_code = 'ADM2' AND country = 'PAK' AND adm_method = 'within';
$(normsql wc nname name)
INSERT INTO unit(layer, lfid, country, code, name)
  SELECT 'admin1', fid, country, code, name FROM o_admin1 ORDER BY fid;
INSERT INTO unit(layer, lfid, country, code, name)
  SELECT 'historical_region', fid, country, code, name FROM o_historical_regions ORDER BY fid;
INSERT INTO unit(layer, lfid, country, code, name)
  SELECT 'admin2', fid, country, province_code, name FROM o_admin2 ORDER BY fid;
$(normsql unit nname name)

-- Who's On First records that describe a unit:
--  admin1: the WOF region record whose point lies in the province;
--  AF districts: the WOF county already matched in the geoBoundaries file;
--  PK districts: WOF county records lying in the district whose name contains
--  the district's name (e.g. 'Malakand PA' -> Malakand, 'Kachhi' -> 'Kachhi (Bolan)').
CREATE TABLE rec(rid INTEGER PRIMARY KEY, uid INTEGER, wof_id INTEGER, wof_name TEXT, alts TEXT,
                 name_ps TEXT, name_ur TEXT, name_fa TEXT, inherited INTEGER DEFAULT 0);
INSERT INTO rec(uid, wof_id, wof_name, alts, name_ps, name_ur, name_fa)
  SELECT u.uid, p.place_id, p.name, p.alt_names, p.name_ps, p.name_ur, p.name_fa
  FROM pl p JOIN o_admin1 a ON ST_Intersects(a.geom, p.geom)
       JOIN unit u ON u.layer = 'admin1' AND u.lfid = a.fid
  WHERE p.placetype = 'region' AND p.feature_code = 'ADM1'
  ORDER BY u.uid, p.place_id;
INSERT INTO rec(uid, wof_id, wof_name, alts, name_ps, name_ur, name_fa)
  SELECT u.uid, NULL, d.src_wof_name, d.src_alt, d.name_ps, NULL, d.name_fa
  FROM o_admin2 d JOIN unit u ON u.layer = 'admin2' AND u.lfid = d.fid
  WHERE d.country = 'AFG' ORDER BY u.uid;
INSERT INTO rec(uid, wof_id, wof_name, alts, name_ps, name_ur, name_fa)
  SELECT u.uid, w.place_id, w.name, w.alt_names, w.name_ps, w.name_ur, w.name_fa
  FROM wc JOIN pl w ON w.place_id = wc.place_id
       JOIN unit u ON u.layer = 'admin2' AND u.lfid = wc.adm2 AND u.country = 'PAK'
  WHERE instr(wc.nname, u.nname) > 0
  ORDER BY u.uid, (w.alt_names LIKE '%F.A.T.A.%'), w.place_id;

-- split the records' variant lists
CREATE TABLE rtok(rid INTEGER, uid INTEGER, ord INTEGER, tok TEXT, nstem TEXT);
WITH RECURSIVE sp(rid, uid, rest, tok, ord) AS (
  SELECT rid, uid, coalesce(wof_name, '') || '|' || coalesce(alts, '') || '|', NULL, 0 FROM rec
  UNION ALL
  SELECT rid, uid, substr(rest, instr(rest, '|') + 1), trim(substr(rest, 1, instr(rest, '|') - 1)), ord + 1
  FROM sp WHERE rest <> '')
INSERT INTO rtok(rid, uid, ord, tok) SELECT rid, uid, ord, tok FROM sp WHERE tok IS NOT NULL AND tok <> '' ORDER BY rid, ord;
$(normsql rtok nstem tok 1)

-- A record that lists "<X> District/Province/Agency" for another unit X of the
-- same country copied its language names from X (WOF cloned new districts from
-- their parents, e.g. Charsadda carries Peshawar's names): do not use them.
-- For Afghan districts a bare other district's name is enough (Gurziwan lists
-- Bilchiragh and carries its Pashto/Dari names, Baghran carries Paghman's).
-- Pakistani records list their division (named after a district) as a bare
-- name, so there only the suffixed form counts.
UPDATE rec SET inherited = 1 WHERE rid IN (
  SELECT t.rid FROM rtok t JOIN unit u ON u.uid = t.uid
  WHERE (lower(t.tok) LIKE '% district' OR lower(t.tok) LIKE '% province' OR lower(t.tok) LIKE '% agency'
         OR (u.layer = 'admin2' AND u.country = 'AFG'))
    AND EXISTS (SELECT 1 FROM unit v WHERE v.country = u.country AND v.uid <> u.uid
                AND v.nname <> u.nname AND v.nname = t.nstem));

-- candidate variant tokens: prio 0 the name, 1 OSM name tags, 2 WOF, 3 aliases.csv
CREATE TABLE cand(uid INTEGER, prio INTEGER, ord INTEGER, tok TEXT, keep INTEGER DEFAULT 1,
                  ntok TEXT, nstem TEXT);
INSERT INTO cand(uid, prio, ord, tok) SELECT uid, 0, 0, name FROM unit;
-- OSM tags (country-levels admin1 and FATA): name:en, alt_name(:en), official_name:en, old_name(:en), short_name
WITH RECURSIVE osm(uid, list) AS (
  SELECT u.uid, coalesce(c.name, '') || ';' || coalesce(json_extract(c.osm_tags_json, '\$."name:en"'), '') || ';'
         || coalesce(json_extract(c.osm_tags_json, '\$.alt_name'), '') || ';'
         || coalesce(json_extract(c.osm_tags_json, '\$."alt_name:en"'), '') || ';'
         || coalesce(json_extract(c.osm_tags_json, '\$."official_name:en"'), '') || ';'
         || coalesce(json_extract(c.osm_tags_json, '\$.old_name'), '') || ';'
         || coalesce(json_extract(c.osm_tags_json, '\$."old_name:en"'), '') || ';'
         || coalesce(json_extract(c.osm_tags_json, '\$.short_name'), '') || ';'
  FROM unit u JOIN src_cl1 c ON c.iso2 = u.code WHERE u.layer IN ('admin1', 'historical_region')),
 sp(uid, rest, tok, ord) AS (
  SELECT uid, list, NULL, 0 FROM osm
  UNION ALL
  SELECT uid, substr(rest, instr(rest, ';') + 1), trim(substr(rest, 1, instr(rest, ';') - 1)), ord + 1
  FROM sp WHERE rest <> '')
INSERT INTO cand(uid, prio, ord, tok) SELECT uid, 1, ord, tok FROM sp WHERE tok IS NOT NULL AND tok <> '' ORDER BY uid, ord;
INSERT INTO cand(uid, prio, ord, tok) SELECT uid, 2, rid * 1000 + ord, tok FROM rtok ORDER BY uid, rid, ord;
$(normsql cand ntok tok)
$(normsql cand nstem tok 1)
-- only Latin-script variants
UPDATE cand SET keep = 0 WHERE tok GLOB $latin_glob;
-- drop source variants that are the name of another unit of the same country
-- (WOF lists parents, neighbours and seats: 'Khost' under Kabul district,
-- 'Panjshir' under Parwan, 'Mazar-i-Sharif' under Balkh)
UPDATE cand AS t SET keep = 0 WHERE prio IN (1, 2) AND EXISTS (
  SELECT 1 FROM unit u JOIN unit v ON v.country = u.country AND v.uid <> u.uid AND v.nname <> u.nname
  WHERE u.uid = t.uid AND (v.nname = t.ntok OR v.nname = t.nstem));
-- districts: also drop variants of a province's name ('Panjsher' under Bazarak)
-- and division names ('Gujrat Division')
UPDATE cand AS t SET keep = 0 WHERE prio = 2 AND EXISTS (
  SELECT 1 FROM unit u JOIN unit v ON v.country = u.country AND v.layer = 'admin1'
       JOIN cand c2 ON c2.uid = v.uid AND c2.keep = 1 AND c2.prio IN (0, 1, 2)
  WHERE u.uid = t.uid AND u.layer = 'admin2' AND c2.ntok = t.ntok AND c2.ntok <> u.nname);
UPDATE cand SET keep = 0 WHERE prio = 2 AND lower(tok) LIKE '% division';
-- Pakistani WOF county records list their division, parent district and
-- 'F.A.T.A.'/'NO DATA' (and 'Wana' under North Waziristan): keep only the
-- variants that contain the district's own name ('Bajaur Agency', 'FR Kohat').
UPDATE cand AS t SET keep = 0 WHERE prio = 2 AND EXISTS (
  SELECT 1 FROM unit u WHERE u.uid = t.uid AND u.layer = 'admin2' AND u.country = 'PAK'
    AND instr(t.ntok, u.nname) = 0);
-- hand-checked rejects: provincial capitals and towns that WOF lists as names of the province
UPDATE cand AS t SET keep = 0 WHERE prio = 2 AND EXISTS (
  SELECT 1 FROM unit u WHERE u.uid = t.uid AND u.layer = 'admin1' AND (u.code, t.tok) IN (
    VALUES ('AF-FYB', 'Maimana'), ('AF-JOW', 'Shibarghan'), ('AF-TAK', 'Talukan'),
           ('AF-ZAB', 'Qalāt'), ('AF-HEL', 'Grishk'), ('AF-PIA', 'Paktia Zurmat')));
EOF
assert "hand-checked rejects all present" "6" \
  "SELECT count(*) FROM cand c JOIN unit u USING (uid) WHERE c.keep = 0 AND (u.code, c.tok) IN (VALUES ('AF-FYB', 'Maimana'), ('AF-JOW', 'Shibarghan'), ('AF-TAK', 'Talukan'), ('AF-ZAB', 'Qalāt'), ('AF-HEL', 'Grishk'), ('AF-PIA', 'Paktia Zurmat'))"

# aliases.csv: validate and resolve every row to exactly one shipped feature
sql >/dev/null <<'EOF'
CREATE TABLE alias AS
  SELECT rowid AS aid, trim(alias) AS alias, trim(target) AS target, trim(target_kind) AS kind,
         trim(country) AS country, note,
         CASE WHEN instr(note, 'place_id=') > 0
              THEN CAST(substr(note, instr(note, 'place_id=') + 9) AS INTEGER) END AS pin
  FROM src_alias ORDER BY rowid;
CREATE TABLE alias_hit(aid INTEGER, uid INTEGER, place_id INTEGER);
INSERT INTO alias_hit(aid, uid)
  SELECT a.aid, u.uid FROM alias a JOIN unit u ON u.layer = a.kind AND u.name = a.target AND u.country = a.country
  WHERE a.kind IN ('admin1', 'admin2', 'historical_region');
INSERT INTO alias_hit(aid, place_id)
  SELECT a.aid, p.place_id FROM alias a JOIN pl p ON p.name = a.target AND p.country = a.country
  WHERE a.kind = 'place' AND (a.pin = p.place_id
        OR (a.pin IS NULL AND p.placetype IN ('locality', 'neighbourhood')));
EOF
bad=$(sql "SELECT a.alias || ' -> ' || a.target || ' (' || a.kind || ', ' || a.country || '): ' || count(h.aid) || ' matches'
           FROM alias a LEFT JOIN alias_hit h ON h.aid = a.aid GROUP BY a.aid HAVING count(h.aid) <> 1
           UNION ALL SELECT 'empty field in row ' || aid FROM alias WHERE coalesce(alias,'') = '' OR coalesce(target,'') = ''
             OR coalesce(kind,'') = '' OR coalesce(country,'') = ''
           UNION ALL SELECT 'unknown target_kind ' || kind FROM alias WHERE kind NOT IN ('admin1','admin2','historical_region','place')
           UNION ALL SELECT 'duplicate alias ' || alias FROM alias GROUP BY lower(alias), kind, target HAVING count(*) > 1")
[[ -z $bad ]] || die "aliases.csv: every alias must resolve to exactly one shipped feature:"$'\n'"$bad"
log "aliases.csv: $(sql 'SELECT count(*) FROM alias') aliases, all resolve to one feature"

sql >/dev/null <<'EOF'
INSERT INTO cand(uid, prio, ord, tok, keep) SELECT h.uid, 3, a.aid, a.alias, 1 FROM alias a JOIN alias_hit h ON h.aid = a.aid
  WHERE h.uid IS NOT NULL ORDER BY a.aid;
-- first occurrence of each variant (case-insensitive), in priority order
CREATE TABLE alt AS
  SELECT uid, group_concat(tok, '|') AS alt_names FROM (
    SELECT uid, tok FROM (
      SELECT uid, tok, prio, ord,
             row_number() OVER (PARTITION BY uid, lower(tok) ORDER BY prio, ord) AS rn
      FROM cand WHERE keep = 1)
    WHERE rn = 1 ORDER BY uid, prio, ord)
  GROUP BY uid;
-- language names: the unit's own (OSM) value, else the first usable WOF record's
UPDATE o_admin1 SET alt_names = (SELECT alt_names FROM alt JOIN unit u USING (uid) WHERE u.layer = 'admin1' AND u.lfid = o_admin1.fid),
  name_ps = coalesce(name_ps, (SELECT r.name_ps FROM rec r JOIN unit u USING (uid) WHERE u.layer = 'admin1' AND u.lfid = o_admin1.fid AND r.inherited = 0 AND r.name_ps IS NOT NULL ORDER BY r.rid LIMIT 1)),
  name_fa = coalesce(name_fa, (SELECT r.name_fa FROM rec r JOIN unit u USING (uid) WHERE u.layer = 'admin1' AND u.lfid = o_admin1.fid AND r.inherited = 0 AND r.name_fa IS NOT NULL ORDER BY r.rid LIMIT 1)),
  name_ur = coalesce(name_ur, (SELECT r.name_ur FROM rec r JOIN unit u USING (uid) WHERE u.layer = 'admin1' AND u.lfid = o_admin1.fid AND r.inherited = 0 AND r.name_ur IS NOT NULL ORDER BY r.rid LIMIT 1));
UPDATE o_historical_regions SET alt_names = (SELECT alt_names FROM alt JOIN unit u USING (uid) WHERE u.layer = 'historical_region' AND u.lfid = o_historical_regions.fid);
UPDATE o_admin2 SET alt_names = (SELECT alt_names FROM alt JOIN unit u USING (uid) WHERE u.layer = 'admin2' AND u.lfid = o_admin2.fid),
  name_ps = (SELECT r.name_ps FROM rec r JOIN unit u USING (uid) WHERE u.layer = 'admin2' AND u.lfid = o_admin2.fid AND r.inherited = 0 AND r.name_ps IS NOT NULL ORDER BY r.rid LIMIT 1),
  name_fa = (SELECT r.name_fa FROM rec r JOIN unit u USING (uid) WHERE u.layer = 'admin2' AND u.lfid = o_admin2.fid AND r.inherited = 0 AND r.name_fa IS NOT NULL ORDER BY r.rid LIMIT 1),
  name_ur = (SELECT r.name_ur FROM rec r JOIN unit u USING (uid) WHERE u.layer = 'admin2' AND u.lfid = o_admin2.fid AND r.inherited = 0 AND r.name_ur IS NOT NULL ORDER BY r.rid LIMIT 1);

-- aliases of places: appended to that place's alt_names
UPDATE pl SET alt_names = (
    SELECT CASE WHEN pl.alt_names IS NULL THEN s ELSE pl.alt_names || '|' || s END
    FROM (SELECT group_concat(alias, '|') s FROM (
            SELECT a.alias FROM alias a JOIN alias_hit h ON h.aid = a.aid
            WHERE h.place_id = pl.place_id
              AND instr('|' || lower(coalesce(pl.alt_names, '')) || '|', '|' || lower(a.alias) || '|') = 0
              AND lower(a.alias) <> lower(pl.name)
            ORDER BY a.aid)))
  WHERE place_id IN (SELECT h.place_id FROM alias a JOIN alias_hit h ON h.aid = a.aid
                     WHERE instr('|' || lower(coalesce(pl.alt_names, '')) || '|', '|' || lower(a.alias) || '|') = 0
                       AND lower(a.alias) <> lower(pl.name));

-- every admin unit as a place (point on surface), ids 9,000,000,001 and up:
-- admin1 + historical region 9e9+1.., districts 9e9+1001..
INSERT INTO pl(place_id, name, alt_names, name_ps, name_ur, name_fa, country, province_code, province,
               feature_code, placetype, is_current, source, geom)
  SELECT 9000000000 + row_number() OVER (ORDER BY code), name, alt_names, name_ps, name_ur, name_fa, country,
         code, name, 'ADM1', 'region', 1, 'admin1', ST_PointOnSurface(geom)
  FROM o_admin1 ORDER BY code;
INSERT INTO pl(place_id, name, alt_names, name_ur, country, feature_code, placetype, is_current, source, geom)
  SELECT 9000000100 + row_number() OVER (ORDER BY code), name, alt_names, name_ur, country,
         'ADM1H', 'region', 0, 'historical_regions', ST_PointOnSurface(geom)
  FROM o_historical_regions ORDER BY code;
INSERT INTO pl(place_id, name, alt_names, name_ps, name_ur, name_fa, country, province_code, province,
               district, adm_method, adm2, feature_code, placetype, is_current, source, geom)
  SELECT 9000001000 + row_number() OVER (ORDER BY country, province_code, name, fid), name, alt_names,
         name_ps, name_ur, name_fa, country, province_code, province, name, 'within', fid,
         'ADM2', 'county', 1, 'admin2', ST_PointOnSurface(geom)
  FROM o_admin2 ORDER BY country, province_code, name, fid;
UPDATE pl SET x = X(geom), y = Y(geom) WHERE place_id >= 9000000000;
-- their side of the border, too, from the OSM country polygons
UPDATE pl SET country = (
  SELECT c.iso3 FROM idx_cpiece_geom r CROSS JOIN cpiece c
  WHERE r.xmin <= pl.x AND r.xmax >= pl.x AND r.ymin <= pl.y AND r.ymax >= pl.y
    AND c.id = r.pkid AND ST_Intersects(c.geom, pl.geom)
  ORDER BY c.rank LIMIT 1) WHERE place_id >= 9000000000;
-- provinces and FATA: the district that contains the point
UPDATE pl SET adm2 = (
  SELECT d.adm2 FROM idx_dpiece_geom r CROSS JOIN dpiece d
  WHERE r.xmin <= pl.x AND r.xmax >= pl.x AND r.ymin <= pl.y AND r.ymax >= pl.y
    AND d.id = r.pkid AND d.country = pl.country AND ST_Intersects(d.geom, pl.geom)
  ORDER BY d.adm2 LIMIT 1), adm_method = 'within'
  WHERE place_id >= 9000000000 AND feature_code IN ('ADM1', 'ADM1H');
UPDATE pl SET district = (SELECT name FROM o_admin2 WHERE fid = pl.adm2),
              province_code = (SELECT province_code FROM o_admin2 WHERE fid = pl.adm2),
              province = (SELECT province FROM o_admin2 WHERE fid = pl.adm2)
  WHERE place_id >= 9000000000 AND feature_code IN ('ADM1', 'ADM1H');
EOF
assert "admin points lie in their own unit and country" "0|0|0" \
  "SELECT (SELECT count(*) FROM pl p JOIN o_admin2 d ON d.fid = p.adm2 WHERE p.feature_code = 'ADM2' AND p.place_id >= 9000000000
             AND (p.country IS NOT d.country OR NOT ST_Intersects(d.geom, p.geom))),
          (SELECT count(*) FROM pl p JOIN o_admin1 a ON a.name = p.name AND a.code = p.province_code
             WHERE p.feature_code = 'ADM1' AND p.place_id >= 9000000000) - 41,
          (SELECT count(*) FROM pl p WHERE p.feature_code = 'ADM1H' AND p.province_code IS NOT 'PK-KP')"
assert "PK-KP alt names" "1|1|1|1" \
  "SELECT alt_names LIKE '%|KP|%', alt_names LIKE '%|KPK|%', alt_names LIKE '%|NWFP|%', alt_names LIKE '%North-West Frontier Province%' FROM o_admin1 WHERE code = 'PK-KP'"
assert "South Waziristan alt names" "1|1|1" \
  "SELECT alt_names LIKE '%Upper South Waziristan%', alt_names LIKE '%Lower South Waziristan%', alt_names LIKE '%South Waziristan Agency%' FROM o_admin2 WHERE name = 'South Waziristan'"

# ---------------------------------------------------------- 6. crossings
log "crossings"
sql >/dev/null <<'EOF'
CREATE TABLE xc(crossing TEXT, side TEXT, proxy_name TEXT, alt_names TEXT, confidence TEXT,
                crank INTEGER, place_id INTEGER, src_note TEXT, ref TEXT, source TEXT);
SELECT AddGeometryColumn('xc','geom',4326,'POINT','XY');
INSERT INTO xc SELECT crossing, crossing_side, proxy_name, nullif(proxy_alt_names, ''), confidence,
       CASE confidence WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, wof_id, note,
       '"' || proxy_name || '" (WOF ' || wof_id || ', GeoNames ' || geonameid || ')',
       'GeoNames via Who''s On First (border-crossings-gazetteer-proxies); CC BY 4.0', geom
  FROM src_xg ORDER BY ogc_fid;
INSERT INTO xc SELECT CASE WHEN unlocode IN ('PKTOR', 'AFRKH') THEN 'Torkham'
                           WHEN unlocode IN ('PKCMN', 'AFSBK') THEN 'Chaman–Spin Boldak (Friendship Gate)' END,
       side_iso_a3, name, NULL, 'medium', 1, NULL, NULL,
       '"' || name || '" (OSM ' || osm_type || ' ' || osm_id || ', UN/LOCODE ' || unlocode || ')',
       'OpenStreetMap via Nominatim (cristan/improved-un-locodes 8e7e2a7, border-crossings-unlocode-osm); ODbL', geom
  FROM src_xu ORDER BY ogc_fid;
CREATE TABLE xc2 AS SELECT xc.*, ST_Distance((SELECT geom FROM o_durand_line), geom, 1) / 1000.0 AS dist_km,
  (SELECT c.iso3 FROM o_countries c WHERE ST_Intersects(c.geom, xc.geom) ORDER BY c.fid LIMIT 1) AS side_osm
  FROM xc;
-- one point per crossing and side: best confidence, then nearest to the line;
-- the other candidates are named in the note
CREATE TABLE xbest AS SELECT * FROM (
  SELECT xc2.*, row_number() OVER (PARTITION BY crossing, side ORDER BY crank, dist_km) AS rn FROM xc2) WHERE rn = 1;
CREATE TABLE o_crossings(fid INTEGER PRIMARY KEY, crossing TEXT, side TEXT, proxy_name TEXT,
                         alt_names TEXT, point_kind TEXT, confidence TEXT, dist_durand_km REAL,
                         place_id BIGINT, note TEXT, source TEXT);
SELECT AddGeometryColumn('o_crossings','geom',4326,'POINT','XY');
INSERT INTO o_crossings(crossing, side, proxy_name, alt_names, point_kind, confidence, dist_durand_km,
                        place_id, note, source, geom)
  SELECT b.crossing, b.side, b.proxy_name, b.alt_names, 'settlement proxy, not the gate position',
         b.confidence, round(b.dist_km, 2), b.place_id,
         coalesce(b.src_note || ' ', '') || 'Point: ' || b.ref || '.'
           || coalesce(' Other candidate proxies not kept: ' || (
                SELECT group_concat(o.ref || ', ' || printf('%.2f', o.dist_km) || ' km from the line', '; ')
                FROM (SELECT * FROM xc2 o WHERE o.crossing = b.crossing AND o.side = b.side
                      AND NOT (o.ref = b.ref) ORDER BY o.crank, o.dist_km) o) || '.', ''),
         b.source, b.geom
  FROM xbest b ORDER BY b.crossing, b.side;
EOF
assert "crossing sides agree with the OSM polygons" "0" "SELECT count(*) FROM xc2 WHERE side_osm IS NOT side"
assert "crossing proxies are places in the places layer" "0" \
  "SELECT count(*) FROM o_crossings c WHERE c.place_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pl WHERE pl.place_id = c.place_id)"

# ------------------------------------------------------------ 7. summary
log "places by country / assignment method:"
sql "SELECT '    ' || coalesce(country, '(none)') || ' ' || coalesce(adm_method, '-') || ': ' || count(*)
     FROM pl GROUP BY country, adm_method ORDER BY country, adm_method" >&2
log "nearest-district fallbacks, max distance: $(sql "SELECT printf('%.2f km', max(dist) / 1000.0) FROM nn1")"
log "gazetteer rows whose district differs from the source's own adm2_name: $(sql "
  SELECT count(*) FROM pl p JOIN src_wof w ON CAST(w.wof_id AS INTEGER) = p.place_id
  WHERE p.district IS NOT w.adm2_name")"

# ------------------------------------------------------------ 8. export
log "writing GeoPackage"
sql >/dev/null <<'EOF'
CREATE TABLE o_places(fid INTEGER PRIMARY KEY, place_id BIGINT, geonameid INTEGER, name TEXT,
                      alt_names TEXT, name_ps TEXT, name_ur TEXT, name_fa TEXT, name_ar_other TEXT,
                      country TEXT, province_code TEXT, province TEXT, district TEXT, adm_method TEXT,
                      feature_code TEXT, placetype TEXT, population BIGINT, is_current INTEGER, source TEXT);
SELECT AddGeometryColumn('o_places','geom',4326,'POINT','XY');
INSERT INTO o_places(place_id, geonameid, name, alt_names, name_ps, name_ur, name_fa, name_ar_other,
                     country, province_code, province, district, adm_method, feature_code, placetype,
                     population, is_current, source, geom)
  SELECT place_id, geonameid, name, alt_names, name_ps, name_ur, name_fa, name_ar_other, country,
         province_code, province, district, adm_method, feature_code, placetype, population, is_current,
         source, geom
  FROM pl ORDER BY country IS NULL, country, province_code, district, name, place_id;
EOF

tmp_gpkg=$work/durand.gpkg
export_layer() { # table layer geometry-type [columns]
  local cols=${4:-*}
  ogr2ogr -f GPKG ${first_layer:+-update} "$tmp_gpkg" "$db" \
    -sql "SELECT $cols FROM $1 ORDER BY fid" -dialect SQLite -nln "$2" -nlt "$3" \
    -lco FID=fid -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=YES -a_srs EPSG:4326
  first_layer=1
}
first_layer=
export_layer o_durand_line durand_line LINESTRING
export_layer o_countries countries MULTIPOLYGON
export_layer o_admin1 admin1 MULTIPOLYGON \
  "fid, code, name, country, name_ps, name_fa, name_ur, alt_names, area_km2, source, geom"
export_layer o_admin2 admin2 MULTIPOLYGON \
  "fid, name, province_code, province, country, alt_names, name_ps, name_fa, name_ur, area_km2, note, source, geom"
export_layer o_historical_regions historical_regions MULTIPOLYGON
export_layer o_places places POINT
export_layer o_crossings crossings POINT
sqlite3 -bail "$tmp_gpkg" "VACUUM;"

# final checks on the written file (counts, validity) before replacing the old one
gcount() { ogrinfo -ro -q -dialect SQLite -sql "$1" "$tmp_gpkg" | sed -n 's/^ *[a-z_]* ([A-Za-z0-9]*) = //p'; }
for l in durand_line countries admin1 admin2 historical_regions places crossings; do
  n=$(gcount "SELECT count(*) AS n FROM $l")
  v=$(gcount "SELECT count(*) AS n FROM $l WHERE NOT ST_IsValid(geom) OR geom IS NULL")
  [[ $v == 0 ]] || die "$l: $v invalid or empty geometries"
  log "layer $l: $n features, all geometries valid"
done
mkdir -p "$out_dir"
mv -f "$tmp_gpkg" "$out_gpkg"
if [[ -n ${DN_GEODATA_KEEP_WORK:-} ]]; then cp "$db" "$DN_GEODATA_KEEP_WORK"; log "work database kept as $DN_GEODATA_KEEP_WORK"; fi
log "wrote $out_gpkg ($(du -k "$out_gpkg" | cut -f1) KiB, sha256 $(sha256sum "$out_gpkg" | cut -c1-16)…)"
log "done in $(( $(date +%s) - t0 )) s"
