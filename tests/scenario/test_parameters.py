"""Parameter sets: dated, sourced figures that a scenario pins, and pricing as known at a day.

Figures are from the public sources each record names (HMRC rates and thresholds by tax year,
the Budgets, the Growth Plan 2022) or worked by hand below.
"""

from __future__ import annotations

import datetime as _dt
import json
from importlib.resources import files

import pytest

from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of
from costmodel.scenario import defaults, parameters
from costmodel.scenario.loader import load_scenario_text
from costmodel.scenario.problems import ScenarioError

SHIPPED = files("costmodel.scenario").joinpath("parameter_sets/2026-12.json").read_text(encoding="utf-8")


def _future_set() -> parameters.ParameterSet:
    """A set made after 2026-12, as a later release would ship: a Budget changes 2027/28."""
    raw = json.loads(SHIPPED)
    raw["name"], raw["published"] = "2027-04", "2027-04-01"
    raw["employer_ni"]["rate"].append({"tax_year": "2027/28", "value": 0.17, "announced": "2027-03-15",
                                       "in_force": "2027-04-06", "source": "a Budget of the test"})
    raw["employer_ni"]["threshold"].append({"tax_year": "2027/28", "value": 6000.0, "announced": "2027-03-15",
                                            "in_force": "2027-04-06", "source": "a Budget of the test"})
    raw["apprenticeship_levy"]["rate"].append({"value": 0.01, "announced": "2027-03-15", "in_force": "2027-04-06",
                                               "source": "a Budget of the test"})
    return parameters.read_set(json.dumps(raw), "2027-04")


def _one_post(parameters_key: str = "", first_year: str = "2025/26", years: int = 4) -> str:
    text = make_scenario(EMPTY_BASELINE + """\
- id: team
  name: Team
  family: in_house
  staffing:
    - id: sw
      title: Social worker
      salary: 40,000
""", first_year=first_year, price_base=first_year, years=years,
        assumptions="general_inflation: 0%\npay_awards: 0%\npension_rate: 20%\n")
    return parameters_key + text


# --------------------------------------------------------------------------- the shipped set

def test_the_latest_set_holds_the_employer_ni_table_of_hmrc_by_tax_year():
    figures = parameters.resolve()
    # HMRC's secondary thresholds are set by the week; a year is 52 of them:
    # £157 x 52 = £8,164; £162 x 52 = £8,424; £166 x 52 = £8,632; £169 x 52 = £8,788;
    # £170 x 52 = £8,840; £175 x 52 = £9,100 (2022/23, then frozen); £5,000 from 2025/26.
    weekly = {2017: 157, 2018: 162, 2019: 166, 2020: 169, 2021: 170, 2022: 175, 2023: 175, 2024: 175}
    for year, week in weekly.items():
        assert figures.ni_threshold[year] == week * 52
    assert figures.ni_threshold[2025] == figures.ni_threshold[2026] == 5000.0
    assert [figures.ni_rate[y] for y in range(2017, 2027)] == [0.138] * 5 + [0.1453, 0.138, 0.138, 0.15, 0.15]


def test_2022_23_is_hmrcs_annual_equivalent_of_its_two_rates():
    [split] = [f for f in parameters.resolve().used[("employer_ni", "rate")] if f.tax_year == 2022]
    assert [(p.first_day, p.last_day, p.value) for p in split.periods] == [
        (_dt.date(2022, 4, 6), _dt.date(2022, 11, 5), 0.1505), (_dt.date(2022, 11, 6), _dt.date(2023, 4, 5), 0.138)]
    # 6 April to 5 November is 25 + 31 + 30 + 31 + 31 + 30 + 31 + 5 = 214 days; 6 November to 5 April
    # is 25 + 31 + 31 + 28 + 31 + 5 = 151 days: (214 x 15.05% + 151 x 13.8%) / 365 = 14.533%, 14.53%.
    assert split.value == 0.1453 == round((214 * 0.1505 + 151 * 0.138) / 365, 4)


