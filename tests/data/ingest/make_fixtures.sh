#!/usr/bin/env bash
# Regenerate the ingest test fixtures in this directory. The rows are
# invented for the tests (border incidents in the real column layouts of
# ACLED and UCDP GED exports); byte-level cases (CRLF, CR-only, BOM,
# Windows-1252, NUL, invalid UTF-8) are written with printf so every byte is
# visible here. The 10 MB single-line case is made at test time instead.
#   tests/data/ingest/make_fixtures.sh      (needs python3; ogr2ogr for the shapefile)
set -euo pipefail
cd "$(dirname "$0")"

python3 - <<'PY'
import csv

def write(name, header, rows, terminator="\n", shown=None):
    with open(name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator=terminator)
        w.writerow(shown or header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])

acled_2023 = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
              "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
              "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
              "tags,timestamp").split(",")
write("acled_2023.csv", acled_2023, [
    dict(event_id_cnty="PAK90001", event_date="2023-07-30", year="2023", time_precision="1",
         disorder_type="Political violence", event_type="Explosions/Remote violence",
         sub_event_type="Suicide bomb", actor1="Islamic State Khorasan Province",
         inter1="2", actor2="Civilians (Pakistan)", inter2="7", interaction="27",
         civilian_targeting="Civilian targeting", iso="586", region="Southern Asia", country="Pakistan",
         admin1="Khyber Pakhtunkhwa", admin2="Bajaur", admin3="Khar", location="Khar",
         latitude="34.7330", longitude="71.5260", geo_precision="1", source="Dawn; The News",
         source_scale="National", notes="On 30 July 2023, a suicide bomber struck a political gathering in Khar, "
         "Bajaur district. 3 people were reported killed in the first reports.",
         fatalities="3", tags="", timestamp="1690934400"),
    dict(event_id_cnty="AFG70002", event_date="19 November 2022", year="2022", time_precision="2",
         disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
         actor1="Military Forces of Afghanistan (2021-)", inter1="1", actor2="Military Forces of Pakistan (2018-)",
         inter2="8", interaction="18", iso="4", region="Caspian", country="Afghanistan", admin1="Nangarhar",
         admin2="Dur Baba", location="Dur Baba", latitude="34.0151", longitude="70.6130", geo_precision="2",
         source="Tolo News", source_scale="National",
         notes='Around 19 November 2022 (week of), border forces exchanged fire near the "zero line" in Dur Baba.\n'
               "No casualties were reported.",
         fatalities="0", timestamp="1669000000"),
    dict(event_id_cnty="PAK90003", event_date="2023-03-14", year="2023", time_precision="3",
         disorder_type="Political violence", event_type="Violence against civilians", sub_event_type="Attack",
         actor1="Unidentified Armed Group (Pakistan)", inter1="3", actor2="Civilians (Pakistan)", inter2="7",
         interaction="37", iso="586", region="Southern Asia", country="Pakistan", admin1="Khyber Pakhtunkhwa",
         admin2="North Waziristan", location="Miran Shah", latitude="33.0003", longitude="70.0708",
         geo_precision="3", source="Local media", source_scale="Subnational",
         notes="In March 2023, gunmen killed a tribal elder in North Waziristan.", fatalities="1",
         timestamp="1680000000"),
    dict(event_id_cnty="PAK90004", event_date="2023-05-02", year="2023", time_precision="1",
         disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
         actor1="Military Forces of Pakistan (2018-)", country="Pakistan", admin1="Khyber Pakhtunkhwa",
         admin2="Kurram", location="Parachinar", latitude="95.2", longitude="70.09", geo_precision="1",
         notes="Coordinates typed wrongly in this test row.", fatalities="2", timestamp="1683000000"),
    dict(event_id_cnty="PAK90005", event_date="2023-06-11", year="2023", time_precision="1",
         disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
         actor1="TTP: Tehreek-i-Taliban Pakistan", country="Pakistan", admin1="Khyber Pakhtunkhwa",
         admin2="Kurram", location="Parachinar", latitude="33.8992", longitude="70.1008", geo_precision="1",
         notes="Fighting reported; casualty figures not given.", fatalities="", timestamp="1686500000"),
])

acled_old = ("data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,sub_event_type,"
             "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,country,admin1,admin2,"
             "admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,timestamp,"
             "iso3").split(",")
