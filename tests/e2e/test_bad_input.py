#!/usr/bin/env python3
"""The bad-input corpus: every case of tests/bad-input/manifest.json, each in
a fresh directory, against the built durand.

A case names the command (args), the database it runs on (db), what it must
print (exit code, stderr/stdout substrings) and what must be stored after it
(events, SQL assertions, files). Keys (all but name, doc, args optional):

  name, doc     identifier and what the case is about
  args          argv after "durand"; {files} = tests/bad-input/files,
                {work} = the case's directory, {gen} = generated inputs
  geodata       "mini" (default): the case runs on the small synthetic geodata
                (tests/data/mini-geodata: a template made from it, and
                DURAND_GEODATA set to it); "real": on the shipped geodata, for
                a case whose rows or assertions need real places, districts or
                the real Durand Line. The databases made from the sample
                events ("seeded", "seeded-copy", "readonly") are always real.
  db            "copy" (default): a fresh copy of the initialised template;
                "seeded": a shared read-only database holding the 12 sample
                events (commands that only read); "seeded-copy": a fresh copy
                of it; "none": no database file; "file:NAME": a file of
                tests/bad-input/files copied as the database; "truncated",
                "corrupt-middle", "corrupt-image", "newer-schema", "foreign", "empty",
                "directory": broken databases made from the template;
                "readonly": a seeded copy in a directory nobody may write
                (run as user nobody when the test runs as root)
  stdin         a file ({files}/..., {gen}/...) fed to standard input
  generate      names of inputs written at test time into {gen}
                ("long_line_10mb", "check_line_10mb")
  setup         list of steps before the command: ["mkdir", PATH],
                ["write", PATH, TEXT], ["copy", SRC, DST]
  exit          expected exit code (default 0)
  stderr, stdout          lists of substrings that must appear
  stderr_not, stdout_not  lists of substrings that must not appear
  report        a subset of `--report json` that stdout must match
  events        number of rows in events afterwards
  sql           list of [SQL, expected]: the first column of the first row
  files         {PATH: true/false/"text"}: exists / absent / exact content

Cases run two at a time; the real template is made once from the e2e geodata
fixture (or by `durand init` when run alone), the mini one by `durand init`
on the small geodata. Under valgrind every case runs too. Why mini by default:
an ingest that reaches a row builds the gazetteer index, which under valgrind
takes about 20 s on the shipped geodata (335,000 names) and under 4 s on the
small one, and this test was the longest of CI's valgrind stage.
"""
# fixture: geodata_db
import concurrent.futures
import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402

NOBODY = 65534


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def remove_tree(path):
    """rmtree that also removes what a case made read-only."""
    for dirpath, dirs, _ in os.walk(path):
        for d in dirs:
            try:
                os.chmod(os.path.join(dirpath, d), 0o755)
            except OSError:
                pass
    shutil.rmtree(path, ignore_errors=True)


def backup(src, dst):
    """A consistent copy of a database in WAL mode (page by page)."""
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as s, sqlite3.connect(dst) as d:
        s.backup(d)
    d.close()
    s.close()
    with sqlite3.connect(dst) as c:
        c.execute("PRAGMA journal_mode = WAL")
    c.close()


