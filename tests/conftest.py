"""Shared test fixtures: a small valid scenario, written out so tests can vary one thing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

#: The smallest scenario that validates: two options, one of them the baseline.
MINIMAL = textwrap.dedent("""\
    metadata:
      id: minimal
      title: Minimal scenario
      authority: Test Council
      author: costmodel tests
      date: 2025-01-01
      status: draft
    timeline:
      first_year: 2018/19
      years: 5
      price_base: 2017/18
    assumptions:
      general_inflation: 2%
      pay_awards: 2%
      pension_rate: 20%
    options:
      - id: in-house
        name: In-house
        family: in_house
        baseline: true
        staffing:
          - id: social-worker
            title: Social worker
            count: 10
            salary: 35,000
      - id: trust
        name: Trust
        family: trust
        non_pay:
          - id: purchases
            name: Purchases
            amount: 100,000
            vat_share: 100%
    """)


@pytest.fixture
def minimal_text() -> str:
    return MINIMAL


@pytest.fixture
def write_scenario(tmp_path):
    """Write scenario text to a file in a fresh folder and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def make_scenario(options: str, *, first_year: str = "2018/19", years: int = 5, price_base: str = "2017/18",
                  assumptions: str = "general_inflation: 2%\npay_awards: 2%\npension_rate: 20%\n",
                  published: str = "") -> str:
    """Scenario text around the given `options:` items (YAML, indented as list items at column 2)."""
    text = textwrap.dedent(f"""\
        metadata:
          id: test
          title: Test scenario
          authority: Test Council
          author: costmodel tests
          date: 2025-01-01
          status: draft
        timeline:
          first_year: {first_year}
          years: {years}
          price_base: {price_base}
        assumptions:
        """)
    text += textwrap.indent(textwrap.dedent(assumptions), "  ")
    text += "options:\n" + textwrap.indent(textwrap.dedent(options), "  ")
    if published:
        text += "published_figures:\n" + textwrap.indent(textwrap.dedent(published), "  ")
    return text


#: A baseline option costing nothing, for tests that look at one other option.
EMPTY_BASELINE = """\
- id: base
  name: Baseline
  family: in_house
  baseline: true
"""


def project_text(text: str):
    import costmodel

    return costmodel.project(costmodel.load_scenario_text(text))


def rows_of(projection, option: str, key: str, line: str | None = None):
    """Cash by year (numpy array) of one row kind of one option, summed over instances (or one line)."""
    import numpy as np

    result = projection.option(option)
    found = [r.cash for r in result.rows if r.formula.key == key and (line is None or r.instance.id == line)]
    assert found, f"no rows {key!r} in option {option!r}"
    return np.sum(found, axis=0)


#: The tier a developer runs while changing the model (`python -m pytest -m fast`, under a minute): the
#: engine, the scenario reader, the appraisal and the formula language, in this process and without
#: workbooks or other processes. The whole suite (`python -m pytest`) runs these and everything else.
FAST = ("engine", "scenario", "appraisal")


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        if Path(item.fspath).resolve().parent.relative_to(tests).parts[:1] in [(tier,) for tier in FAST]:
            item.add_marker(pytest.mark.fast)


def pytest_terminal_summary(terminalreporter):
    """Report the size of the bad-input catalogue and how its cases ended, as the reliability issue asks."""
    reports = [r for outcome in ("passed", "failed") for r in terminalreporter.stats.get(outcome, [])
               if "test_bad_input.py::test_run_reports_the_line_and_writes_nothing[" in r.nodeid
               and r.when == "call"]
    if reports:
        clean = sum(r.passed for r in reports)
        terminalreporter.write_line(
            f"bad-input catalogue: {len(reports)} malformed scenarios tried through run (and validate); "
            f"{clean} answered with exit 1, file, line and field, no traceback and nothing written; "
            f"{len(reports) - clean} did not")