def test_every_figure_names_a_source_and_was_announced_by_the_time_it_came_into_force():
    for name, shipped in parameters.SETS.items():
        for table, figures in shipped.tables.items():
            for figure in figures:
                assert figure.source.strip(), (name, table)
                assert figure.announced <= figure.in_force <= _dt.date(2027, 4, 6), (name, table, figure)


def test_the_days_the_model_review_cites_are_those_of_the_sets_figures():
    announced = {f.announced.isoformat() for figures in parameters.latest().tables.values() for f in figures}
    for _, _, day, _ in defaults.NI_ANNOUNCEMENTS:
        assert day in announced


def test_a_set_whose_annual_equivalent_does_not_follow_from_its_periods_is_refused():
    raw = json.loads(SHIPPED)
    split = next(f for f in raw["employer_ni"]["rate"] if f.get("periods"))
    split["value"] = 0.1505
    with pytest.raises(ValueError, match="not the annual equivalent"):
        parameters.read_set(json.dumps(raw), "2026-12")


def test_a_set_with_a_figure_without_its_source_is_refused():
    raw = json.loads(SHIPPED)
    del raw["vat"]["standard_rate"][0]["source"]
    with pytest.raises(ValueError, match=r"vat.standard_rate\[0\]: missing \['source'\]"):
        parameters.read_set(json.dumps(raw), "2026-12")


# --------------------------------------------------------------------------- pinning

def test_a_pinned_scenario_gives_the_same_figures_after_a_later_set_becomes_the_default(monkeypatch):
    pinned = _one_post("parameters: 2026-12\n")
    before = rows_of(project_text(pinned), "team", "employer_ni")
    levy_before = rows_of(project_text(pinned), "team", "apprenticeship_levy")
    monkeypatch.setitem(parameters.SETS, "2027-04", _future_set())
    assert parameters.latest().name == "2027-04"
    after = rows_of(project_text(pinned), "team", "employer_ni")
    # 2025/26 to 2028/29 under 2026-12: (40,000 - 5,000) x 15% = 5,250 each year.
    assert list(before) == list(after) == pytest.approx([5250.0] * 4)
    assert list(rows_of(project_text(pinned), "team", "apprenticeship_levy")) == list(levy_before)
    # The same scenario unpinned takes the later set: 2027/28 on, (40,000 - 6,000) x 17% = 5,780,
    # and the levy is 1% of £40,000 = £400 a year instead of 0.5%, £200.
    unpinned = project_text(_one_post())
    assert rows_of(unpinned, "team", "employer_ni") == pytest.approx([5250.0, 5250.0, 5780.0, 5780.0])
    assert rows_of(unpinned, "team", "apprenticeship_levy") == pytest.approx([400.0] * 4)
    assert levy_before == pytest.approx([200.0] * 4)


def test_an_unpinned_scenario_is_priced_with_the_latest_set_and_says_so():
    scenario = load_scenario_text(_one_post())
    assert scenario.priced_with.set.name == max(parameters.SETS)
    assert not scenario.priced_with.pinned
    assert "pins none" in scenario.priced_with.in_words()
    summary = project_text(_one_post()).to_json()["scenario"]
    assert (summary["parameter_set"], summary["parameter_set_pinned"]) == (max(parameters.SETS), False)


# --------------------------------------------------------------------------- as known at a day

def test_known_at_march_2022_carries_15_05_percent_for_the_whole_of_2022_23_and_after():
    text = _one_post("parameters: {as_known_at: 2022-03-01}\n", first_year="2022/23", years=2)
    ni = rows_of(project_text(text), "team", "employer_ni")
    # By 1 March 2022: 15.05% for 2022/23 (7 September 2021), and for 2023/24 13.8% NI plus the
    # 1.25% Health and Social Care Levy on the same earnings, 15.05% again; threshold £9,100 (27
    # October 2021), carried into 2023/24. (40,000 - 9,100) x 15.05% = 30,900 x 0.1505 = 4,650.45.
    assert ni == pytest.approx([4650.45, 4650.45])


