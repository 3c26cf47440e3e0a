#!/usr/bin/env python3
"""`durand check -` streams: each input line's row comes out before the next
line is written (jsonl and csv), and the run goes on past bad lines.
"""
# fixture: geodata_db
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402


def main():
    args = dn_e2e.parse_args()
    env = dict(os.environ)
    env["DURAND_DB"] = os.path.join(args.workdir, "..", "geodata.sqlite")
    env.setdefault("DURAND_GEODATA", os.path.join(args.source_dir, "geodata"))
    for fmt in ("jsonl", "csv"):
        cmd = shlex.split(args.wrapper) + [args.durand, "check", "-", "--format", fmt]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env, cwd=args.workdir, text=True, bufsize=1)
        if fmt == "csv":
            header = proc.stdout.readline()
            dn_e2e.check(header.startswith("lat,lon,side,"), f"csv header: {header!r}")
        # one line in, one row out, while stdin stays open
        for lat, lon in (("34.52813", "69.17233"), ("30.18414", "67.00141")):
            proc.stdin.write(f"{lat},{lon}\n")
            proc.stdin.flush()
            row = proc.stdout.readline()
            if fmt == "jsonl":
                obj = json.loads(row)
                dn_e2e.check(abs(obj["lat"] - float(lat)) < 1e-9, f"row for {lat},{lon}: {row!r}")
            else:
                dn_e2e.check(row.startswith(f"{float(lat):.6f},{float(lon):.6f},"), f"row: {row!r}")
        proc.stdin.write("not,a,point,at,all\n95,70\n")
        proc.stdin.close()
        rest = proc.stdout.read()
        err = proc.stderr.read()
        code = proc.wait()
        dn_e2e.check(rest == "", f"no rows for bad lines: {rest!r}")
        dn_e2e.check(code == 3, f"exit {code}, expected 3; stderr {err!r}")
        dn_e2e.check("line 3: expected 'lat,lon'" in err and "line 4: latitude 95 is out of range" in err, err)
    print("ok: check streams line by line")


if __name__ == "__main__":
    main()