write("acled_old_crlf.csv", acled_old, [
    dict(data_id="6610001", iso="586", event_id_cnty="PAK40011", event_id_no_cnty="40011",
         event_date="14 March 2019", year="2019", time_precision="1", event_type="Battles",
         sub_event_type="Armed clash", actor1="Military Forces of Pakistan (2018-)", inter1="1",
         actor2="Military Forces of Afghanistan (2014-2021)", inter2="8", interaction="18", region="South Asia",
         country="Pakistan", admin1="Balochistan", admin2="Qilla Abdullah", location="Chaman",
         latitude="30.9210", longitude="66.4597", geo_precision="1", source="Express Tribune",
         source_scale="National", notes="Border guards traded fire at the Chaman crossing.",
         fatalities="2", timestamp="1552608000", iso3="PAK"),
    dict(data_id="6610002", iso="4", event_id_cnty="AFG30012", event_id_no_cnty="30012",
         event_date="02 April 2019", year="2019", time_precision="3", event_type="Explosions/Remote violence",
         sub_event_type="Shelling/artillery/missile attack", actor1="Military Forces of Pakistan (2018-)",
         inter1="8", actor2="Civilians (Afghanistan)", inter2="7", interaction="78", region="South Asia",
         country="Afghanistan", admin1="Khost", admin2="Tani", location="Tani", latitude="33.2870",
         longitude="69.8386", geo_precision="2", source="Pajhwok", source_scale="National",
         notes="Cross-border shelling hit houses in Tani district, Khost.", fatalities="4",
         timestamp="1554163200", iso3="AFG"),
], terminator="\r\n", shown=[h.upper() for h in acled_old])

ucdp = ("id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
        "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,"
        "side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,"
        "where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,"
        "country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
        "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob").split(",")
base = dict(year="2019", active_year="1", code_status="Clear", conflict_dset_id="209", conflict_new_id="209",
            conflict_name="Pakistan: Government", dyad_dset_id="736", dyad_new_id="736",
            dyad_name="Government of Pakistan - TTP", side_a_dset_id="770", side_a_new_id="770",
            side_a="Government of Pakistan", side_b_dset_id="1066", side_b_new_id="1066", side_b="TTP",
            number_of_sources="2", country="Pakistan", country_id="770", region="Asia", event_clarity="1",
            gwnoa="770", gwnob="")
def ucdp_row(**kw):
    r = dict(base); r.update(kw); return r
write("ucdp_ged.csv", ucdp, [
    ucdp_row(id="310001", relid="PAK-2019-1-736-10", type_of_violence="1", source_headline="Soldiers killed "
             "in attack on post in Kurram", where_prec="1", where_coordinates="Sadda town",
             where_description="checkpost near Sadda, Kurram", adm_1="Khyber Pakhtunkhwa province",
             adm_2="Kurram district", latitude="33.7040", longitude="70.3260", geom_wkt="POINT (70.326 33.704)",
             priogrid_gid="174181", date_prec="1", date_start="2019-05-12 00:00:00.000",
             date_end="2019-05-12 00:00:00.000", deaths_a="3", deaths_b="1", deaths_civilians="0",
             deaths_unknown="0", best="4", high="6", low="4"),
    ucdp_row(id="310002", relid="AFG-2019-3-1066-11", type_of_violence="3", side_a="TTP", side_b="Civilians",
             source_headline="Shelling reported in Khost province", where_prec="4",
             where_coordinates="Khost province", where_description="somewhere in Khost province",
             adm_1="Khost province", latitude="33.3333", longitude="69.9167", date_prec="4",
             date_start="2019-08-17", date_end="2019-08-31", best="2", high="2", low="1", country="Afghanistan"),
    ucdp_row(id="310003", relid="PAK-2019-1-736-12", type_of_violence="1", source_headline="Clash near "
             "the border in Bajaur", where_prec="6", where_coordinates="Pakistan", where_description="Pakistan",
             latitude="30.0000", longitude="70.0000", date_prec="1", date_start="2019-09-01",
             date_end="2019-09-01", best="5", high="4", low="5"),
    ucdp_row(id="310004", relid="PAK-2019-1-736-13", type_of_violence="1", source_headline="Negative count "
             "test row", where_prec="2", where_coordinates="Wana", adm_1="Khyber Pakhtunkhwa province",
             latitude="32.3000", longitude="69.5700", date_prec="1", date_start="2019-10-05",
             date_end="2019-10-05", best="-3", high="0", low="0"),
])