def test_known_at_december_2022_has_the_split_year_and_13_8_percent_after():
    text = _one_post("parameters: {as_known_at: 2022-12-01}\n", first_year="2022/23", years=2)
    scenario = load_scenario_text(text)
    [split] = [f for f in scenario.priced_with.used[("employer_ni", "rate")] if f.tax_year == 2022]
    assert [p.value for p in split.periods] == [0.1505, 0.138]
    ni = rows_of(project_text(text), "team", "employer_ni")
    # 2022/23: 15.05% to 5 November, 13.8% after, at HMRC's annual equivalent 14.53%:
    # 30,900 x 0.1453 = 4,489.77. 2023/24: the Growth Plan (23 September 2022) cancelled the levy:
    # 30,900 x 0.138 = 4,264.20 (the £9,100 freeze was announced 17 November 2022).
    assert ni == pytest.approx([4489.77, 4264.20])


def test_known_at_a_day_takes_the_later_set_only_up_to_that_day(monkeypatch):
    monkeypatch.setitem(parameters.SETS, "2027-04", _future_set())
    text = _one_post("parameters: {as_known_at: 2026-11-01}\n")
    # The later set's Budget (15 March 2027) was not known on 1 November 2026: 5,250 every year.
    assert rows_of(project_text(text), "team", "employer_ni") == pytest.approx([5250.0] * 4)


def test_priced_as_known_at_its_own_date_a_scenario_is_not_warned_of_later_announcements():
    from costmodel.review import review

    dated = _one_post(first_year="2022/23", years=2).replace("date: 2025-01-01", "date: 2022-03-01")
    assert "W105" in [w.code for w in review(project_text(dated))]
    known = "parameters: {as_known_at: 2022-03-01}\n" + dated
    assert "W105" not in [w.code for w in review(project_text(known))]


# --------------------------------------------------------------------------- bad values

@pytest.mark.parametrize("value, path, words", [
    ("2025-01", "parameters.set", "no parameter set '2025-01' ships with this costmodel (did you mean 2026-12?)"),
    ("2017-11-09", "parameters", "a day is written under as_known_at"),
    ("{as_known_at: 2014-01-01}", "parameters.as_known_at", "first announced on 23 November 2016"),
    ("{as_known_at: 9 November 2017}", "parameters.as_known_at", "expected a date"),
    ("{sett: 2026-12}", "parameters.sett", "did you mean 'set'?"),
])
def test_a_bad_parameters_value_is_one_problem_at_its_line_and_field(value, path, words):
    text = _one_post(f"parameters: {value}\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "council.yaml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.path) == ("council.yaml", 1, path)
    assert words in problem.message
    assert "\n" not in str(problem)


# --------------------------------------------------------------------------- optimism bias by project type

def _setup_with_bias(bias: str, parameters_key: str = "") -> str:
    return parameters_key + make_scenario(EMPTY_BASELINE + f"""\
- id: trust
  name: Trust
  family: trust
  setup:
    - id: transition
      name: Transition
      amount: 220,000
      year: 2018/19
      index: none
      optimism_bias: {bias}
""", years=2)


def test_an_upper_bound_named_by_project_type_is_the_green_books_from_the_set():
    projection = project_text(_setup_with_bias("{project_type: outsourcing, mitigation: 25%}"))
    # Supplementary Green Book guidance, Table 1: outsourcing 41% (of operating expenditure).
    # £220,000 x 41% x (1 - 25%) = £67,650, as a stated 41% gives.
    assert rows_of(projection, "trust", "optimism_bias") == pytest.approx([67_650.0, 0.0])
    stated = project_text(_setup_with_bias("{upper_bound: 41%, mitigation: 25%}"))
    assert list(rows_of(stated, "trust", "optimism_bias")) == list(rows_of(projection, "trust", "optimism_bias"))
    bound = load_scenario_text(_setup_with_bias("{project_type: outsourcing}")).options[1].setup[0].optimism_bias
    assert bound.upper_bound.value == 0.41 and "Supplementary Green Book Guidance: Optimism Bias" in bound.upper_bound.source


