#!/usr/bin/env bash
# Check the shipped geodata/durand.gpkg: layers, feature counts, geometry
# validity, the Durand Line, and that well-known places land in the right
# country, province and district. Exits non-zero on the first failed check.
#
#   scripts/check-geodata.sh [path/to/durand.gpkg]
#
# Uses only ogr2ogr with the SQLite dialect (GDAL's GeoPackage driver exposes the
# SpatiaLite functions: ST_IsValid, ST_Intersects, ST_Length(geom, 1), ...).
set -euo pipefail
export LC_ALL=C.UTF-8

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
gpkg=${1:-$repo/geodata/durand.gpkg}
sources_md=$repo/geodata/SOURCES.md
aliases_csv=$repo/geodata/aliases.csv
[[ -f $gpkg ]] || { echo "check-geodata: no such file: $gpkg" >&2; exit 1; }

fails=0 checks=0
# q SQL: rows as '|'-separated values, no header
q() {
  ogr2ogr -f CSV /vsistdout/ "$gpkg" -dialect SQLite -sql "$(tr '\n' ' ' <<<"$1")" -lco SEPARATOR=SEMICOLON 2>/dev/null \
    | tail -n +2 | tr -d '"\r' | tr ';' '|'
}
# check DESCRIPTION EXPECTED SQL
check() {
  local got; got=$(q "$3")
  checks=$((checks + 1))
  if [[ $got == "$2" ]]; then
    printf 'ok    %s\n' "$1"
  else
    printf 'FAIL  %s\n      expected: %s\n      got:      %s\n' "$1" "$2" "$got"
    fails=$((fails + 1))
  fi
}

# ---- layers, fields, counts
check "layers" "admin1|admin2|countries|crossings|durand_line|historical_regions|places" \
  "SELECT group_concat(table_name, '|') FROM (SELECT table_name FROM gpkg_contents ORDER BY table_name)"
check "all layers EPSG:4326" "7" "SELECT count(*) FROM gpkg_geometry_columns WHERE srs_id = 4326"
check "durand_line fields" "name|left_iso|right_iso|length_km|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('durand_line') WHERE name NOT IN ('fid', 'geom')"
check "countries fields" "iso3|iso2|name|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('countries') WHERE name NOT IN ('fid', 'geom')"
check "admin1 fields" "code|name|country|name_ps|name_fa|name_ur|alt_names|area_km2|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('admin1') WHERE name NOT IN ('fid', 'geom')"
check "admin2 fields" "name|province_code|province|country|alt_names|name_ps|name_fa|name_ur|area_km2|note|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('admin2') WHERE name NOT IN ('fid', 'geom')"
check "historical_regions fields" "code|name|country|name_ur|alt_names|valid_to|area_km2|note|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('historical_regions') WHERE name NOT IN ('fid', 'geom')"
check "places fields" "place_id|geonameid|name|alt_names|name_ps|name_ur|name_fa|name_ar_other|country|province_code|province|district|adm_method|feature_code|placetype|population|is_current|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('places') WHERE name NOT IN ('fid', 'geom')"
check "crossings fields" "crossing|side|proxy_name|alt_names|point_kind|confidence|dist_durand_km|place_id|note|source" \
  "SELECT group_concat(name, '|') FROM pragma_table_info('crossings') WHERE name NOT IN ('fid', 'geom')"

check "feature counts" "1|8|41|554|1|166662|10" \
  "SELECT (SELECT count(*) FROM durand_line) || '|' || (SELECT count(*) FROM countries) || '|' ||
          (SELECT count(*) FROM admin1) || '|' || (SELECT count(*) FROM admin2) || '|' ||
          (SELECT count(*) FROM historical_regions) || '|' || (SELECT count(*) FROM places) || '|' ||
          (SELECT count(*) FROM crossings)"
if [[ -f $sources_md ]]; then
  for l in durand_line countries admin1 admin2 historical_regions places crossings; do
    want=$(sed -n "s/^feature_count\.$l: *\([0-9]*\).*/\1/p" "$sources_md" | head -n1)
    check "SOURCES.md feature_count.$l" "${want:-<missing line>}" "SELECT count(*) FROM $l"
  done
fi
check "every gazetteer row kept (166,053 WOF rows, ids unique)" "166053|166662" \
  "SELECT (SELECT count(*) FROM places WHERE place_id < 8000000000), (SELECT count(DISTINCT place_id) FROM places)"
check "admin units as places" "41|1|554" \
  "SELECT (SELECT count(*) FROM places WHERE feature_code = 'ADM1' AND place_id >= 9000000000),
          (SELECT count(*) FROM places WHERE feature_code = 'ADM1H'),
          (SELECT count(*) FROM places WHERE feature_code = 'ADM2' AND place_id >= 9000000000)"
