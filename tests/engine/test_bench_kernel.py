"""bench/engine.py's bare numpy kernel does the engine's staffing arithmetic: the two agree.

The benchmark judges the engine's speed against the kernel, so the kernel must do the same
sums; it checks that at every size it times, and this checks it on small cases, chunked as the
engine chunks large ones, with posts employed all along (transferring at go-live) and filled
afresh from a go-live part-way through a year.
"""

from __future__ import annotations

import importlib.util

import pytest

from conftest import ROOT

from costmodel.engine import projection as engine
from costmodel.engine.projection import project
from costmodel.scenario.loader import load_scenario_text


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "bench" / "engine.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _scenario(bench, fills_afresh: bool):
    text = bench.scenario_text(45, 4, 6)
    if fills_afresh:
        # Option 3 (a wholly owned company) fills the posts from its go-live instead of taking them over.
        text = text.replace("    staffing_same_as: option-1\n", "    staffing_same_as: option-1\n"
                            "    staffing_transfers: false\n", 2).replace(
            "    staffing_transfers: false\n", "", 1)
    return load_scenario_text(text, "synthetic.yaml")


@pytest.mark.parametrize("fills_afresh", [False, True], ids=["transferring", "filled afresh"])
def test_the_kernel_gives_the_engines_staffing_rows(bench, fills_afresh, monkeypatch):
    # Ten posts a chunk (60 cells over six years), in the engine and the kernel alike: five chunks.
    monkeypatch.setattr(engine, "CHUNK_CELLS", 60)
    monkeypatch.setattr(bench, "CHUNK_CELLS", 60)
    scenario = _scenario(bench, fills_afresh)
    assert [o.staffing_transfers for o in scenario.options[1:]] == [True, not fills_afresh, True]
    inputs, options = bench.kernel_inputs(scenario)
    assert [o["period"] for o in options] == ["after_go_live", "whole_horizon",
                                              "after_go_live" if fills_afresh else "whole_horizon", "whole_horizon"]
    assert bench.disagreement(bench.kernel(inputs, options), project(scenario)) < 1e-12


def test_the_kernel_check_catches_a_row_the_kernel_gets_wrong(bench):
    scenario = _scenario(bench, False)
    inputs, options = bench.kernel_inputs(scenario)
    wrong = bench.kernel(inputs, options)
    wrong[1]["pension"] = wrong[1]["pension"] * 1.001
    assert bench.disagreement(wrong, project(scenario)) > 1e-4
