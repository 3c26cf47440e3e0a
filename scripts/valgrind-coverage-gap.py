#!/usr/bin/env python3
"""Which lines of src/ run only in the tests the valgrind build leaves out.

Builds the project with gcov (--coverage, -O0) in BUILD (default
build-cov), runs the suite without the left-out tests, records the lines of
src/ that ran, runs the left-out tests too, and prints the lines only they
ran, per file, and their total (README "Sanitizers and valgrind").

    scripts/valgrind-coverage-gap.py [BUILD]

Set DURAND_TEST_PG first to include the PostGIS export test (else it skips).
The left-out tests are those tests/CMakeLists.txt leaves out under
DN_WRAP_VALGRIND; keep LEFT_OUT in step with it.
"""
import glob
import gzip
import json
import os
import subprocess
import sys
import tempfile

LEFT_OUT = ["unit.border.shipped", "unit.cli.shipped", "unit.gazetteer.shipped", "unit.geodata_accept",
            "e2e.test_crash_consistency"]


def run(*cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, **kw)


def executed_lines(build):
    """{source file: set of line numbers executed} from the build's .gcda files."""
    lines = {}
    with tempfile.TemporaryDirectory() as td:
        for gcda in glob.glob(os.path.join(build, "**", "*.gcda"), recursive=True):
            subprocess.run(["gcov", "-j", "-o", os.path.dirname(gcda), gcda], cwd=td, capture_output=True)
        for path in glob.glob(os.path.join(td, "*.gcov.json.gz")):
            for f in json.load(gzip.open(path))["files"]:
                if "/src/" in f["file"]:
                    hit = lines.setdefault(f["file"], set())
                    hit.update(l["line_number"] for l in f["lines"] if l["count"] > 0)
    return lines


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build-cov"))
    run("cmake", "-S", root, "-B", build, "-DDN_BUILD_BENCH=OFF", "-DCMAKE_BUILD_TYPE=Debug",
        "-DCMAKE_C_FLAGS=--coverage -O0", stdout=subprocess.DEVNULL)
    run("cmake", "--build", build, "-j2", stdout=subprocess.DEVNULL)
    for gcda in glob.glob(os.path.join(build, "**", "*.gcda"), recursive=True):
        os.remove(gcda)
    pattern = "^(" + "|".join(t.replace(".", r"\.") for t in LEFT_OUT) + ")$"
    run("ctest", "--test-dir", build, "-j2", "--output-on-failure", "-E", pattern, stdout=subprocess.DEVNULL)
    kept = executed_lines(build)
    run("ctest", "--test-dir", build, "-j2", "--output-on-failure", "-R", pattern, stdout=subprocess.DEVNULL)
    total = 0
    for path, hit in sorted(executed_lines(build).items()):
        only = sorted(hit - kept.get(path, set()))
        if only:
            total += len(only)
            print(f"{os.path.relpath(path, root)}: {len(only)} lines: {', '.join(map(str, only))}")
    print(f"lines of src/ only the left-out tests run: {total}")


if __name__ == "__main__":
    main()