def test_a_pinned_scenario_keeps_its_project_types_bound_after_a_later_set_revises_it(monkeypatch):
    raw = json.loads(SHIPPED)
    raw["name"], raw["published"] = "2027-04", "2027-04-01"
    raw["optimism_bias"]["project_types"]["outsourcing"]["upper_bound"] = 0.5
    monkeypatch.setitem(parameters.SETS, "2027-04", parameters.read_set(json.dumps(raw), "2027-04"))
    pinned = project_text(_setup_with_bias("{project_type: outsourcing}", "parameters: 2026-12\n"))
    unpinned = project_text(_setup_with_bias("{project_type: outsourcing}"))
    # £220,000 x 41% = £90,200 from 2026-12; £220,000 x 50% = £110,000 from the later set.
    assert rows_of(pinned, "trust", "optimism_bias")[0] == pytest.approx(90_200.0)
    assert rows_of(unpinned, "trust", "optimism_bias")[0] == pytest.approx(110_000.0)


def test_mitigation_moves_the_uplift_from_the_upper_bound_towards_the_lower():
    # Supplementary Green Book guidance, Table 1: equipment and development, 200% upper and 10% lower
    # (of capital expenditure). 80% mitigated: 200% - 80% x (200% - 10%) = 200% - 152% = 48%.
    # £220,000 x 48% = £105,600.
    projection = project_text(_setup_with_bias("{project_type: equipment_development, mitigation: 80%}"))
    assert rows_of(projection, "trust", "optimism_bias") == pytest.approx([105_600.0, 0.0])
    # Fully mitigated, the lower bound remains: £220,000 x 10% = £22,000.
    full = project_text(_setup_with_bias("{project_type: equipment_development, mitigation: 100%}"))
    assert rows_of(full, "trust", "optimism_bias") == pytest.approx([22_000.0, 0.0])
    bias = load_scenario_text(_setup_with_bias("{project_type: equipment_development}")).options[1].setup[0]
    assert (bias.optimism_bias.upper_bound.value, bias.optimism_bias.lower_bound.value) == (2.0, 0.10)


def test_a_stated_lower_bound_is_used_and_none_stated_is_zero():
    # 50% upper, 5% lower, half mitigated: 50% - 50% x (50% - 5%) = 27.5%; £220,000 x 27.5% = £60,500.
    stated = project_text(_setup_with_bias("{upper_bound: 50%, lower_bound: 5%, mitigation: 50%}"))
    assert rows_of(stated, "trust", "optimism_bias") == pytest.approx([60_500.0, 0.0])
    # No lower bound: 50% x (1 - 50%) = 25%, £55,000, as before lower bounds were known.
    unstated = project_text(_setup_with_bias("{upper_bound: 50%, mitigation: 50%}"))
    assert rows_of(unstated, "trust", "optimism_bias") == pytest.approx([55_000.0, 0.0])


@pytest.mark.parametrize("bias, words", [
    ("{upper_bound: 10%, lower_bound: 20%}", "the lower bound (20%) is above the upper bound (10%)"),
    ("{project_type: outsourcing, lower_bound: 5%}", "a project type brings its own lower bound"),
])
def test_a_lower_bound_that_cannot_be_used_is_refused_with_its_line(bias, words):
    text = _setup_with_bias(bias)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "council.yaml")
    [problem] = caught.value.problems
    assert words in problem.message and problem.path == "options[1].setup[0].optimism_bias"


@pytest.mark.parametrize("bias", ["{upper_bound: 41%, project_type: outsourcing}", "{mitigation: 20%}"])
def test_optimism_bias_takes_a_rate_or_a_project_type_one_of_the_two(bias):
    text = _setup_with_bias(bias)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "council.yaml")
    [problem] = caught.value.problems
    line = next(n for n, words in enumerate(text.splitlines(), start=1) if "optimism_bias:" in words)
    assert problem.path == "options[1].setup[0].optimism_bias" and problem.line == line
    assert "upper_bound: 41%" in problem.message and "project_type: outsourcing" in problem.message
