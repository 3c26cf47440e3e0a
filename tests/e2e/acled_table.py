"""A generated ACLED-shaped table for the end-to-end tests that need many
rows (crash consistency, concurrent reading): real places on both sides of
the Durand Line, coordinates jittered around them, one event a row with a
unique event_id_cnty ("<prefix><row number>", or none), no rejects."""

HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
          "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
          "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
          "tags,timestamp")
# (country, admin1, admin2, location, lat, lon)
PLACES = [
    ("Pakistan", "Khyber Pakhtunkhwa", "Bajaur", "Khar", 34.7361, 71.5274),
    ("Pakistan", "Khyber Pakhtunkhwa", "North Waziristan", "Mir Ali", 33.0186, 70.2922),
    ("Pakistan", "Khyber Pakhtunkhwa", "Peshawar", "Peshawar", 34.0080, 71.5785),
    ("Pakistan", "Balochistan", "Killa Abdullah", "Chaman", 30.9210, 66.4597),
    ("Afghanistan", "Nangarhar", "Dur Baba", "Dur Baba", 34.0397, 70.9300),
    ("Afghanistan", "Khost", "Khost", "Khost", 33.3395, 69.9204),
    ("Afghanistan", "Kunar", "Asadabad", "Asadabad", 34.8742, 71.1528),
    ("Afghanistan", "Kandahar", "Spin Boldak", "Spin Boldak", 31.0058, 66.4000),
]
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
         ("Violence against civilians", "Attack"), ("Protests", "Peaceful protest")]


def write_table(path, rows, rng, prefix="GEN"):
    """Write `rows` rows to `path`; `rng` is a random.Random (seeded by the caller).
    prefix None leaves event_id_cnty empty: durand then makes each uid of the
    row's hash."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "\n")
        for i in range(rows):
            country, a1, a2, loc, lat, lon = PLACES[i % len(PLACES)]
            etype, sub = TYPES[rng.randrange(len(TYPES))]
            day = f"20{18 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}"
            lat += rng.uniform(-0.02, 0.02)
            lon += rng.uniform(-0.02, 0.02)
            notes = f"Row {i}: an incident was reported near {loc}, {a2}; {i % 9} people were killed."
            event_id = "" if prefix is None else f"{prefix}{i:06d}"
            f.write(f"{event_id},{day},{day[:4]},1,Political violence,{etype},{sub},Actor {i % 17},,1,"
                    f"Actor {i % 23},,2,12,,0,Southern Asia,{country},{a1},{a2},,{loc},{lat:.4f},{lon:.4f},1,"
                    f"Test,National,\"{notes}\",{i % 9},,1600000000\n")


def backup(src, dst):
    """A consistent copy of a SQLite database (also one in WAL mode)."""
    import sqlite3
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dst)
    s.backup(d)
    s.close()
    d.close()


def read_now(db, sql):
    """The first value of sql's first row, as a read-only connection sees
    the store now (WAL: a reader is never blocked by the writer)."""
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def stored_events(db):
    """The number of events stored now (read_now)."""
    return read_now(db, "SELECT count(*) FROM events")
