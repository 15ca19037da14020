"""Start-up: how `costmodel run` on the Isle of Wight scenario splits between imports and work.

Target: the work after imports is at most half the import time. Measured in one run, as
medians of several repetitions taken in turn (these machines are shared and noisy, so only
figures measured together mean anything):

- floor: `python -c "import costmodel"`, the interpreter and the package alone;
- imports: a fresh process importing costmodel.cli and every module `run` goes on to load
  (found by a first run that lists them), and nothing else;
- work: the same process then running `costmodel run` in-process, timed from the end of its
  imports, so the ratio comes from one process. `run` computes the Risk sheet's simulation in a
  second process while it writes the other sheets, where a second processor is free
  (costmodel/background.py); the same work on one processor is measured too, and printed
  beside it, but not judged;
- end to end: `python -m costmodel run ... -o <tmp>/x.xlsx` as a user runs it.

    python bench/startup.py            # a table and a PASS or MISS line
    python bench/startup.py --json     # the figures as one JSON object on stdout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "isle-of-wight-2017.yaml"
TARGET = 0.5

#: `costmodel run SCENARIO -o OUT` in-process, as click runs it; exit 0 is success, anything else is raised.
RUN = """
try:
    cli.main(["run", sys.argv[1], "-o", sys.argv[2]], standalone_mode=False)
except SystemExit as exit:
    if exit.code:
        raise
"""

#: Lists the modules `run` loads after costmodel.cli, in the order it loads them.
DISCOVER = """
import json, sys
from costmodel.cli import cli
before = set(sys.modules)
""" + RUN + """
print(json.dumps([name for name in sys.modules if name not in before]))
"""

#: One measured process: import everything run needs, then run it; times from perf_counter.
SPLIT = """
import json, sys, time
started = time.perf_counter()
import importlib
from costmodel.cli import cli
for name in json.loads(sys.argv[3]):
    try:
        importlib.import_module(name)
    except ImportError:
        pass  # a module that only exists as another's attribute; importing its parent was enough
imported = time.perf_counter()
if sys.argv[4] == "one processor":
    from costmodel import background
    background.enabled = False
before = set(sys.modules)
""" + RUN + """
finished = time.perf_counter()
print(json.dumps({"imports": imported - started, "work": finished - imported,
                  "loaded_during_work": [name for name in sys.modules if name not in before]}))
"""


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def split(folder: Path, n: int, modules: list[str], processors: str = "as run does") -> dict:
    out = subprocess.run([sys.executable, "-c", SPLIT, str(SCENARIO), str(folder / f"split-{n}.xlsx"),
                          json.dumps(modules), processors], check=True, cwd=ROOT, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="costmodel-startup-") as tmp:
        folder = Path(tmp)
        found = subprocess.run([sys.executable, "-c", DISCOVER, str(SCENARIO), str(folder / "discover.xlsx")],
                               check=True, cwd=ROOT, capture_output=True, text=True).stdout
        modules = json.loads(found.strip().splitlines()[-1])
        floors, imports, works, ends, leftovers, serial = [], [], [], [], [], []
        for n in range(repeat):
            # In turn, so a slow spell of a shared machine falls on every measure alike.
            floors.append(wall([sys.executable, "-c", "import costmodel"]))
            one = split(folder, n, modules)
            imports.append(one["imports"])
            works.append(one["work"])
            leftovers.append(len(one["loaded_during_work"]))
            alone = split(folder, n, modules, "one processor")
            serial.append(alone["work"] / alone["imports"])
            ends.append(wall([sys.executable, "-m", "costmodel", "run", str(SCENARIO),
                              "-o", str(folder / f"run-{n}.xlsx")]))
    ratios = [w / i for w, i in zip(works, imports)]
    ratio = statistics.median(ratios)
    return {
        "benchmark": "startup",
        "scenario": SCENARIO.name,
        "repeat": repeat,
        "python": sys.version.split()[0],
        "cpu_count": os.cpu_count(),
        "floor_s": statistics.median(floors),
        "imports_s": statistics.median(imports),
        "work_s": statistics.median(works),
        "end_to_end_s": statistics.median(ends),
        "modules_run_imports": len(modules),
        "modules_loaded_during_work": max(leftovers),
        "ratio": ratio,
        "ratios": ratios,
        "ratio_one_processor": statistics.median(serial),
        "target": TARGET,
        "passed": ratio <= TARGET,
    }


def table(figures: dict) -> str:
    rows = [
        ("floor: python -c 'import costmodel'", figures["floor_s"]),
        (f"imports run needs ({figures['modules_run_imports']} modules, in-process)", figures["imports_s"]),
        ("work after imports (in the same process)", figures["work_s"]),
        (f"end to end: costmodel run {figures['scenario']}", figures["end_to_end_s"]),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"costmodel start-up, median of {figures['repeat']} runs (Python {figures['python']}, "
             f"{figures['cpu_count']} CPUs)"]
    lines += [f"  {label:<{width}}  {seconds * 1000:7.0f} ms" for label, seconds in rows]
    if figures["modules_loaded_during_work"]:
        lines.append(f"  (the work still loaded {figures['modules_loaded_during_work']} modules the import "
                     "phase did not; their time counts as work)")
    lines.append(f"  (the same work on one processor: {figures['ratio_one_processor']:.2f} of the import time)")
    verdict = "PASS" if figures["passed"] else "MISS"
    lines.append(f"startup: work after imports / import time = {figures['ratio']:.2f} "
                 f"(target <= {figures['target']}): {verdict}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object, nothing else")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions of each measure (default 5)")
    args = parser.parse_args()
    figures = measure(max(1, args.repeat))
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0  # a miss is reported, not an error: the runner collects every benchmark's figures


if __name__ == "__main__":
    sys.exit(main())
