"""What each hostile file costs `costmodel` to refuse: time and peak memory, one process each.

    python bench/hostile.py                 # the table
    python bench/hostile.py --json          # the figures as JSON on standard output
    python bench/hostile.py --timeout 120   # give up on a case after 120 s (default 60)

Each case runs `python -m costmodel ...` in its own process under a 4 GB address-space cap (so a
case that would exhaust memory stops there instead of slowing the machine); peak memory is the
process's maximum resident set, time is the wall clock and the processor time. The files are
made by tests/hostile.py, as the tests make them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402

CAP = 4 * 2**30


def cases(folder: Path) -> list[tuple[str, list[str]]]:
    def book(name: str, data: bytes) -> str:
        path = folder / name
        path.write_bytes(data)
        return str(path)

    zero = folder / "zero.xlsx"
    zero.symlink_to("/dev/zero")
    sparse = folder / "sparse.xlsx"
    with open(sparse, "wb") as out:
        out.truncate(3 * 2**30)
    reference = str(hostile.REFERENCE)
    billion = book("line-billion.xlsx", hostile.with_line_number("1000000000"))
    return [
        ("verify: a Scenario line numbered 1,000,000,000", ["verify", billion]),
        ("diff: a Scenario line numbered 1,000,000,000", ["diff", billion, reference]),
        ("verify: a Scenario line numbered NaN", ["verify", book("line-nan.xlsx", hostile.with_line_number("NaN"))]),
        ("verify: a Scenario line numbered 1e400", ["verify", book("line-inf.xlsx", hostile.with_line_number("1e400"))]),
        ("verify: 100,000 posts x 10 options x 100 years",
         ["verify", book("establishment.xlsx", hostile.large_establishment(100_000, 10, 100))]),
        ("verify: one ranged input over 1,000 posts x 100 years",
         ["verify", book("ranged.xlsx", hostile.ranged_establishment(1_000, 100))]),
        ("verify: a link to /dev/zero", ["verify", str(zero)]),
        ("verify: a 3 GB sparse file", ["verify", str(sparse)]),
        ("validate /dev/zero", ["validate", "/dev/zero"]),
    ]


def measure(arguments: list[str], timeout: float) -> dict:
    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))

    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "costmodel", *arguments], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, preexec_fn=capped, cwd=ROOT)
    try:
        _, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
        timed_out = True
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the largest child so far: cases run in order
    lines = stderr.decode(errors="replace").strip().splitlines()
    return {"seconds": round(seconds, 2), "timed_out": timed_out, "exit": process.returncode,
            "peak_mb": round(usage.ru_maxrss / 1024), "stderr_lines": len(lines),
            "last_line": lines[-1][:300] if lines else ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for name, arguments in cases(Path(folder)):
            # Each case in a fresh child of a fresh process, so ru_maxrss is that case's own peak.
            completed = subprocess.run([sys.executable, __file__, "--one", json.dumps([arguments, args.timeout])],
                                       capture_output=True, text=True)
            rows.append({"case": name, **json.loads(completed.stdout)})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            outcome = "timed out" if row["timed_out"] else f"exit {row['exit']}"
            print(f"{row['case']}: {row['seconds']:.2f} s, peak {row['peak_mb']} MB, {outcome}, "
                  f"{row['stderr_lines']} line(s): {row['last_line']}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        arguments, timeout = json.loads(sys.argv[2])
        print(json.dumps(measure(arguments, timeout)))
        sys.exit(0)
    sys.exit(main())
