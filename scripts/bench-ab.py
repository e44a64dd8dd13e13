#!/usr/bin/env python3
"""Two binaries of mus compared run by run: a cold `mus guide` (the README's example) and a
1,000-row batch, the two binaries taking turns (A B B A A B ...), medians of wall and CPU
time reported with their ratio.

hyperfine runs all of one command, then all of the other. On a virtual machine whose speed
drifts within minutes, that order can show a faster binary as slower (one run of bench.sh
put a 6 % faster batch 7 % behind). Taking turns puts both binaries through the same drift.

    python3 scripts/bench-ab.py BEFORE AFTER [--guides N] [--batches N]

Needs python3 only. Writes nothing outside a temporary folder.
"""

import argparse
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent

GUIDE = [
    "guide", "--role", "leder-af-medarbejdere", "--focus", "saet-retning",
    "--focus", "opdyrk-potentialer", "--name", "Łukasz", "--manager", "Bodil",
    "--unit", "Nord", "--date", "2027-01-15",
]


def timed(command):
    """Wall and CPU (user + system) seconds of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def compare(label, binaries, runs, command_for, unit, scale):
    walls = {b: [] for b in binaries}
    cpus = {b: [] for b in binaries}
    for i in range(runs):
        for b in binaries if i % 2 == 0 else binaries[::-1]:
            wall, cpu = timed(command_for(b))
            walls[b].append(wall)
            cpus[b].append(cpu)
    print(f"{label}, {runs} runs each, taking turns:")
    medians = {}
    for b in binaries:
        w, c = statistics.median(walls[b]), statistics.median(cpus[b])
        medians[b] = (w, c)
        print(f"  {b.name:>8}: wall {w * scale:8.2f} {unit} (median), CPU {c * scale:8.2f} {unit}")
    (bw, bc), (aw, ac) = medians[binaries[0]], medians[binaries[1]]
    print(f"  {binaries[1].name} is {bw / aw:.3f}x as fast as {binaries[0].name} "
          f"(wall), {bc / ac:.3f}x (CPU)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=pathlib.Path)
    parser.add_argument("after", type=pathlib.Path)
    parser.add_argument("--guides", type=int, default=300, help="cold guides per binary")
    parser.add_argument("--batches", type=int, default=12, help="batches per binary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        # Copied under their roles' names, so the report names them.
        binaries = []
        for name, path in (("before", args.before), ("after", args.after)):
            copy = tmp / name
            copy.write_bytes(path.read_bytes())
            copy.chmod(0o755)
            binaries.append(copy)
        roster = tmp / "roster-1000.csv"
        with roster.open("w", encoding="utf-8") as out:
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "make-roster.py"), "1000"],
                check=True, stdout=out,
            )
        guide = tmp / "g.pdf"
        compare("cold `mus guide`", binaries, args.guides,
                lambda b: [str(b), *GUIDE, "-o", str(guide)], "ms", 1000)
        # Every batch writes into a folder of its own, nothing deleted until the end (see
        # bench.sh: deleting 1,000 guides made the next command pay for it).
        runs = tmp / "runs"
        runs.mkdir()
        compare("`mus batch`, 1,000 rows", binaries, args.batches,
                lambda b: [str(b), "batch", str(roster), "--out-dir",
                           tempfile.mkdtemp(dir=runs), "--quiet"], "s", 1)


if __name__ == "__main__":
    main()
