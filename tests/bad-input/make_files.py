#!/usr/bin/env python3
"""Write the bad-input corpus (tests/bad-input/files/) — run it to
regenerate after editing; the files are committed so that every case is
readable on its own. Rows are invented border incidents in ACLED's 2023+
layout (and UCDP GED / generic CSV / news articles), not data from any
project. The 10 MB single-line file is written at test time by
tests/e2e/test_bad_input.py (generated: "long_line_10mb"), not here.
"""
import gzip
import os
import struct
import zlib

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files")

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
                "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,"
                "fatalities,tags,timestamp")
COLS = ACLED_HEADER.split(",")

# Three good rows: places of the shipped gazetteer, coordinates near them.
GOOD = [
    dict(event_id_cnty="PAK0001", event_date="2023-07-30", year="2023", time_precision="1",
         disorder_type="Political violence", event_type="Explosions/Remote violence", sub_event_type="Suicide bomb",
         actor1="Islamic State Khorasan Province", inter1="2", actor2="Civilians (Pakistan)", inter2="7",
         interaction="27", iso="586", region="Southern Asia", country="Pakistan", admin1="Khyber Pakhtunkhwa",
         admin2="Bajaur", admin3="Khar", location="Khar", latitude="34.7330", longitude="71.5260",
         geo_precision="1", source="Dawn", source_scale="National", notes="A bomber struck a gathering in Khar.",
         fatalities="3", timestamp="1690934400"),
    dict(event_id_cnty="AFG0002", event_date="2022-11-19", year="2022", time_precision="1",
         disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
         actor1="Military Forces of Afghanistan (2021-)", inter1="1", actor2="Military Forces of Pakistan (2018-)",
         inter2="8", interaction="18", iso="4", region="Caspian", country="Afghanistan", admin1="Nangarhar",
         admin2="Dur Baba", location="Dur Baba", latitude="34.0397", longitude="70.9300", geo_precision="2",
         source="Tolo News", source_scale="National", notes="Border forces exchanged fire near the zero line.",
         fatalities="2", timestamp="1668816000"),
    dict(event_id_cnty="PAK0003", event_date="2024-03-16", year="2024", time_precision="1",
         disorder_type="Political violence", event_type="Battles", sub_event_type="Armed clash",
         actor1="TTP: Tehreek-e-Taliban Pakistan", inter1="2", actor2="Military Forces of Pakistan (2018-)",
         inter2="1", interaction="12", iso="586", region="Southern Asia", country="Pakistan",
         admin1="Khyber Pakhtunkhwa", admin2="North Waziristan", admin3="Mir Ali", location="Mir Ali",
         latitude="33.0186", longitude="70.2922", geo_precision="1", source="ISPR", source_scale="National",
         notes="Attackers drove a vehicle into a military post in Mir Ali.", fatalities="7", timestamp="1710633600"),
]


def csv_field(v):
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def acled_row(base=0, **changes):
    row = dict(GOOD[base])
    row.update(changes)
    return ",".join(csv_field(row.get(c, "")) for c in COLS)


def acled(rows, header=ACLED_HEADER, eol="\n"):
    return (eol.join([header] + rows) + eol)


