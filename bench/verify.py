"""Verify: re-verifying a workbook an auditor was sent against building it (target: at most 2 times).

    python bench/verify.py            # the table
    python bench/verify.py --json     # the figures as JSON on standard output

For the shipped Worcestershire scenario and a synthetic 10,000-post establishment
(bench/make_scenario.py, 5 options x 30 years), in this one process, best of three:

- build: what `costmodel run` does to make the workbook: read the scenario, project it,
  write the workbook (in memory);
- verify, resaved by LibreOffice: the auditor's real case, judged. The workbook opened and
  saved again by LibreOffice (as a reviewer's copy comes back), so it has other bytes and every
  cell is read from it and from the re-run, and compared. It must verify with no difference;
- verify, untouched: `verify` on the workbook as written. It re-runs the embedded scenario
  and, finding the very same bytes, has every cell by construction (printed, not judged);
- verify, recompressed: the same parts in a new archive, read cell by cell (printed).

Target (issue 21): verifying the resaved workbook takes at most 2 times its build.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_scenario import scenario_text  # noqa: E402
from timing import best_of  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from libreoffice import libreoffice_convert  # noqa: E402

from costmodel.audit.verify import verify  # noqa: E402
from costmodel.engine.projection import project  # noqa: E402
from costmodel.scenario.loader import load_scenario_text  # noqa: E402
from costmodel.workbook.writer import build_workbook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def recompressed(book: bytes) -> bytes:
    """The same parts in a new archive: other bytes, the same cells."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED,
                                                                    compresslevel=9) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
    return buffer.getvalue()


def measure(name: str, text: str, file_name: str, runs: int, folder: Path) -> dict:
    def build() -> bytes:
        return build_workbook(project(load_scenario_text(text, file_name)))

    build_seconds, book = best_of(runs, build)
    untouched, resaved = folder / f"{name}.xlsx", folder / f"{name}-recompressed.xlsx"
    untouched.write_bytes(book)
    resaved.write_bytes(recompressed(book))
    # Saved by LibreOffice as it opens it (its default profile trusts the stored values, as a reader's does).
    [by_libreoffice] = libreoffice_convert([untouched], "xlsx", folder / name, recalculate=False)
    libreoffice_seconds, checked = best_of(runs, lambda: verify(by_libreoffice))
    verify_seconds, result = best_of(runs, lambda: verify(untouched))
    resaved_seconds, slow = best_of(runs, lambda: verify(resaved))
    for case, outcome in (("as LibreOffice saved it", checked), ("untouched", result), ("recompressed", slow)):
        if not outcome.ok:
            raise SystemExit(f"{name}: the workbook {case} did not verify: {outcome.differences[:3]} {outcome.findings}")
    return {"scenario": name, "cells": checked.cells_compared, "build_seconds": build_seconds,
            "verify_libreoffice_seconds": libreoffice_seconds, "ratio": libreoffice_seconds / build_seconds,
            "verify_untouched_seconds": verify_seconds, "ratio_untouched": verify_seconds / build_seconds,
            "verify_recompressed_seconds": resaved_seconds, "ratio_recompressed": resaved_seconds / build_seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verifying a workbook against building it.")
    parser.add_argument("--posts", type=int, default=10_000, help="posts in the synthetic scenario (default 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="take the best of this many runs (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    worcestershire = ROOT / "scenarios" / "worcestershire-2017.yaml"
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure("worcestershire-2017", worcestershire.read_text(encoding="utf-8"), worcestershire.name,
                        args.runs, Path(folder)),
                measure(f"synthetic-{args.posts}-posts", scenario_text(args.posts, 5, 30), "synthetic.yaml",
                        args.runs, Path(folder))]
    ok = all(row["ratio"] <= TARGET for row in rows)
    if args.json:
        print(json.dumps({"rows": rows, "target": TARGET, "ok": ok}, indent=2))
        return 0
    print(f"{'scenario':<26} {'cells':>9} {'build s':>8} {'LibreOffice-saved s':>19} {'ratio':>6} "
          f"{'untouched s':>11} {'ratio':>6} {'recompressed s':>14} {'ratio':>6}")
    for row in rows:
        print(f"{row['scenario']:<26} {row['cells']:>9,} {row['build_seconds']:>8.2f} "
              f"{row['verify_libreoffice_seconds']:>19.2f} {row['ratio']:>6.2f} {row['verify_untouched_seconds']:>11.2f} "
              f"{row['ratio_untouched']:>6.2f} {row['verify_recompressed_seconds']:>14.2f} {row['ratio_recompressed']:>6.2f}")
    print(f"verify of a workbook saved by LibreOffice: at most {TARGET:.0f}x the build: {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
