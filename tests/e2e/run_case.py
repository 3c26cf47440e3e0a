#!/usr/bin/env python3
"""Run one golden CLI case (tests/e2e/cases/NAME.json).

Case keys:
  setup            list of argv lists run first; each must exit 0
  sql              list of SQL files (relative to the case; {source} expands)
                   applied after setup to $DURAND_DB with SpatiaLite loaded
  args             argv for the command under test ({workdir}, {source} expand)
  stdin            text fed to stdin
  env              extra environment
  exit             expected exit code (default 0)
  stdout           exact expected stdout, or "@file" relative to the case
  stdout_contains  list of substrings
  stdout_not_contains list of substrings
  stderr           exact expected stderr
  stderr_contains  list of substrings
  json             true: stdout must parse as JSON (jsonl: every line)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402


def main():
    args = dn_e2e.parse_args(lambda ap: ap.add_argument("--case", required=True))
    with open(args.case, encoding="utf-8") as f:
        case = json.load(f)
    env = {k: dn_e2e.expand(v, args) for k, v in case.get("env", {}).items()}
    for step in case.get("setup", []):
        r = dn_e2e.run(args, [dn_e2e.expand(a, args) for a in step], env=env)
        dn_e2e.check(r.code == 0, f"setup step {step} failed", r)
    for sql in case.get("sql", []):
        path = os.path.join(os.path.dirname(args.case), dn_e2e.expand(sql, args))
        dn_e2e.apply_sql(args, path, env=env)
    argv = [dn_e2e.expand(a, args) for a in case["args"]]
    r = dn_e2e.run(args, argv, stdin=case.get("stdin"), env=env)
    want_exit = case.get("exit", 0)
    dn_e2e.check(r.code == want_exit, f"exit code {r.code}, expected {want_exit}", r)
    if "stdout" in case:
        want = case["stdout"]
        if want.startswith("@"):
            # newline="": golden files keep CSV's CRLF as printed
            with open(os.path.join(os.path.dirname(args.case), want[1:]), encoding="utf-8", newline="") as f:
                want = f.read()
        dn_e2e.check(r.out == want, "stdout differs from golden", r)
    for s in case.get("stdout_contains", []):
        dn_e2e.check(s in r.out, f"stdout lacks {s!r}", r)
    for s in case.get("stdout_not_contains", []):
        dn_e2e.check(s not in r.out, f"stdout has {s!r}", r)
    if "stderr" in case:
        dn_e2e.check(r.err == case["stderr"], "stderr differs", r)
    for s in case.get("stderr_contains", []):
        dn_e2e.check(s in r.err, f"stderr lacks {s!r}", r)
    fmt = case.get("json")
    if fmt == "jsonl":
        for line in r.out.splitlines():
            json.loads(line)
    elif fmt:
        json.loads(r.out)
    print(f"ok: {os.path.basename(args.case)}")


if __name__ == "__main__":
    main()
