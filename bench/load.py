"""Loading a county's establishment: 100,000 posts from YAML and from CSV, against projecting them.

    python bench/load.py                 # the table
    python bench/load.py --posts 20000   # another size
    python bench/load.py --json          # the figures as JSON on standard output

Target (issue 21): reading and checking the scenario takes at most the time of the projection
it feeds (load / project <= 1.0), whether its posts are listed in the YAML (one a line, in { },
as bench/make_scenario.py writes them) or read from an establishment file (`staffing_from:
establishment.csv`, the very same posts). Both are loaded and projected in this one process,
each the best of a few runs, so a busy machine slows both sides of each ratio alike; the two
projections are checked to give the same totals. Peak memory is the process's whole peak.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_scenario import scenario_text  # noqa: E402
from timing import best_of  # noqa: E402

from costmodel.engine.projection import project  # noqa: E402
from costmodel.limits import LARGE  # noqa: E402
from costmodel.scenario.loader import load_scenario  # noqa: E402

OPTIONS, YEARS = 10, 30
TARGET = 1.0
_POST_LINE = re.compile(r"      - \{(id: p[0-9]+, .*)\}")


def as_csv(text: str) -> tuple[str, str]:
    """The scenario with option-1's posts moved to an establishment file: (scenario, CSV)."""
    rows, kept = [], []
    for line in text.split("\n"):
        match = _POST_LINE.fullmatch(line)
        if match:
            rows.append(dict(entry.split(": ", 1) for entry in match[1].split(", ")))
        else:
            kept.append(line)
    headings = list(dict.fromkeys(key for row in rows for key in row))
    out = []
    writer = csv.writer(_Lines(out), lineterminator="\n")
    writer.writerow(headings)
    writer.writerows([row.get(key, "") for key in headings] for row in rows)
    scenario = "\n".join(kept).replace("    staffing:\n", "    staffing_from: establishment.csv\n", 1)
    return scenario, "".join(out)


class _Lines:
    def __init__(self, out: list):
        self.write = out.append


def measure(posts: int, runs: int) -> dict:
    text = scenario_text(posts, OPTIONS, YEARS)
    scenario_csv, establishment = as_csv(text)
    with tempfile.TemporaryDirectory() as folder:
        yaml_path, csv_path = Path(folder, "listed.yaml"), Path(folder, "from-csv.yaml")
        yaml_path.write_text(text, encoding="utf-8")
        csv_path.write_text(scenario_csv, encoding="utf-8")
        Path(folder, "establishment.csv").write_text(establishment, encoding="utf-8")
        out = {"posts": posts, "options": OPTIONS, "years": YEARS, "yaml_mb": len(text.encode()) / 1e6,
               "csv_mb": len(establishment.encode()) / 1e6}
        totals = {}
        for name, path in (("yaml", yaml_path), ("csv", csv_path)):
            load_s, scenario = best_of(runs, lambda: load_scenario(path, LARGE))
            project_s, projection = best_of(runs, lambda: project(scenario))
            totals[name] = [float(x) for x in projection.summary["npc"]]
            out[f"{name}_load_s"], out[f"{name}_project_s"] = load_s, project_s
            out[f"{name}_ratio"] = load_s / project_s
            del scenario, projection
        if totals["yaml"] != totals["csv"]:
            raise SystemExit(f"the CSV's posts project to other totals than the YAML's: {totals}")
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["met"] = out["yaml_ratio"] <= TARGET and out["csv_ratio"] <= TARGET
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Loading 100,000 posts against projecting them.")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2, help="take the best of this many runs (default 2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures = measure(args.posts, args.runs)
    figures["seconds"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{args.posts:,} posts x {OPTIONS} options x {YEARS} years; best of {args.runs} runs")
    for name, words in (("yaml", "listed in the YAML"), ("csv", "from establishment.csv")):
        print(f"  {words:<24} load {figures[f'{name}_load_s']:6.2f} s, project {figures[f'{name}_project_s']:6.2f} s: "
              f"load / project = {figures[f'{name}_ratio']:.2f} (target <= {TARGET:.1f})")
    print(f"  files {figures['yaml_mb']:.1f} MB of YAML, {figures['csv_mb']:.1f} MB of CSV; "
          f"whole-process peak {figures['peak_mb']:.0f} MB")
    print("load: " + ("PASS" if figures["met"] else "FAIL"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
