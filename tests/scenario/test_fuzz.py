"""Fuzzing: whatever a finance officer or a script feeds costmodel, the only outcomes are success
or a clean error (exit 1 for bad input, 2 for a bad command line), never a traceback."""

import os
import string

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, SCENARIOS
from costmodel import ScenarioError, load_scenario_text
from costmodel.cli import cli

# Bounded so CI stays quick; the catalogue covers the known mistakes one by one.
FUZZ = settings(max_examples=int(os.environ.get("COSTMODEL_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

KEYS = ["metadata", "timeline", "assumptions", "options", "published_figures", "id", "name", "title", "family",
        "baseline", "staffing", "salary", "count", "amount", "value", "low", "high", "years", "first_year",
        "price_base", "go_live", "period", "index", "vat_share", "setup", "profile", "partnership", "zzz"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["15%", "1.3m", "£1,300,000", "2018/19", "2018-06", "in_house", "trust", "yes", "no",
                     "1e308", "-0", "88,2O2", "after_go_live", "", " ", "\t", "~", "null", "NaN"]),
)
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=25)


def _yaml(value, indent=0) -> str:
    """A plain block-style YAML rendering (quoted scalars), enough to reach every part of the loader."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        return "".join(f"{pad}{k}:\n{_yaml(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        return "".join(f"{pad}-\n{_yaml(v, indent + 2)}" for v in value)
    if isinstance(value, str):
        return pad + '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"\n'
    if value is None:
        return pad + "null\n"
    return pad + str(value).lower() + "\n"


def _loads_or_refuses(text: str) -> None:
    """Refused with problems, or accepted, and then projected, simulated and written without fault."""
    try:
        scenario = load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems and all(p.file == "fuzz.yaml" and p.message for p in error.problems)
        return
    from costmodel import project
    from costmodel.uncertainty.sensitivity import sensitivity
    from costmodel.uncertainty.simulate import simulate
    from costmodel.workbook.writer import build_workbook

    build_workbook(project(scenario))
    sensitivity(scenario)
    simulate(scenario, 50, seed=1)


@FUZZ
@given(document=documents)
def test_the_loader_answers_any_yaml_document(document):
    _loads_or_refuses(_yaml(document))


@FUZZ
@given(document=documents, where=st.sampled_from(["metadata", "timeline", "assumptions", "options"]))
def test_the_loader_answers_any_value_in_any_section(document, where):
    lines = MINIMAL.split("\n")
    # Replace one section of the valid scenario with the generated value.
    start = lines.index(f"{where}:")
    end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
    _loads_or_refuses("\n".join(lines[:start]) + f"\n{where}:\n" + _yaml(document, 2) + "\n".join(lines[end:]))


@FUZZ
@given(position=st.integers(0, len(MINIMAL)), cut=st.integers(0, 5),
       insert=st.text(alphabet=string.printable + "£€\x00\ufeff", max_size=6))
def test_the_loader_answers_any_edit_of_a_valid_scenario(position, cut, insert):
    _loads_or_refuses(MINIMAL[:position] + insert + MINIMAL[position + cut:])


WORDS = ["run", "validate", "verify", "diff", "init", "sensitivity", "simulate", "--draws", "--seed", "0", "7",
         "-3", "1e9", "--help", "--version", "-o", "--json", "-", "--strict",
         "--force", "--manifest", "out.xlsx", "out.json", "x.yaml", "", "--", "-x", "workbooks",
         str(SCENARIOS / "isle-of-wight-2017.yaml"), str(SCENARIOS / "template.yaml"), "\u00e9", "a b"]


@FUZZ
@given(args=st.lists(st.sampled_from(WORDS), max_size=6))
def test_the_command_line_answers_any_arguments(tmp_path_factory, args):
    folder = tmp_path_factory.mktemp("cli")
    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, args)
    finally:
        os.chdir(here)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert "Traceback" not in result.output
