"""Shared helpers for durand's end-to-end tests (run by CTest).

Every test gets --durand (the built binary), --workdir (a fresh directory),
--source-dir (the repository) and --wrapper (e.g. valgrind, may be empty).
Exit 77 means "skipped" (CTest SKIP_RETURN_CODE).
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

SKIP = 77


def parse_args(extra=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--durand", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--wrapper", default="")
    if extra:
        extra(ap)
    args = ap.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    return args


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return f"exit={self.code}\n--- stdout\n{self.out[:4000]}\n--- stderr\n{self.err[:4000]}"


def run(args, argv, stdin=None, env=None, timeout=600, cwd=None):
    """Run durand with argv; DURAND_DB defaults to <workdir>/durand.sqlite."""
    full_env = dict(os.environ)
    full_env.setdefault("DURAND_DB", os.path.join(args.workdir, "durand.sqlite"))
    full_env["DURAND_GEODATA"] = full_env.get("DURAND_GEODATA") or os.path.join(args.source_dir, "geodata")
    if env:
        full_env.update(env)
    cmd = shlex.split(args.wrapper) + [args.durand] + list(argv)
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    proc = subprocess.run(cmd, input=data, capture_output=True, env=full_env, timeout=timeout,
                          cwd=cwd or args.workdir)
    return Result(proc)


def unwrapped(args):
    """args for a run without --wrapper (valgrind): for a step that only
    prepares data, whose code another test runs wrapped."""
    plain = argparse.Namespace(**vars(args))
    plain.wrapper = ""
    return plain


def apply_sql(args, sql_path, env=None):
    """Run an SQL file on the test database ($DURAND_DB as run() sets it)
    through the sqlite3 shell with SpatiaLite loaded: fixtures of events
    that no durand command writes yet."""
    db = (env or {}).get("DURAND_DB") or os.environ.get("DURAND_DB") or os.path.join(args.workdir, "durand.sqlite")
    if not os.path.isabs(db):
        db = os.path.join(args.workdir, db)
    sqlite3 = shutil.which("sqlite3")
    check(sqlite3 is not None, "the sqlite3 shell is missing (scripts/install-deps.sh installs it)")
    with open(sql_path, encoding="utf-8") as f:
        script = ".bail on\n.load mod_spatialite\n" + f.read()
    proc = subprocess.run([sqlite3, db], input=script.encode("utf-8"), capture_output=True, timeout=120)
    check(proc.returncode == 0, f"{sql_path}: sqlite3 failed: {proc.stderr.decode('utf-8', 'replace')}")


def write_file(args, rel, text):
    """Write `text` to <workdir>/<rel> (UTF-8), making its directories; returns the path."""
    path = os.path.join(args.workdir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def check(cond, msg, result=None):
    if not cond:
        print("FAIL:", msg, file=sys.stderr)
        if result is not None:
            print(result, file=sys.stderr)
        sys.exit(1)


def expand(value, args):
    return (value.replace("{workdir}", args.workdir)
                 .replace("{source}", args.source_dir))


def fresh_geodata_db(args, name):
    """A database in the workdir holding the shipped geodata: a copy of the
    shared geodata_db fixture when it exists (it is built once per ctest
    run), else made by `durand init`. Stale -wal/-shm files go first."""
    path = os.path.join(args.workdir, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    fixture_db = os.path.join(args.workdir, "..", "geodata.sqlite")
    if os.path.exists(fixture_db):
        shutil.copyfile(fixture_db, path)
    else:
        r = run(args, ["--db", path, "init"])
        check(r.code == 0, "init", r)
    return path