# Location precision codes beyond the plain ones: UCDP's "within ~25 km" (2),
# international waters or unknown (7), codes GED does not define, none.
def ucdp_at(id, where_prec):
    return ucdp_row(id=id, relid="PAK-2020-1-736-" + id, type_of_violence="1", source_headline="where_prec "
                    + (where_prec or "empty"), where_prec=where_prec, where_coordinates="Wana",
                    latitude="32.3000", longitude="69.5700", date_prec="1", date_start="2020-01-05",
                    date_end="2020-01-05", best="1", high="1", low="1")
write("ucdp_where_prec.csv", ucdp, [ucdp_at("320002", "2"), ucdp_at("320005", "5"), ucdp_at("320007", "7"),
                                    ucdp_at("320000", "0"), ucdp_at("320008", "8"), ucdp_at("320009", "x"),
                                    ucdp_at("320010", "")])
def acled_at(id, geo_precision):
    return dict(event_id_cnty=id, event_date="2023-09-01", year="2023", time_precision="1", event_type="Battles",
                sub_event_type="Armed clash", country="Pakistan", admin1="Khyber Pakhtunkhwa", admin2="Khyber",
                location="Landi Kotal", latitude="34.0986", longitude="71.1461", geo_precision=geo_precision,
                fatalities="1")
write("acled_geo_precision.csv", acled_2023, [acled_at("PAK91004", "4"), acled_at("PAK91005", ""),
                                              acled_at("PAK91006", "x")])
PY

# Generic CSV with messy values; header case, spacing and a duplicate column.
cat > generic_messy.csv <<'CSV'
 Event Date ,Place, LAT ,Lon,Killed,Injured,Notes,NOTES
19/11/2022,Torkham,34.1286,71.0940,5-7,2,Clash at the gate,dup
03/04/2022,Landi Kotal,34.0982,71.1455,NA,,Ambiguous day-first date,
"Nov 19, 2022",Spin Boldak,31.0080,66.3980,2.5,1,"Quoted, with comma",
November 2022,Angoor Adda,32.3290,69.3470,at least 3,Unreported,Month only,
2022,Ghulam Khan,33.1250,69.9130,-,-,Year only,

Sunday-November 19-1995,Chaman,30.92,66.45,0,0,Spelled-out date,
Event Date,Place,LAT,Lon,Killed,Injured,Notes,NOTES
21/11/2022,Kharlachi,nan,70.0880,1,0,NaN latitude,
22/11/2022,Teri Mangal,0,0,1,0,Zero coordinates,
23/11/2022,Nawa Pass,34.6000,71.2000,99999999999,0,Huge count,
24/11/2022,Arandu,35.2000,71.5000,-4,0,Negative count,
25/11/2022,Kamdesh,35.4000,71.3000,1,0
26/11/2022,Barikot,35.3000,71.5333,1,0,"Range with en dash wrongly typed",x
31/02/2022,Nowhere,34,70,1,0,Impossible date,
Total,,,,15,3,,
CSV

# Values that only a --map or --date-order reads right: no column name is
# guessed for the date, "Dead (best)" is not guessed for killed, 05/06/2023
# reads both ways; the third row has no id (its uid is its content's hash).
printf 'id,When,Village,Dead (best),Lat,Lng\nr1,05/06/2023,Landi Kotal,2,34.0986,71.1461\nr2,2023-07-30,Torkham,3,34.1147,71.0847\n,07/08/2023,Wana,1,32.3000,69.5700\n' > remapped.csv

# Values that begin like a totals row's label but are data, then two real
# totals rows.
cat > totals_lookalikes.csv <<'CSV'
date,place,description,killed
2023-07-30,Wana,"Total of 12 militants killed in an operation",12
2023-07-31,Sum Kalay,clash,1
2023-08-01,Wana,Sum of two attacks,3
2023-08-02,Total,a place of that name,1
Subtotal:,,,17
Grand Total,,,17
CSV

# A spreadsheet's trailing unnamed header columns (",,"): rows short of
# them, filling them, past them with blanks, with a value in one (ignored,
# as before), with a value past the header, short of the named columns, and
# line 2's row again with the padding.
cat > blank_header_columns.csv <<'CSV'
date,place,killed,,
2023-07-30,Landi Kotal,2
2023-07-31,Torkham,1,,
2023-08-01,Wana,4,,,
2023-08-02,Chaman,1,,x
2023-08-03,Khar,1,,,y
2023-08-04,Kurram
2023-07-30,Landi Kotal,2,,
CSV

