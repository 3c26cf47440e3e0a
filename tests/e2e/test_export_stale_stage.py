#!/usr/bin/env python3
"""An export killed midway leaves its stage, a hidden `.durand-export-XXXXXX`
directory with its partial files, beside the outputs. The next export into
that directory removes the stages no running export holds, names each on
stderr, and leaves alone the stage of an export still running.

Four stages are made by hand in the output directory:
- dead: its `.lock` exists and nobody holds it (its export was killed) —
  removed;
- live: its `.lock` is held (flock) by this script, as a running export
  holds it — kept, files and all;
- old: no lock file, an hour and more old (a durand from before the lock,
  or one killed between making the stage and locking it) — removed;
- fresh: no lock file, made a moment ago — kept;
- stuck: dead, but holding a directory, so it cannot be removed — a
  warning names it and the export goes on.
Then a real export is killed once its stage is locked, and the next one
must clear what it left."""
import fcntl
import glob
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
import export_fixture as fx  # noqa: E402

PREFIX = ".durand-export-"


def make_stage(out, suffix, lock, age_s=0):
    path = os.path.join(out, PREFIX + suffix)
    os.makedirs(path)
    with open(os.path.join(path, "incidents.geojson"), "w") as f:
        f.write('{"type": "FeatureCollection", "features": [')  # cut short, as a killed export leaves it
    if lock:
        open(os.path.join(path, ".lock"), "w").close()
    if age_s:
        then = time.time() - age_s
        os.utime(path, (then, then))
    return path


def main():
    args = dn_e2e.parse_args()
    env = fx.make_store(args, events=False)  # the stages are the point, not the events
    out = os.path.join(args.workdir, "layers")
    os.makedirs(out)
    dead = make_stage(out, "dead01", lock=True)
    live = make_stage(out, "live01", lock=True)
    old = make_stage(out, "old001", lock=False, age_s=2 * 3600)
    fresh = make_stage(out, "fresh1", lock=False)
    # a dead stage that cannot be removed (a stage never holds a directory:
    # here one was put in it): a warning, and the export goes on
    stuck = make_stage(out, "stuck1", lock=True)
    os.makedirs(os.path.join(stuck, "not-a-stage-file"))
    holder = open(os.path.join(live, ".lock"), "r+")
    fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)

    r = dn_e2e.run(args, ["export", "--format", "geojson", "--out", out], env=env)
    dn_e2e.check(r.code == 0, "export failed", r)
    dn_e2e.check(os.path.exists(os.path.join(out, "incidents.geojson")), "no incidents.geojson written", r)
    for gone in (dead, old):
        dn_e2e.check(not os.path.exists(gone), f"{gone} should have been removed", r)
        dn_e2e.check(f"removed {gone}" in r.err, f"stderr should name {gone}", r)
    for kept in (live, fresh):
        dn_e2e.check(os.path.exists(os.path.join(kept, "incidents.geojson")), f"{kept} should be left alone", r)
        dn_e2e.check(kept not in r.err, f"stderr should not name {kept}", r)
    dn_e2e.check(f"{stuck}: left by an export that was stopped before it finished; cannot remove it" in r.err,
                 "a stage that cannot be removed should be named in a warning", r)
    shutil.rmtree(stuck)
    stages = sorted(os.path.basename(p) for p in glob.glob(os.path.join(out, PREFIX + "*")))
    dn_e2e.check(stages == [PREFIX + "fresh1", PREFIX + "live01"],
                 f"only the live and the fresh stage should be left, not the export's own: {stages}", r)

    # the holder lets go: the live stage's export has died
    holder.close()
    r = dn_e2e.run(args, ["export", "--format", "geojson", "--out", out, "--overwrite"], env=env)
    dn_e2e.check(r.code == 0, "second export failed", r)
    dn_e2e.check(not os.path.exists(live) and f"removed {live}" in r.err,
                 "a stage whose lock was let go should be removed", r)

    # a real export killed as soon as its stage holds its lock (polled every
    # millisecond: on a fast machine the export may finish first, and says so)
    killed_out = os.path.join(args.workdir, "killed")
    os.makedirs(killed_out)
    cmd = dn_e2e.unwrapped(args)
    p = subprocess.Popen([cmd.durand, "--db", os.path.join(args.workdir, "durand.sqlite"), "export", "--format",
                          "geojson", "--out", killed_out], env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    left = []
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        left = [s for s in glob.glob(os.path.join(killed_out, PREFIX + "*")) if os.path.exists(os.path.join(s, ".lock"))]
        if left:
            p.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    p.wait()
    if not left:
        print("the export finished before it could be killed; the killed case is not tested this run")
    else:
        r = dn_e2e.run(args, ["export", "--format", "geojson", "--out", killed_out, "--overwrite"], env=env)
        dn_e2e.check(r.code == 0, "export after the killed one failed", r)
        dn_e2e.check(not glob.glob(os.path.join(killed_out, PREFIX + "*")),
                     "the killed export's stage should be gone", r)
        dn_e2e.check(f"removed {left[0]}" in r.err, "stderr should name the killed export's stage", r)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
