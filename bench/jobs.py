"""A regional batch: `costmodel run <scenarios> --jobs 2` against a truly serial run, and the speed-up.

The serial run is `--jobs 1` with no second process at all: a single `run` otherwise forks a
copy of itself for its Risk sheet's simulation where a second processor is free
(costmodel/background.py), so `--jobs 1` alone is not serial. Plain `--jobs 1`, what a user
gets, is timed beside it.

The batch is the shipped scenarios copied under distinct ids (at least 8 scenarios, big and
small together, as a region's would be). Both runs are timed end to end, as a user runs
them, in turn within this one run. Beside the speed-up are how many cores the parallel run
kept busy (its processes' CPU time over its wall time), and what this machine gives two
busy processes at once against one, measured before and after each pair. These machines
are shared: a speed-up below 2 on 2 cores can be the machine, not costmodel, and those
two figures say which.

    python bench/jobs.py                  # a table
    python bench/jobs.py --json           # the figures as one JSON object on stdout
    python bench/jobs.py --copies 4 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["isle-of-wight-2017.yaml", "worcestershire-2017.yaml", "template.yaml"]
JOBS = 2

#: `costmodel run ... --jobs 1` with the second process for the simulation switched off, as in a batch's workers.
SERIAL = """
import sys
from costmodel import background
background.enabled = False
from costmodel.cli import main
sys.argv[0] = "costmodel"
main()
"""

#: A fixed amount of pure-Python work, to see how much two processes get done at once here.
SPIN = "x = 0\nfor i in range(6_000_000):\n    x += i\n"


def make_batch(folder: Path, copies: int) -> list[Path]:
    paths = []
    for copy in range(1, copies + 1):
        for name in SHIPPED:
            text = (ROOT / "scenarios" / name).read_text(encoding="utf-8")
            old_id = re.search(r"^  id: (\S+)", text, re.M)[1]
            path = folder / f"{Path(name).stem}-{copy}.yaml"
            path.write_text(text.replace(f"  id: {old_id}", f"  id: {old_id}-{copy}", 1), encoding="utf-8")
            paths.append(path)
    return paths


def run_batch(paths: list[Path], jobs: int, out: Path, serial: bool = False) -> tuple[float, float]:
    """Wall seconds, and the cores the run kept busy on average (its processes' CPU time over wall time)."""
    start = [sys.executable, "-c", SERIAL] if serial else [sys.executable, "-m", "costmodel"]
    command = start + ["run", *map(str, paths), "--jobs", str(jobs), "-o", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        raise SystemExit(f"bench/jobs.py: costmodel run --jobs {jobs} failed:\n{finished.stderr}")
    busy = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, busy / seconds


def capacity() -> float:
    """Work done by two processes at once, as a multiple of one: 2.0 on two idle cores."""
    def spin(count: int) -> float:
        started = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
        for process in processes:
            process.wait()
        return time.perf_counter() - started

    one, two = spin(1), spin(2)
    return 2 * one / two


def measure(copies: int, repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="costmodel-jobs-") as tmp:
        folder = Path(tmp)
        paths = make_batch(folder, copies)
        serial, one_job, parallel, capacities, busy = [], [], [], [], []
        identical = True
        for n in range(repeat):
            # In turn, so a slow spell of a shared machine falls on both alike.
            one, two, alone = folder / f"jobs-1-{n}", folder / f"jobs-{JOBS}-{n}", folder / f"serial-{n}"
            capacities.append(capacity())
            serial.append(run_batch(paths, 1, alone, serial=True)[0])
            one_job.append(run_batch(paths, 1, one)[0])
            seconds, cores = run_batch(paths, JOBS, two)
            parallel.append(seconds)
            busy.append(cores)
            capacities.append(capacity())
            names = sorted(p.name for p in one.iterdir())
            identical &= all(names == sorted(p.name for p in other.iterdir()) for other in (two, alone)) and \
                len(names) == len(paths) and all((one / name).read_bytes() == (other / name).read_bytes()
                                                 for name in names for other in (two, alone))
    speedups = [s / p for s, p in zip(serial, parallel)]
    return {
        "benchmark": "jobs",
        "scenarios": len(paths),
        "repeat": repeat,
        "jobs": JOBS,
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "serial_s": statistics.median(serial),
        "one_job_s": statistics.median(one_job),
        "speedup_of_one_job": statistics.median(s / o for s, o in zip(serial, one_job)),
        "parallel_s": statistics.median(parallel),
        "speedup": statistics.median(speedups),
        "speedups": speedups,
        "cores_busy_with_jobs": statistics.median(busy),
        "machine_capacity": statistics.median(capacities),
        "identical_workbooks": identical,
    }


def table(figures: dict) -> str:
    n = figures["scenarios"]
    lines = [
        f"costmodel run, a batch of {n} scenarios, median of {figures['repeat']} "
        f"(os.cpu_count() = {figures['cpu_count']}, {figures['usable_cpus']} usable)",
        f"  serial            {figures['serial_s']:6.2f} s   (--jobs 1, no second process)",
        f"  --jobs 1          {figures['one_job_s']:6.2f} s   (its simulations in a second process)",
        f"  --jobs {figures['jobs']}          {figures['parallel_s']:6.2f} s   (kept {figures['cores_busy_with_jobs']:.2f} "
        "cores busy on average)",
        f"  same workbooks, byte for byte: {'yes' if figures['identical_workbooks'] else 'NO'}",
        f"  this machine now: two busy processes do {figures['machine_capacity']:.2f}x the work of one",
        f"jobs: speed-up with --jobs {figures['jobs']} = {figures['speedup']:.2f}x "
        f"(of {figures['machine_capacity']:.2f}x the machine gives two processes)",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object, nothing else")
    parser.add_argument("--copies", type=int, default=3,
                        help=f"copies of each of the {len(SHIPPED)} shipped scenarios (default 3: 9 scenarios)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measure (default 3)")
    args = parser.parse_args()
    figures = measure(max(1, args.copies), max(1, args.repeat))
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0 if figures["identical_workbooks"] else 1


if __name__ == "__main__":
    sys.exit(main())
