"""Workbook: writing the comparison workbook against plain XlsxWriter writing the same cells.

    python bench/workbook.py            # the table
    python bench/workbook.py --json     # the figures as JSON on standard output

Two scenarios: the shipped Worcestershire one (600 staff in about a dozen graded post lines;
5 options) and a synthetic 10,000-post establishment (bench/make_scenario.py; 5 options x 30
years), which goes on a Staffing sheet. For each, in this one process:

- costmodel's time to write the workbook from a projection (`build_workbook`; the
  projection itself is bench/engine.py's business), best of three;
- plain XlsxWriter writing the very same cells (each sheet's strings, numbers and formula
  texts, read back from costmodel's workbook) with none of our logic, best of three;
- their ratio (target: at most 2), the file's size and the peak memory of a build;
- for the large one, LibreOffice opening it, recalculating every formula (forced, as the
  workbook tests do) and agreeing with the stored values: it must be usable, not only written.

Where a scenario gives ranges (Worcestershire does), the workbook also carries a sensitivity
analysis and a 10,000-draw simulation. Working those out is analysis, not writing (bench/
monte_carlo.py measures it), so it is timed on its own and the writing is timed with it done;
the whole build against plain XlsxWriter is printed too.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import tracemalloc
from pathlib import Path

import openpyxl
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_scenario import scenario_text  # noqa: E402
from timing import best_of  # noqa: E402

from costmodel.engine.projection import project  # noqa: E402
from costmodel.scenario.loader import load_scenario, load_scenario_text  # noqa: E402
from costmodel.uncertainty.draws import ranged_inputs  # noqa: E402
from costmodel.report import simulate_for_the_workbook  # noqa: E402
from costmodel.uncertainty.sensitivity import sensitivity  # noqa: E402
from costmodel.workbook.writer import build_workbook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET = 2.0


def cells_of(book: bytes) -> list[tuple[str, list[tuple[int, int, str, object]]]]:
    """Each sheet's cells: (row, column, kind, value), kind 'f' formula, 'n' number, 's' text."""
    workbook = openpyxl.load_workbook(io.BytesIO(book), read_only=True)
    out = []
    for sheet in workbook.worksheets:
        cells = []
        for row in sheet.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if isinstance(c.value, str) and c.value.startswith("="):
                    kind = "f"
                elif isinstance(c.value, (int, float)):
                    kind = "n"
                else:
                    kind, c_value = "s", str(c.value)
                cells.append((c.row - 1, c.column - 1, kind, c.value if kind != "s" else c_value))
        out.append((sheet.title, cells))
    return out


def plain_xlsxwriter(sheets) -> bytes:
    """The same cells through XlsxWriter, in memory as costmodel writes, and nothing else."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
    for title, cells in sheets:
        sheet = workbook.add_worksheet(title)
        for row, col, kind, value in cells:
            if kind == "f":
                sheet.write_formula(row, col, value, None, 0)
            elif kind == "n":
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)
    workbook.close()
    return buffer.getvalue()


def libreoffice_check(book: bytes) -> dict:
    """Open the workbook in LibreOffice, recalculate every formula, compare with the stored values."""
    import shutil
    import tempfile

    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "workbook")]
    from bookhelpers import agrees, formula_cells, libreoffice_convert, stored_values

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return {"libreoffice": "not installed (.ci/run installs it)"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.xlsx"
        path.write_bytes(book)
        start = time.perf_counter()
        [converted] = libreoffice_convert([path], "xlsx", Path(folder))
        seconds = time.perf_counter() - start
        formulas, stored, recalculated = formula_cells(path), stored_values(path), stored_values(converted)
        differ = sum(not agrees(stored[key], recalculated.get(key)) for key in formulas)
    return {"libreoffice": "opened", "libreoffice_seconds": seconds, "libreoffice_formulas": len(formulas),
            "libreoffice_differ": differ}


def measure(name: str, scenario, runs: int, open_in_libreoffice: bool = False) -> dict:
    projection = project(scenario)
    analysis, uncertainty = best_of(runs, lambda: (sensitivity(scenario), simulate_for_the_workbook(scenario))) \
        if ranged_inputs(scenario) \
        else (0.0, None)
    ours, book = best_of(runs, lambda: build_workbook(projection, uncertainty=uncertainty))
    sheets = cells_of(book)
    plain, _ = best_of(runs, lambda: plain_xlsxwriter(sheets))
    tracemalloc.start()
    build_workbook(projection, uncertainty=uncertainty)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    counts = {kind: sum(1 for _, cells in sheets for c in cells if c[2] == kind) for kind in "fns"}
    opened = libreoffice_check(book) if open_in_libreoffice else {}
    return opened | {"scenario": name, "posts": sum(len(o.staffing) for o in scenario.options[:1]),
            "sheets": [title for title, _ in sheets], "formula_cells": counts["f"], "number_cells": counts["n"],
            "text_cells": counts["s"], "analysis_seconds": analysis, "costmodel_seconds": ours,
            "plain_xlsxwriter_seconds": plain, "ratio": ours / plain, "ratio_with_analysis": (analysis + ours) / plain,
            "file_mb": len(book) / 1e6, "peak_mb": peak / 2**20}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Workbook writing against plain XlsxWriter.")
    parser.add_argument("--posts", type=int, default=10_000, help="posts in the synthetic scenario (default 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="take the best of this many runs (default 3)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    rows = [measure("worcestershire-2017", load_scenario(ROOT / "scenarios" / "worcestershire-2017.yaml"), args.runs),
            measure(f"synthetic {args.posts:,} posts",
                    load_scenario_text(scenario_text(args.posts, 5, 30), "synthetic.yaml"), args.runs,
                    open_in_libreoffice=True)]
    ok = all(row["ratio"] <= TARGET for row in rows) and rows[1].get("libreoffice_differ") == 0
    if args.json:
        print(json.dumps({"rows": rows, "target": TARGET, "ok": ok}, indent=2))
        return 0
    print(f"{'scenario':<24} {'formulas':>9} {'cells':>9} {'analysis s':>10} {'writing s':>9} {'plain s':>8} "
          f"{'ratio':>6} {'with analysis':>13} {'file MB':>8} {'peak MB':>8}")
    for row in rows:
        cells = row["formula_cells"] + row["number_cells"] + row["text_cells"]
        print(f"{row['scenario']:<24} {row['formula_cells']:>9,} {cells:>9,} {row['analysis_seconds']:>10.2f} "
              f"{row['costmodel_seconds']:>9.2f} {row['plain_xlsxwriter_seconds']:>8.2f} {row['ratio']:>6.2f} "
              f"{row['ratio_with_analysis']:>13.2f} {row['file_mb']:>8.2f} {row['peak_mb']:>8.0f}")
    large = rows[1]
    if "libreoffice_seconds" in large:
        print(f"LibreOffice opened the {large['scenario']} workbook and recalculated its {large['libreoffice_formulas']:,} "
              f"formulas in {large['libreoffice_seconds']:.1f} s; {large['libreoffice_differ']} differ from the stored values")
    else:
        print(f"LibreOffice: {large['libreoffice']}")
    print(f"workbook: writing / plain XlsxWriter at most {TARGET:.0f}, and the large one opens in LibreOffice: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
