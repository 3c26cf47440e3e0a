"""Run one end-to-end test (a python script and its arguments) and remove
its --workdir when it passes or skips; a failed test keeps it to be read.

Why: the scripts copy the 104 MB geodata store for every fresh database,
so one ctest run left some 3.9 GB behind, and three builds run the suite in
CI; a CI machine with little disk then failed tests for want of space
(ENOSPC), not for anything durand did. DURAND_E2E_KEEP=1 keeps every
workdir (to compare a passing run's files).
"""
import os
import shutil
import subprocess
import sys

PASSED_OR_SKIPPED = (0, 77)


def main():
    argv = sys.argv[1:]
    if len(argv) < 1 or "--workdir" not in argv[:-1]:
        print("usage: tidy_run.py SCRIPT ... --workdir DIR ...", file=sys.stderr)
        return 2
    workdir = argv[argv.index("--workdir") + 1]
    code = subprocess.call([sys.executable] + argv)
    if code in PASSED_OR_SKIPPED and os.environ.get("DURAND_E2E_KEEP") != "1":
        shutil.rmtree(workdir, ignore_errors=True)
    # a test killed by a signal: report it as a shell would (128 + signal)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
