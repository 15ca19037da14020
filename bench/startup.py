"""Start-up: `costmodel run` on the Isle of Wight scenario against Python's own start and its libraries'.

Target (issue 21): `costmodel run` end to end at most 20 times `python -c pass`, with its own
modules' compiled bytecode and without. Measured in one run, as medians of several repetitions
taken in turn (these machines are shared and noisy, so only figures measured together mean
anything):

- floor: `python -c pass`, the interpreter starting and stopping;
- libraries: `python -c "import ..."` of the libraries `run` loads (found by a first run that
  lists them), the least any program that does `run`'s work with them could take to start;
- run: `python -m costmodel run SCENARIO -o <tmp>/x.xlsx`, as a user runs it, from a copy of
  costmodel's sources compiled to bytecode before the clock starts (an installed release, or a
  checkout after its first run). Compiled here, not taken from the checkout: where
  PYTHONDONTWRITEBYTECODE is set (it is on some machines), a checkout never keeps bytecode, and
  "compiled" would silently be the uncompiled case again;
- run without compiled bytecode: the same, from a copy of costmodel's sources with no
  `__pycache__`, compiled afresh each time (a fresh checkout, an editable install before its
  first run); the libraries keep the bytecode their installer compiled;
- compiling the sources of costmodel's modules that `run` imports, in this process (not judged):
  what a run without bytecode does before anything else;
- beside each clock time, the processor time the command and its children took (not judged): a
  busy machine moves it less, as it leaves out the time spent waiting for a processor;
- in one process, the time to import what `run` needs against the work after it (not judged).

`import costmodel` alone is not a floor: it loads nothing (test_startup.py), so a ratio
against it would reward slow imports.

    python bench/startup.py            # a table and a PASS or MISS line
    python bench/startup.py --json     # the figures as one JSON object on stdout
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "isle-of-wight-2017.yaml"
TARGET = 20.0

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
before = set(sys.modules)
""" + RUN + """
finished = time.perf_counter()
print(json.dumps({"imports": imported - started, "work": finished - imported}))
"""


def timed(command: list[str], folder: Path, env: dict | None = None) -> tuple[float, float]:
    """(seconds on the clock, seconds of processor time) `command` takes, its own and its children's,
    run in `folder`: not in the checkout, whose own costmodel/ would be found first (a script's
    folder leads sys.path) and stand in for the copy PYTHONPATH names. Processor time is what a
    busy machine moves least: time spent waiting for a processor is not in it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def split(folder: Path, n: int, modules: list[str], env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", SPLIT, str(SCENARIO), str(folder / f"split-{n}.xlsx"),
                          json.dumps(modules)], check=True, cwd=folder, capture_output=True,
                         text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


#: Lists the installed libraries a process has loaded once `run` is done: each one's top package (two
#: names deep for a namespace, such as ruamel.yaml), neither the standard library nor costmodel.
LIBRARIES = DISCOVER.replace("print(json.dumps([name for name in sys.modules if name not in before]))", """
import sysconfig
installed = sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]
def top(name):
    parts = name.split(".")
    for depth in range(1, len(parts) + 1):
        module = sys.modules.get(".".join(parts[:depth]))
        if module is not None and getattr(module, "__file__", None):
            return ".".join(parts[:depth]), module.__file__
    return None, None
found = {}
for name in list(sys.modules):
    package, path = top(name)
    if package and not package.startswith("_") and package.split(".")[0] != "costmodel" and path.startswith(installed):
        found.setdefault(package, None)