class Corpus:
    def __init__(self, args):
        self.args = args
        self.files = os.path.join(args.source_dir, "tests", "bad-input", "files")
        with open(os.path.join(args.source_dir, "tests", "bad-input", "manifest.json"), encoding="utf-8") as f:
            self.cases = json.load(f)["cases"]
        self.root = os.geteuid() == 0
        self.geodata = {"real": os.path.join(args.source_dir, "geodata"),
                        "mini": os.path.join(args.source_dir, "tests", "data", "mini-geodata")}
        self.templates = {"real": os.path.join(args.workdir, "template.sqlite"),
                          "mini": os.path.join(args.workdir, "template-mini.sqlite")}
        self.seeded = os.path.join(args.workdir, "seeded.sqlite")

    # ---- shared databases ---------------------------------------------------------------
    def setup_run(self, argv, geodata="real"):
        """durand for preparing the shared databases: never under the wrapper
        (valgrind), which is for the cases."""
        env = dict(os.environ, DURAND_GEODATA=self.geodata[geodata])
        proc = subprocess.run([self.args.durand] + argv, capture_output=True, env=env, cwd=self.args.workdir,
                              timeout=900)
        r = dn_e2e.Result(proc)
        dn_e2e.check(r.code == 0, f"preparing: durand {' '.join(argv)} failed", r)

    def prepare(self):
        fixture = os.path.join(self.args.workdir, "..", "geodata.sqlite")
        if os.path.exists(fixture):
            backup(fixture, self.templates["real"])
        else:
            self.setup_run(["--quiet", "--db", self.templates["real"], "init"])
        self.setup_run(["--quiet", "--db", self.templates["mini"], "init"], geodata="mini")
        shutil.copyfile(self.templates["real"], self.seeded)
        sample = os.path.join(self.args.source_dir, "tests", "data", "sample", "events.csv")
        self.setup_run(["--quiet", "--db", self.seeded, "ingest", sample,
                        "--rejects", os.path.join(self.args.workdir, "seed-rejects.csv")])
        self.seeded_hash = sha256(self.seeded)

    @staticmethod
    def geodata_of(case):
        """Which geodata the case runs on: "seeded" databases hold real places."""
        if case.get("db", "copy") in ("seeded", "seeded-copy", "readonly"):
            return "real"
        return case.get("geodata", "mini")

    def make_db(self, case, work):
        kind = case.get("db", "copy")
        db = os.path.join(work, "db.sqlite")
        template = self.templates[self.geodata_of(case)]
        if kind == "copy":
            shutil.copyfile(template, db)
        elif kind == "seeded":
            return self.seeded
        elif kind == "seeded-copy":
            shutil.copyfile(self.seeded, db)
        elif kind == "none":
            pass
        elif kind.startswith("file:"):
            shutil.copyfile(os.path.join(self.files, kind[5:]), db)
        elif kind == "truncated":
            with open(template, "rb") as src, open(db, "wb") as dst:
                dst.write(src.read(os.path.getsize(template) // 4))
        elif kind == "corrupt-middle":
            shutil.copyfile(template, db)
            with sqlite3.connect(db) as c:  # no gazetteer image: the index is built from every table
                c.execute("UPDATE gazetteer_image SET image = NULL")
            c.close()
            with open(db, "r+b") as f:  # garbage over pages in the middle of the file
                f.seek(os.path.getsize(db) // 2 // 4096 * 4096)
                f.write(b"\xde\xad\xbe\xef" * 4096)
        elif kind == "corrupt-image":
            shutil.copyfile(template, db)
            with sqlite3.connect(db) as c:  # the pages of the gazetteer image's blob
                page_size = c.execute("PRAGMA page_size").fetchone()[0]
                pages = [r[0] for r in c.execute(
                    "SELECT pageno FROM dbstat WHERE name = 'gazetteer_image' AND pagetype = 'overflow'"
                    " ORDER BY pageno")]
            c.close()
            assert pages, "the template has no gazetteer image"
            with open(db, "r+b") as f:  # garbage over one in the middle
                f.seek((pages[len(pages) // 2] - 1) * page_size)
                f.write(b"\xde\xad\xbe\xef" * (page_size // 4))
        elif kind == "newer-schema":
            shutil.copyfile(template, db)
            with sqlite3.connect(db) as c:
                c.execute("INSERT INTO schema_version(version, applied_at) VALUES (99, '2999-01-01')")
            c.close()
        elif kind == "foreign":
            with sqlite3.connect(db) as c:
                c.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)")
            c.close()
        elif kind == "empty":
            open(db, "wb").close()
        elif kind == "directory":
            os.mkdir(db)
        elif kind == "readonly":
            rodir = os.path.join(work, "ro")
            os.mkdir(rodir)
            db = os.path.join(rodir, "db.sqlite")
            shutil.copyfile(self.seeded, db)
            os.chmod(db, 0o444)
            os.chmod(rodir, 0o555)
        else:
            raise ValueError(f"unknown db kind {kind}")
        return db

    # ---- one case ---------------------------------------------------------------------------
    def expand(self, text, work):
        return (text.replace("{files}", self.files).replace("{work}", work)
                .replace("{gen}", os.path.join(work, "gen")))

    def generate(self, name, gen):
        os.makedirs(gen, exist_ok=True)
        if name == "long_line_10mb":
            sys.path.insert(0, os.path.join(self.args.source_dir, "tests", "bad-input"))
            import make_files as m
            rows = m.good_rows("L")
            big = m.acled_row(1, event_id_cnty="L9999", notes="x" * (10 * 1024 * 1024))
            with open(os.path.join(gen, "long_line_10mb.csv"), "w", encoding="utf-8") as f:
                f.write(m.acled([rows[0], big, rows[1], rows[2]]))
        elif name == "check_line_10mb":
            with open(os.path.join(gen, "check_line_10mb.txt"), "w", encoding="ascii") as f:
                f.write("34.0," + "1" * (10 * 1024 * 1024) + "\n34.0,71.5\n")
        else:
            raise ValueError(f"unknown generated input {name}")

    def run_case(self, case):
        name = case["name"]
        work = os.path.join(self.args.workdir, "cases", name)
        remove_tree(work)
        os.makedirs(work)
        problems = []
        try:
            for g in case.get("generate", []):
                self.generate(g, os.path.join(work, "gen"))
            for step in case.get("setup", []):
                op, *rest = [self.expand(x, work) for x in step]
                if op == "mkdir":
                    os.makedirs(rest[0], exist_ok=True)
                elif op == "write":
                    with open(rest[0], "w", encoding="utf-8") as f:
                        f.write(rest[1])
                elif op == "copy":
                    shutil.copyfile(rest[0], rest[1])
                else:
                    raise ValueError(f"unknown setup step {op}")
            db = self.make_db(case, work)
            argv = [self.expand(a, work) for a in case["args"]]
            cmd = shlex.split(self.args.wrapper) + [self.args.durand] + argv
            as_nobody = case.get("db") == "readonly" and self.root
            if as_nobody:  # root may write anything: drop to nobody so the permissions count
                for dirpath, _, files in os.walk(work):
                    if os.path.basename(dirpath) != "ro":
                        os.chown(dirpath, NOBODY, NOBODY)
                    for fn in files:
                        if os.path.basename(dirpath) != "ro":
                            os.chown(os.path.join(dirpath, fn), NOBODY, NOBODY)
                cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] + cmd
            env = dict(os.environ, DURAND_DB=db, DURAND_GEODATA=self.geodata[self.geodata_of(case)])
            stdin = None
            if "stdin" in case:
                with open(self.expand(case["stdin"], work), "rb") as f:
                    stdin = f.read()
            t0 = time.monotonic()
            proc = subprocess.run(cmd, input=stdin, capture_output=True, env=env, cwd=work, timeout=600)
            elapsed = time.monotonic() - t0
            r = dn_e2e.Result(proc)
            problems += self.check(case, r, db, work)
        except Exception as e:  # a broken case is a failure, not a crash of the driver
            problems.append(f"driver error: {e!r}")
            r, elapsed = None, 0.0
        if not problems:
            remove_tree(work)  # the copies are big: keep only failures
        return name, problems, r, elapsed

    def check(self, case, r, db, work):
        p = []
        want = case.get("exit", 0)
        if r.code < 0 or r.code >= 128 or "AddressSanitizer" in r.err or "runtime error:" in r.err:
            p.append(f"crashed (exit {r.code})")
        elif r.code != want:
            p.append(f"exit code {r.code}, expected {want}")
        for s in case.get("stderr", []):
            if self.expand(s, work) not in r.err:
                p.append(f"stderr lacks {s!r}")
        for s in case.get("stderr_not", []):
            if self.expand(s, work) in r.err:
                p.append(f"stderr has {s!r}")
        for s in case.get("stdout", []):
            if self.expand(s, work) not in r.out:
                p.append(f"stdout lacks {s!r}")
        for s in case.get("stdout_not", []):
            if self.expand(s, work) in r.out:
                p.append(f"stdout has {s!r}")
        if "report" in case:
            try:
                rep = json.loads(r.out)
                for k, v in case["report"].items():
                    if rep.get(k) != v:
                        p.append(f"report {k} = {rep.get(k)}, expected {v}")
            except ValueError:
                p.append("stdout is not the JSON report")
        if "events" in case or "sql" in case:
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                if "events" in case:
                    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
                    if n != case["events"]:
                        p.append(f"{n} events stored, expected {case['events']}")
                for sql, expected in case.get("sql", []):
                    row = con.execute(sql).fetchone()
                    got = row[0] if row else None
                    if got != expected:
                        p.append(f"{sql} -> {got!r}, expected {expected!r}")
                con.close()
            except sqlite3.Error as e:
                p.append(f"cannot read the database afterwards: {e}")
        for path, want_file in case.get("files", {}).items():
            full = os.path.join(work, self.expand(path, work))
            if want_file is True and not os.path.exists(full):
                p.append(f"{path} was not written")
            elif want_file is False and os.path.exists(full):
                p.append(f"{path} exists")
            elif isinstance(want_file, str):
                try:
                    with open(full, encoding="utf-8", newline="") as f:
                        got = f.read()
                    if got != self.expand(want_file, work):
                        p.append(f"{path} differs: {got[:2000]!r}")
                except OSError as e:
                    p.append(f"{path}: {e}")
        return p


def main():
    args = dn_e2e.parse_args(lambda ap: ap.add_argument("--only", default="", help="comma-separated case names"))
    for a in ("durand", "workdir", "source_dir"):  # the cases run in their own directories
        setattr(args, a, os.path.abspath(getattr(args, a)))
    corpus = Corpus(args)
    names = [c["name"] for c in corpus.cases]
    dn_e2e.check(len(names) == len(set(names)), "case names must be unique")
    odd = [c["name"] for c in corpus.cases if c.get("geodata", "mini") not in corpus.geodata]
    dn_e2e.check(not odd, f"cases with an unknown geodata: {odd}")
    cases = corpus.cases
    if args.only:
        keep = set(args.only.split(","))
        cases = [c for c in cases if c["name"] in keep]
    every_case = json.dumps(corpus.cases)
    unused = sorted(f for f in os.listdir(corpus.files) if f not in every_case)
    dn_e2e.check(not unused, f"files of the corpus no case uses: {unused}")
    corpus.prepare()
    failures = 0
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for name, problems, r, elapsed in pool.map(corpus.run_case, cases):
            if problems:
                failures += 1
                print(f"FAIL {name} ({elapsed:.1f} s):", file=sys.stderr)
                for line in problems:
                    print(f"  - {line}", file=sys.stderr)
                if r is not None:
                    print("  " + repr(r).replace("\n", "\n  "), file=sys.stderr)
            else:
                print(f"ok   {name} ({elapsed:.1f} s)")
    dn_e2e.check(sha256(corpus.seeded) == corpus.seeded_hash, "a reading command changed the shared database")
    print(f"{len(cases) - failures} of {len(cases)} bad-input cases passed in {time.monotonic() - t0:.0f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