def good_rows(prefix="X"):
    return [acled_row(i, event_id_cnty=f"{prefix}{i + 1:04d}") for i in range(3)]


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def png_bytes():
    raw = b"\x00\xff\x00\x00" * 4
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    os.makedirs(HERE, exist_ok=True)
    g = good_rows

    # ---- encodings and line ends -------------------------------------------------
    write("cp1252.csv", acled(g("W")[:2] + [acled_row(2, event_id_cnty="W0003", notes="Caf\u00e9 owner \u201cKhan\u201d "
                                                       "said 7 died \u2013 police")]).encode("cp1252"))
    write("cr_only.csv", acled(g("R"), eol="\r"))
    write("crlf_mixed.csv", ACLED_HEADER + "\r\n" + g("M")[0] + "\n" + g("M")[1] + "\r\n" + g("M")[2] + "\r")
    write("bom_utf8.csv", b"\xef\xbb\xbf" + acled(g("B")).encode())
    write("bom_utf16le.csv", b"\xff\xfe" + acled(g("U")).encode("utf-16-le"))
    # a lone 0xFF before any other non-ASCII byte: the file reads as Windows-1252
    write("lone_ff_byte.csv", acled(g("I")[:1] + [acled_row(1, event_id_cnty="I0002", location="DurXXBaba")] +
                                    g("I")[2:]).encode().replace(b"DurXXBaba", b"Dur\xffBaba"))
    # UTF-8 first (row 2), then a broken sequence (row 3): that row is rejected
    write("invalid_utf8.csv", acled([acled_row(0, event_id_cnty="V0001", notes="Jal\u0101l\u0101b\u0101d road"),
                                     acled_row(1, event_id_cnty="V0002", notes="DurXXBaba")] + g("V")[2:])
          .encode().replace(b"DurXXBaba", b"Dur\xc3\x28Baba"))
    write("nul_bytes.csv", acled(g("N")).encode().replace(b"Border forces", b"Border\x00forces"))
    write("latin1_no_bom.txt", "PESHAWAR, 30 January 2023 \u2013 A suicide bomber killed 84 people in Peshawar, "
          "police said. The caf\xe9 nearby was closed.\n".encode("cp1252", "replace"))

    # ---- header problems ----------------------------------------------------------------
    write("dup_headers.csv", acled([r + ",dup note,99" for r in g("D")], header=ACLED_HEADER + ",notes,fatalities"))
    write("header_only.csv", ACLED_HEADER + "\n")
    write("empty.csv", b"")
    write("blank_lines.csv", "\n\n   \n\r\n")
    write("no_header_csv.csv", "\n".join(g("H")) + "\n")
    write("repeated_header.csv", acled(g("P")[:1] + [ACLED_HEADER] + g("P")[1:]))
    write("totals_row.csv", acled(g("T") + [",,,,,,,,,,,,,,,,,,,,,Total,,,,,,,12,,"]))
    write("wide_header.csv", ",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("x" for _ in range(5000)) + "\n")
    write("generic_unmapped.csv", "when,where,dead\n2023-01-30,Peshawar,84\n")
    write("generic_mapped.csv", "when;where;dead;lat;lon\n2023-01-30;Peshawar;84;34.008;71.5785\n"
          "31/02/2023;Khar;3;34.733;71.526\n2023-03-01;Nowhere-in-particular;x;;\n")
    write("ucdp_missing_cols.csv", "id,year,best,latitude\n1,2020,3,34.1\n")

    # ---- row problems ------------------------------------------------------------------
    write("ragged_rows.csv", acled([g("G")[0], "G0002,2022-11-19,2022,1,too,few", g("G")[2] + ",extra,fields"]))
    write("unterminated_quote.csv", acled(g("Q")[:2] + [acled_row(2, event_id_cnty="Q0003")
                                                        .replace("Attackers drove", '"Attackers drove')]))
    write("quoted_newlines.csv", acled([acled_row(0, event_id_cnty="L0001", notes="line one\nline two\r\nthree"),
                                        acled_row(1, event_id_cnty="L0002", actor2="A \"quoted\", actor")]))
    write("bad_dates.csv", acled([acled_row(0, event_id_cnty="D0001", event_date="2023-02-30"),
                                  acled_row(1, event_id_cnty="D0002", event_date="31/31/2020"),
                                  acled_row(2, event_id_cnty="D0003", event_date="tomorrow"),
                                  acled_row(0, event_id_cnty="D0004", event_date="0000-01-01"),
                                  acled_row(1, event_id_cnty="D0005", event_date="2023-07-30")]))
    write("far_dates.csv", acled([acled_row(0, event_id_cnty="F0001", event_date="9999-12-31"),
                                  acled_row(1, event_id_cnty="F0002", event_date="1000-01-01")]))
    write("huge_numbers.csv", acled([acled_row(0, event_id_cnty="N0001", fatalities="99999999999999999999999"),
                                     acled_row(1, event_id_cnty="N0002", fatalities="1e308"),
                                     acled_row(2, event_id_cnty="N0003", fatalities="2147483648"),
                                     acled_row(0, event_id_cnty="N0004", latitude="1" + "0" * 400),
                                     acled_row(1, event_id_cnty="N0005", fatalities="12")]))
    write("negative_numbers.csv", acled([acled_row(0, event_id_cnty="M0001", fatalities="-3"),
                                         acled_row(1, event_id_cnty="M0002", fatalities="-0"),
                                         acled_row(2, event_id_cnty="M0003", geo_precision="-1")]))
    write("nan_inf_coords.csv", acled([acled_row(0, event_id_cnty="C0001", latitude="NaN", longitude="71.5"),
                                       acled_row(1, event_id_cnty="C0002", latitude="34.0", longitude="inf"),
                                       acled_row(2, event_id_cnty="C0003", latitude="-Infinity", longitude="nan"),
                                       acled_row(0, event_id_cnty="C0004", latitude="0x1p5", longitude="71.5"),
                                       acled_row(1, event_id_cnty="C0005")]))
    write("out_of_range_coords.csv", acled([acled_row(0, event_id_cnty="O0001", latitude="91", longitude="71"),
                                            acled_row(1, event_id_cnty="O0002", latitude="34", longitude="-181"),
                                            acled_row(2, event_id_cnty="O0003", latitude="34.1", longitude="70.1")]))
    write("swapped_coords.csv", acled([acled_row(0, event_id_cnty="S0001", latitude="71.5260", longitude="34.7330"),
                                       acled_row(2, event_id_cnty="S0002", latitude="70.2922", longitude="33.0186",
                                                 location="Somewhere Unknown")]))
    write("zero_coords.csv", acled([acled_row(0, event_id_cnty="Z0001", latitude="0", longitude="0"),
                                    acled_row(1, event_id_cnty="Z0002", latitude="0.0", longitude="0.0",
                                              location="")]))
    write("missing_place_and_coords.csv", acled([acled_row(0, event_id_cnty="E0001", latitude="", longitude="",
                                                           location="", admin1="", admin2="", admin3="",
                                                           country="")]))
    sql_meta = "'; DROP TABLE events; -- \" OR 1=1 /* %_\\ ` ; \x1a"
    write("sql_meta.csv", acled([acled_row(0, **{c: sql_meta for c in
                                                ("event_type", "sub_event_type", "actor1", "assoc_actor_1",
                                                 "actor2", "assoc_actor_2", "region", "admin3", "source",
                                                 "source_scale", "notes", "tags")},
                                           event_id_cnty="'; DROP TABLE events;--"),
                                 acled_row(1, event_id_cnty="K0002", location=sql_meta, admin1=sql_meta,
                                           admin2=sql_meta, country=sql_meta)]))
    write("control_chars.csv", acled([acled_row(0, event_id_cnty="V0001", notes="bell\x07 esc\x1b[31m red \x7f del"),
                                      acled_row(1, event_id_cnty="V0002", actor1="\u202eevil RTL\u202c \ufeff")]))
    write("very_long_field.csv", acled([acled_row(0, event_id_cnty="Y0001", notes="word " * 40000),
                                        acled_row(1, event_id_cnty="Y0002")]))
    write("mixed_good_bad.csv", acled([g("J")[0], acled_row(1, event_id_cnty="J0002", event_date="2023-13-01"),
                                       g("J")[2], acled_row(0, event_id_cnty="J0004", latitude="north"),
                                       acled_row(1, event_id_cnty="J0005", fatalities="many")]))
    # a province or district name over DN_NAME_MAX (512) bytes: its row is rejected naming the column, with
    # or without coordinates; a place name that long is only flagged (bad_place_name), the row stored
    write("long_admin_names.csv", acled([acled_row(0, event_id_cnty="K0001"),
                                         acled_row(0, event_id_cnty="K0002", admin2="X" * 600, location="",
                                                   latitude="", longitude=""),
                                         acled_row(0, event_id_cnty="K0003", admin1="Y" * 600, latitude="",
                                                   longitude=""),
                                         acled_row(0, event_id_cnty="K0004", admin2="X" * 600),
                                         acled_row(0, event_id_cnty="K0005", location="Z" * 600, latitude="",
                                                   longitude=""),
                                         acled_row(2, event_id_cnty="K0006")]))
    write("duplicate_ids.csv", acled([acled_row(0, event_id_cnty="U0001"), acled_row(1, event_id_cnty="U0001"),
                                      acled_row(2, event_id_cnty="U0003")]))
    write("tab_separated.csv", acled(g("TS")).replace(",", "\t"))
    write("semicolon_acled.csv", acled(g("SC")).replace(",", ";"))

    # ---- not a table at all ------------------------------------------------------------------
    write("binary.csv", png_bytes())
    write("gzip.csv", gzip.compress(acled(g("Z")).encode(), mtime=0))
    write("bad.geojson", '{"type": "FeatureCollection", "features": [ {"type": "Feature", "geometry": ')
    write("wrong.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
          '{"event_date": "2023-01-30", "location": "Peshawar", "fatalities": "x"}, '
          '"geometry": {"type": "Point", "coordinates": [1e999, 34]}}]}')

    # ---- news articles -------------------------------------------------------------------------
    write("empty_article.txt", b"")
    write("whitespace_article.txt", " \n\t\r\n \u00a0\n")
    write("binary_article.txt", png_bytes() + os.urandom(0) + bytes(range(256)))
    write("empty.html", "<!doctype html><html><head><title></title><script>var x = '<p>Peshawar blast kills 84</p>';"
          "</script><style>p{}</style></head><body><nav>Home | World</nav><!-- Peshawar 84 killed --></body></html>")
    write("tags_only.html", "<html><body>" + "<div><span></span></div>" * 2000 + "</body></html>")
    write("unclosed.html", "<html><body><p>A suicide bomber killed 84 people in Peshawar on 30 January 2023"
          "<p><b><i><a href='x")
    write("nul_article.txt", b"PESHAWAR, Jan 30, 2023 - A suicide bomber\x00 killed 84 people in Peshawar.\n")
    write("invalid_utf8_article.txt", b"PESHAWAR, Jan 30, 2023 - A \xff\xfe suicide bomber killed 84 people in "
          b"Peshawar, police said.\n")
    write("bad_records.jsonl", '{"text": "PESHAWAR, Jan 30, 2023 - A suicide bomber killed 84 people in Peshawar.",'
          ' "date": "2023-01-30"}\n{"text": unquoted}\n[1, 2, 3]\n{"date": "2023-02-01"}\n"just a string"\n'
          '{"text": 42}\n\n{"text": "KHAR, Jul 30, 2023 - A bomber killed 63 people in Khar, Bajaur.", '
          '"date": "not a date"}\n')
    write("no_events_article.txt", "The weather in Kabul was mild this week, and the markets were busy.\n")

    # ---- geocode and check inputs (stdin) -------------------------------------------------------
    write("geocode_lines.txt", b"Peshawar\r\n\r\nKh\xffar\nMir\x00Ali\n" + b"x" * 600 + b"\n'; DROP TABLE places; --\n"
          b"   \nJalalabad\n")
    write("check_lines.txt", "34.0,71.5\nNaN,71.5\n34.0,inf\n91,71\n34,181\nabc,def\n34.0,71.5,-5\n"
          "34.0,71.5,1e400\n34.0\n34.0,71.5,1,2\n\n  33.0 , 70.0  \n1e999,70\n")

    # ---- databases --------------------------------------------------------------------------------
    write("corrupt.sqlite", b"SQLite format 3\x00" + bytes(range(256)) * 16)
    write("random.sqlite", bytes((i * 7919) % 256 for i in range(8192)))
    write("text_file.sqlite", "this is not a database\n")


if __name__ == "__main__":
    main()