print(json.dumps(list(found)))
""")


def compiling(modules: list[str]) -> tuple[float, int]:
    """(seconds, lines): compiling the sources of costmodel's modules among `modules`, as a run
    without bytecode does before any of them runs (timed here, in this process, source already read)."""
    sources = []
    for name in modules:
        if name == "costmodel" or name.startswith("costmodel."):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin and spec.origin.endswith(".py"):
                sources.append((spec.origin, Path(spec.origin).read_text(encoding="utf-8")))
    started = time.perf_counter()
    for origin, text in sources:
        compile(text, origin, "exec", dont_inherit=True)
    return time.perf_counter() - started, sum(text.count("\n") for _, text in sources)


def sources_copy(folder: Path, compiled: bool) -> dict:
    """An environment running costmodel from a copy of its sources: compiled to bytecode now, or
    never keeping any (so compiled afresh by every run)."""
    copy = folder / ("compiled" if compiled else "uncompiled")
    shutil.copytree(ROOT / "costmodel", copy / "costmodel", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if compiled:
        compileall.compile_dir(copy / "costmodel", quiet=1, workers=1)
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    found = subprocess.run([sys.executable, "-c", "import costmodel; print(costmodel.__file__)"], check=True,
                           cwd=folder, env=env, capture_output=True, text=True).stdout.strip()
    if not Path(found).is_relative_to(copy):
        raise SystemExit(f"costmodel was imported from {found}, not from the copy in {copy}")
    return env


def measure(repeat: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="costmodel-startup-") as tmp:
        folder = Path(tmp)
        found = subprocess.run([sys.executable, "-c", DISCOVER, str(SCENARIO), str(folder / "discover.xlsx")],
                               check=True, cwd=ROOT, capture_output=True, text=True).stdout
        modules = json.loads(found.strip().splitlines()[-1])
        listed = subprocess.run([sys.executable, "-c", LIBRARIES, str(SCENARIO), str(folder / "libraries.xlsx")],
                                check=True, cwd=ROOT, capture_output=True, text=True).stdout
        libraries = json.loads(listed.strip().splitlines()[-1])
        compiled, uncompiled = sources_copy(folder, compiled=True), sources_copy(folder, compiled=False)
        run = [sys.executable, "-m", "costmodel", "run", str(SCENARIO), "-o"]
        measured = {name: [] for name in ("pass", "libraries", "run", "run_uncompiled")}
        imports, works, compiles = [], [], []
        for n in range(repeat):
            # In turn, so a slow spell of a shared machine falls on every measure alike.
            for name, command, env in (("pass", [sys.executable, "-c", "pass"], None),
                                       ("libraries", [sys.executable, "-c", "import " + ", ".join(libraries)], None),
                                       ("run", run + [str(folder / f"run-{n}.xlsx")], compiled),
                                       ("run_uncompiled", run + [str(folder / f"uncompiled-{n}.xlsx")], uncompiled)):
                measured[name].append(timed(command, folder, env))
            one = split(folder, n, modules, compiled)
            imports.append(one["imports"])
            compile_seconds, compiled_lines = compiling(modules)
            compiles.append(compile_seconds)
            works.append(one["work"])
    wall = {name: statistics.median(seconds for seconds, _ in runs) for name, runs in measured.items()}
    processor = {name: statistics.median(cpu for _, cpu in runs) for name, runs in measured.items()}
    floor = wall["pass"]
    return {
        "benchmark": "startup",
        "scenario": SCENARIO.name,
        "repeat": repeat,
        "python": sys.version.split()[0],
        "cpu_count": os.cpu_count(),
        "libraries": libraries,
        "pass_s": floor,
        "libraries_s": wall["libraries"],
        "run_s": wall["run"],
        "run_uncompiled_s": wall["run_uncompiled"],
        "ratio": wall["run"] / floor,
        "ratio_uncompiled": wall["run_uncompiled"] / floor,
        "ratio_libraries": wall["libraries"] / floor,
        "processor_s": processor,
        "processor_ratio": processor["run"] / processor["pass"],
        "processor_ratio_uncompiled": processor["run_uncompiled"] / processor["pass"],
        "imports_s": statistics.median(imports),
        "work_s": statistics.median(works),
        "modules_run_imports": len(modules),
        "compile_s": statistics.median(compiles),
        "compiled_lines": compiled_lines,
        "ratio_compile": statistics.median(compiles) / floor,
        "target": TARGET,
        "passed": max(wall["run"], wall["run_uncompiled"]) / floor <= TARGET,
    }


def table(figures: dict) -> str:
    floor = figures["pass_s"]
    rows = [
        ("floor: python -c pass", figures["pass_s"]),
        (f"libraries run loads: import {', '.join(figures['libraries'])}", figures["libraries_s"]),
        (f"costmodel run {figures['scenario']}", figures["run_s"]),
        ("  the same, costmodel's modules without compiled bytecode", figures["run_uncompiled_s"]),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"costmodel start-up, median of {figures['repeat']} runs (Python {figures['python']}, "
             f"{figures['cpu_count']} CPUs)"]
    lines += [f"  {label:<{width}}  {seconds * 1000:7.0f} ms  {seconds / floor:6.1f}x" for label, seconds in rows]
    lines.append(f"  compiling the {figures['compiled_lines']:,} lines of costmodel that run imports (which a run without "
                 f"bytecode does first): {figures['compile_s'] * 1000:.0f} ms = {figures['ratio_compile']:.1f}x")
    cpu = figures["processor_s"]
    lines.append(f"  processor time (the run's own and its children's): python -c pass {cpu['pass'] * 1000:.0f} ms, "
                 f"run {cpu['run'] * 1000:.0f} ms = {figures['processor_ratio']:.1f}x, without bytecode "
                 f"{cpu['run_uncompiled'] * 1000:.0f} ms = {figures['processor_ratio_uncompiled']:.1f}x")
    lines.append(f"  in one process: {figures['imports_s'] * 1000:.0f} ms importing what run needs "
                 f"({figures['modules_run_imports']} modules), {figures['work_s'] * 1000:.0f} ms of work after")
    verdict = "PASS" if figures["passed"] else "MISS"
    lines.append(f"startup: costmodel run = {figures['ratio']:.1f}x python -c pass, {figures['ratio_uncompiled']:.1f}x "
                 f"without compiled bytecode (target <= {figures['target']:.0f}x): {verdict}")
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