check "admin1 per country / admin2 per country" "34|7|398|156" \
  "SELECT (SELECT count(*) FROM admin1 WHERE country = 'AFG'), (SELECT count(*) FROM admin1 WHERE country = 'PAK'),
          (SELECT count(*) FROM admin2 WHERE country = 'AFG'), (SELECT count(*) FROM admin2 WHERE country = 'PAK')"

# ---- geometry validity
for l in durand_line countries admin1 admin2 historical_regions places crossings; do
  check "$l: geometries present and valid" "0" \
    "SELECT count(*) FROM $l WHERE geom IS NULL OR ST_IsEmpty(geom) OR NOT ST_IsValid(geom)"
done
check "geometry types" "LINESTRING|MULTIPOLYGON|MULTIPOLYGON|MULTIPOLYGON|MULTIPOLYGON|POINT|POINT" \
  "SELECT group_concat(geometry_type_name, '|') FROM (SELECT geometry_type_name FROM gpkg_geometry_columns
     ORDER BY CASE table_name WHEN 'durand_line' THEN 1 WHEN 'countries' THEN 2 WHEN 'admin1' THEN 3
       WHEN 'admin2' THEN 4 WHEN 'historical_regions' THEN 5 WHEN 'places' THEN 6 ELSE 7 END)"

# ---- Durand Line
check "Durand Line: AFG left, PAK right, SW->NE" "AFG|PAK|1|1" \
  "SELECT left_iso, right_iso, X(ST_StartPoint(geom)) < X(ST_EndPoint(geom)), Y(ST_StartPoint(geom)) < Y(ST_EndPoint(geom)) FROM durand_line"
check "Durand Line: left side is in Afghanistan, right side in Pakistan" "1|1" \
  "SELECT (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 1), c.geom)) FROM countries c WHERE iso3 = 'AFG')
          > 50 * (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 1), c.geom)) FROM countries c WHERE iso3 = 'PAK'),
          (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 0), c.geom)) FROM countries c WHERE iso3 = 'PAK')
          > 50 * (SELECT ST_Area(ST_Intersection(ST_SingleSidedBuffer(l.geom, 0.005, 0), c.geom)) FROM countries c WHERE iso3 = 'AFG')
   FROM durand_line l"
check "Durand Line: stored length_km = geodesic length" "1" \
  "SELECT abs(length_km - ST_Length(geom, 1) / 1000.0) < 0.06 FROM durand_line"
if [[ -f $sources_md ]]; then
  doc_km=$(sed -n 's/^durand_line_length_km: *\([0-9.]*\).*/\1/p' "$sources_md" | head -n1)
  check "Durand Line: length matches SOURCES.md (${doc_km:-missing} km, +-0.1)" "1" \
    "SELECT abs(length_km - ${doc_km:-0}) <= 0.1 FROM durand_line"
fi

# ---- places: assignment consistent with the shipped layers
check "every AFG/PAK place has province and district; method within|nearest" "0|0" \
  "SELECT (SELECT count(*) FROM places WHERE country IN ('AFG', 'PAK')
             AND (district IS NULL OR province_code IS NULL OR adm_method NOT IN ('within', 'nearest'))),
          (SELECT count(*) FROM places WHERE country NOT IN ('AFG', 'PAK') AND district IS NOT NULL)"
check "every (country, province, district) of a place exists in admin2" "0" \
  "SELECT count(*) FROM (SELECT DISTINCT country, province_code, province, district FROM places WHERE district IS NOT NULL) p
   WHERE NOT EXISTS (SELECT 1 FROM admin2 d WHERE d.country = p.country AND d.province_code = p.province_code
                     AND d.province = p.province AND d.name = p.district)"
check "every province of admin2 exists in admin1" "0" \
  "SELECT count(*) FROM admin2 d WHERE NOT EXISTS (SELECT 1 FROM admin1 a WHERE a.code = d.province_code AND a.name = d.province AND a.country = d.country)"