# Month-first file: 12/31/2022 settles the order for 03/04/2022.
printf 'date,place,killed\n03/04/2022,Torkham,1\n12/31/2022,Chaman,2\n' > mdy.csv

# The same three rows with LF, CRLF and CR-only line ends (a quoted field
# holds a line break too).
rows='id,date,place,notes|K1,2023-01-05,Kurram,"first line|second line"|K2,2023-01-06,Khost,plain|'
printf '%s' "$rows" | tr '|' '\n' > lines_lf.csv
printf '%s' "$rows" | sed 's/|/\r\n/g' > lines_crlf.csv
printf '%s' "$rows" | tr '|' '\r' > lines_cr.csv

# UTF-8 with a BOM and non-ASCII place names (Pashto, Urdu).
printf '\xef\xbb\xbfdate,place,killed\n2023-02-01,\xd9\xbe\xd8\xa7\xda\x93\xd9\x87 \xda\x86\xd9\x86\xd8\xa7\xd8\xb1,2\n2023-02-02,Pe\xc5\x9fawar,1\n' > bom_utf8.csv

# Windows-1252: é (E9), curly quotes (93 94), en dash (96) in a range.
printf 'date,place,killed,notes\n2023-03-01,Peshawar caf\xe9,1,plain\n2023-03-02,Torkham,5\x967,\x93zero line\x94 clash\n' > cp1252.csv

# A UTF-8 file (valid multi-byte first) with a stray Latin-1 byte later.
printf 'date,place,killed\n2023-04-01,Pe\xc5\x9fawar,1\n2023-04-02,Caf\xe9,1\n2023-04-03,Khost,1\n' > invalid_utf8.csv

# A NUL byte inside a field.
printf 'date,place,killed\n2023-05-01,Bad\x00Place,1\n2023-05-02,Khost,1\n' > nul_byte.csv

# A quote opened on the last row and never closed.
printf 'date,place,notes\n2023-06-01,Khost,fine\n2023-06-02,Kurram,"never closed\nstill inside\n' > unterminated.csv

# Semicolon-delimited file with its own column names (needs --map).
printf 'Datum;Ort;Breite;Laenge;Tote;Beschreibung\n2023-07-01;Torkham;34.1286;71.0940;2;Schusswechsel\n' > mapped_semicolon.csv

# OGR layers: GeoJSON points (WGS 84), and the same in UTM 42N as a shapefile.
cat > events.geojson <<'JSON'
{"type": "FeatureCollection", "features": [
{"type": "Feature", "properties": {"event_date": "2023-08-01", "location": "Torkham", "fatalities": 2, "id": "G1"},
 "geometry": {"type": "Point", "coordinates": [71.094, 34.1286]}},
{"type": "Feature", "properties": {"event_date": "2023-08-02", "location": "Chaman area", "fatalities": null, "id": "G2"},
 "geometry": {"type": "Polygon", "coordinates": [[[66.4, 30.9], [66.5, 30.9], [66.5, 31.0], [66.4, 31.0], [66.4, 30.9]]]}},
{"type": "Feature", "properties": {"event_date": "not a date", "location": "Khost", "fatalities": 1, "id": "G3"},
 "geometry": {"type": "Point", "coordinates": [69.92, 33.33]}}
]}
JSON
if command -v ogr2ogr >/dev/null; then
  rm -f events_utm.shp events_utm.shx events_utm.dbf events_utm.prj events_utm.cpg
  ogr2ogr -f "ESRI Shapefile" -s_srs EPSG:4326 -t_srs EPSG:32642 events_utm.shp events.geojson \
    -where "id = 'G1'" -nlt POINT
  # a shapefile in Windows-1252 with no .cpg to say so: OGR hands its bytes over as they are
  rm -f events_cp1252.shp events_cp1252.shx events_cp1252.dbf events_cp1252.prj events_cp1252.cpg
  printf '%s\n' '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties":' \
    ' {"event_date": "2023-08-03", "location": "Kandahâr", "id": "W1"},' \
    ' "geometry": {"type": "Point", "coordinates": [65.71, 31.61]}}]}' > events_cp1252.geojson
  ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP1252 events_cp1252.shp events_cp1252.geojson
  rm -f events_cp1252.cpg events_cp1252.geojson
fi
echo "fixtures written to $(pwd)"