# place_id|name -> country|province_code|district, and the point really lies
# in that country's and that district's polygon (independent point-in-polygon)
place() { # label place_id name country province_code district
  check "place $1" "$3|$4|$5|$6|1|1" \
    "SELECT p.name, p.country, p.province_code, p.district,
            (SELECT count(*) FROM countries c WHERE c.iso3 = p.country AND ST_Intersects(c.geom, p.geom)),
            (SELECT count(*) FROM admin2 d WHERE d.country = p.country AND d.name = p.district
               AND d.province_code = p.province_code AND ST_Intersects(d.geom, p.geom))
     FROM places p WHERE p.place_id = $2"
}
place "Peshawar"                 421191105  "Peshawar"    PAK PK-KP "Peshawar"
place "Kabul"                    421168799  "Kabul"       AFG AF-KAB "Kabul"
place "Miran Shah"               421175491  "Miram Shah"  PAK PK-KP "North Waziristan"
place "Mir Ali"                  1259496931 "Mir Ali"     PAK PK-KP "North Waziristan"
place "Razmak"                   1243377033 "Razmak"      PAK PK-KP "North Waziristan"
place "Wana"                     421205185  "Wana"        PAK PK-KP "South Waziristan"
place "Quetta"                   421173215  "Quetta"      PAK PK-BA "Quetta"
place "Jalalabad"                1141908137 "Jalalabad"   AFG AF-NAN "Jalalabad"
place "Khost"                    421203103  "Khōst"       AFG AF-KHO "Khost(Matun)"
place "Chaman"                   421167899  "Chaman"      PAK PK-BA "Chaman"
place "Spin Boldak"              1310458171 "Spin Boldak" AFG AF-KAN "Spin Boldak"
place "Torkham (Pakistan side)"  1326893623 "Torkham"     PAK PK-KP "Khyber"
place "Torkham (Afghan side)"    421188433  "Towr Kham"   AFG AF-NAN "Muhmand Dara"
place "Parachinar"               1141906429 "Parachinar"  PAK PK-KP "Kurram"
place "Landi Kotal"              421167239  "Landi Kotal" PAK PK-KP "Khyber"
place "Bannu"                    $(q "SELECT place_id FROM places WHERE name = 'Bannu' AND placetype = 'locality' AND district = 'Bannu' AND population > 0 LIMIT 1") "Bannu" PAK PK-KP "Bannu"
check "Miran Shah is findable by its usual spellings" "1|1|1" \
  "SELECT instr(alt_names, 'Miran Shah') > 0, instr(alt_names, 'Miramshah') > 0, instr(alt_names, 'Miranshah') > 0 FROM places WHERE place_id = 421175491"
check "population joined from GeoNames cities500" "1218773|4434550" \
  "SELECT (SELECT population FROM places WHERE place_id = 421191105), (SELECT population FROM places WHERE place_id = 421168799)"

# ---- admin variants and aliases
check "PK-KP variants" "1|1|1|1|1" \
  "SELECT alt_names LIKE 'Khyber Pakhtunkhwa|%', instr(alt_names, '|KP|') > 0, instr(alt_names, '|KPK|') > 0,
          instr(alt_names, '|NWFP|') > 0, instr(alt_names, 'North-West Frontier Province') > 0 FROM admin1 WHERE code = 'PK-KP'"
check "South Waziristan: one polygon, split names as variants" "1|1|1|1|1" \
  "SELECT count(*), instr(alt_names, 'Upper South Waziristan') > 0, instr(alt_names, 'Lower South Waziristan') > 0,
          instr(alt_names, 'South Waziristan Agency') > 0, note LIKE '%Upper South Waziristan%' FROM admin2 WHERE name = 'South Waziristan'"
check "FATA historical region" "PK-TA|2018|1|1" \
  "SELECT code, valid_to, instr(alt_names, 'FATA') > 0, instr(alt_names, 'Tribal Areas') > 0 FROM historical_regions"
if [[ -f $aliases_csv ]]; then
  # every alias in aliases.csv is in the alt_names of a feature of the named layer and country
  while IFS=, read -r alias target kind country _; do
    [[ $alias == alias ]] && continue
    case $kind in
      admin1|admin2) tbl=$kind ;;
      historical_region) tbl=historical_regions ;;
      place) tbl=places ;;
      *) tbl=unknown ;;
    esac
    a=${alias//\'/\'\'} t=${target//\'/\'\'}
    check "alias '$alias' -> $kind '$target'" "1" \
      "SELECT count(*) >= 1 FROM $tbl WHERE name = '$t' AND country = '$country'
         AND instr('|' || lower(coalesce(alt_names, '')) || '|', '|' || lower('$a') || '|') > 0"
  done < "$aliases_csv"
fi

# ---- crossings
check "crossings: settlement proxies on the stated side" "0|0" \
  "SELECT (SELECT count(*) FROM crossings WHERE point_kind <> 'settlement proxy, not the gate position'),
          (SELECT count(*) FROM crossings x WHERE NOT EXISTS (
             SELECT 1 FROM countries c WHERE c.iso3 = x.side AND ST_Intersects(c.geom, x.geom)))"
check "crossings: one row per crossing and side" "10|10" \
  "SELECT count(*), count(DISTINCT crossing || '|' || side) FROM crossings"

echo "check-geodata: $checks checks, $fails failed ($gpkg)"
[[ $fails -eq 0 ]]
