"""Ranges, distributions, sensitivity, switching values and Monte Carlo, against answers known in closed form."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

import costmodel
from conftest import SCENARIOS, make_scenario
from costmodel.cli import cli
from costmodel.engine.projection import Scratch, project_draws
from costmodel.scenario.schema import Figure
from costmodel.uncertainty.draws import mean_of, quantile, ranged_inputs, uniforms, values_for
from costmodel.uncertainty.sensitivity import sensitivity
from costmodel.uncertainty.simulate import FINE_BINS, _from_histogram, simulate

# A fine, even grid of probabilities: the mean of quantile(u) over it is the distribution's mean.
GRID = (np.arange(200_000) + 0.5) / 200_000


@pytest.mark.parametrize("figure, mean, sd", [
    # uniform(100, 300): mean 200, sd 200/sqrt(12) = 57.735
    (Figure(value=150, unit="pounds", low=100, high=300, distribution="uniform"), 200.0, 200 / 12 ** 0.5),
    # triangular(100, 150, 300): mean (100+150+300)/3 = 183.33
    (Figure(value=150, unit="pounds", low=100, high=300), 550 / 3, None),
    # PERT(100, 150, 300): mean (100 + 4x150 + 300)/6 = 166.67
    (Figure(value=150, unit="pounds", low=100, high=300, distribution="pert"), 1000 / 6, None),
    # normal(150, sd 20)
    (Figure(value=150, unit="pounds", sd=20, distribution="normal"), 150.0, 20.0),
    # lognormal with mean 150 and sd 20
    (Figure(value=150, unit="pounds", sd=20, distribution="lognormal"), 150.0, 20.0),
])
def test_each_distribution_has_its_closed_form_mean(figure, mean, sd):
    values = quantile(figure, GRID)
    assert values.mean() == pytest.approx(mean, rel=1e-4)
    assert mean_of(figure) == pytest.approx(mean, rel=1e-12)
    if sd is not None:
        assert values.std() == pytest.approx(sd, rel=1e-3)
    assert np.all(np.diff(values) >= 0), "a quantile function never decreases"


def _one_year(option_amount: str, baseline_amount: str = "250") -> str:
    """One year, price base = that year, no index: NPC = cash = the amount."""
    return make_scenario(f"""\
- id: base
  name: Baseline
  family: in_house
  baseline: true
  non_pay: [{{id: fixed, name: Fixed, amount: {baseline_amount}, index: none}}]
- id: option
  name: Option
  family: in_house
  non_pay:
    - id: cost
      name: Uncertain cost
      amount: {option_amount}
      index: none
""", years=1, price_base="2018/19")


UNIFORM = "{value: 150, low: 100, high: 300, distribution: uniform}"


def test_monte_carlo_of_a_uniform_range_has_its_closed_form_mean_and_probability():
    """Option ~ uniform(100, 300); baseline 250. Mean 200 (standard error 57.735/sqrt(N));
    P50 200; the option is cheapest when it is below 250: probability (250-100)/200 = 0.75."""
    scenario = costmodel.load_scenario_text(_one_year(UNIFORM))
    draws = 200_000
    result = simulate(scenario, draws, seed=7, keep_every_draw=draws)  # every draw kept, to look at them
    option = next(o for o in result.outcomes if o.option == "option")
    error = 200 / 12 ** 0.5 / draws ** 0.5
    assert option.npc.mean() == pytest.approx(200, abs=4 * error)
    assert np.percentile(option.npc, 50) == pytest.approx(200, abs=1.0)
    assert result.probability_cheapest()["option"] == pytest.approx(0.75, abs=0.005)
    base = next(o for o in result.outcomes if o.option == "base")
    assert np.all(base.npc == 250)


def test_the_same_seed_gives_the_same_figures_whatever_the_chunk_and_another_seed_does_not():
    scenario = costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml")
    one = simulate(scenario, 5_000, seed=3)
    two = simulate(scenario, 5_000, seed=3, chunk=777)
    other = simulate(scenario, 5_000, seed=4)
    for a, b, c in zip(one.outcomes, two.outcomes, other.outcomes):
        assert np.array_equal(a.npc, b.npc) and np.array_equal(a.cash, b.cash)
        assert not np.array_equal(a.npc, c.npc) or a.npc.std() == 0


def test_the_vectorised_engine_matches_one_run_per_draw():
    scenario = costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml")
    inputs = ranged_inputs(scenario)
    rng = np.random.Generator(np.random.PCG64(11))
    u = rng.random((5, len(inputs)))
    from costmodel.uncertainty.draws import values_for

    together = project_draws(scenario, values_for(inputs, u), 5)
    for d in range(5):
        alone = project_draws(scenario, values_for(inputs, u[d:d + 1]), 1)
        for option in together:
            assert together[option][1][d] == pytest.approx(alone[option][1][0], rel=1e-12)
    # and with nothing drawn, the draws engine is the ordinary projection
    plain = costmodel.project(scenario)
    for result in plain.options:
        # The draws' present value is the economic case's: transfers left out, as the NPC ranks.
        economic = result.totals.row("economic_pv")
        assert project_draws(scenario, {}, 1)[result.option.id][1][0] == pytest.approx(economic, rel=1e-12)
        assert project_draws(scenario, {}, 1)[result.option.id][0][0] == pytest.approx(result.cash(), rel=1e-12)


def test_a_timeline_no_draw_moves_is_built_once_a_simulation_and_one_a_draw_moves_every_chunk():
    """Worcestershire draws 40 figures, none of them inflation, pay awards or an index: its timelines
    are the same for every chunk and are kept in the plan; chunks made with the kept timelines give
    what chunks made afresh do, to the bit. The Isle of Wight draws general inflation: never kept."""
    rng = np.random.Generator(np.random.PCG64(5))
    for name, kept in (("worcestershire-2017", True), ("isle-of-wight-2017", False)):
        scenario = costmodel.load_scenario(SCENARIOS / f"{name}.yaml")
        inputs = ranged_inputs(scenario)
        u = rng.random((7, len(inputs)))
        plan = {}
        project_draws(scenario, values_for(inputs, u[:4]), 4, plan=plan)
        assert (("timeline", 0) in plan) is kept, name
        again = project_draws(scenario, values_for(inputs, u[4:]), 3, plan=plan)
        afresh = project_draws(scenario, values_for(inputs, u[4:]), 3)
        for option, (cash, present_value) in afresh.items():
            assert np.array_equal(again[option][0], cash) and np.array_equal(again[option][1], present_value)


def test_sensitivity_and_a_switching_value_worked_by_hand():
    """Option = uniform(100, 300), central 150; baseline 250. At central the option is cheapest.
    At low (100) and high (300) its NPC is 100 and 300; it stops being cheapest above 250."""
    result = sensitivity(costmodel.load_scenario_text(_one_year(UNIFORM)))
    assert result.cheapest == "option" and result.runner_up == "base"
    [swing] = result.swings
    assert swing.npc["option"] == pytest.approx((100.0, 300.0))
    assert swing.gap == pytest.approx((150.0, -50.0))  # baseline minus option, at low and at high
    [switch] = result.switches
    [crossing] = switch.crossings
    assert crossing.value == pytest.approx(250.0, abs=1e-6) and crossing.to_option == "base" and not crossing.below
    assert result.in_words(switch) == ("Baseline becomes cheaper than Option only if Uncertain cost: amount "
                                       "(Option) is above £250 (central £150).")


def test_crossings_on_both_sides_name_the_option_that_overtakes_first():
    """A = 10 + x, B = 14, C = 4 + 3x (one year, no index), x central 3.5, cheapest A (13.5).
    C undercuts A when 4 + 3x < 10 + x, that is x < 3; B undercuts A when 10 + x > 14, that is x > 4."""
    shared = "{value: 3.5, low: 3, high: 4, draw: x}"
    text = make_scenario(f"""\
- id: a
  name: A
  family: in_house
  baseline: true
  non_pay: [{{id: f, name: fixed, amount: 10, index: none}}, {{id: x, name: X, amount: {shared}, index: none}}]
- id: b
  name: B
  family: in_house
  non_pay: [{{id: f, name: fixed, amount: 14, index: none}}]
- id: c
  name: C
  family: in_house
  non_pay:
    - {{id: f, name: fixed, amount: 4, index: none}}
    - {{id: x1, name: X, amount: {shared}, index: none}}
    - {{id: x2, name: X, amount: {shared}, index: none}}
    - {{id: x3, name: X, amount: {shared}, index: none}}
""", years=1, price_base="2018/19")
    result = sensitivity(costmodel.load_scenario_text(text))
    [switch] = result.switches
    assert [(round(c.value, 9), c.to_option, c.below) for c in switch.crossings] == [(3.0, "c", True),
                                                                                      (4.0, "b", False)]
    assert "only" not in result.in_words(switch)


def test_no_switch_within_the_bracket_is_said_so():
    result = sensitivity(costmodel.load_scenario_text(_one_year("{value: 150, low: 140, high: 160}", "10000")))
    [switch] = result.switches
    assert switch.value is None
    assert "no switch" in result.in_words(switch) and "stays the cheapest" in result.in_words(switch)


def test_figures_sharing_a_draw_are_drawn_once_and_correlations_hold():
    text = make_scenario("""\
- id: base
  name: Baseline
  family: in_house
  baseline: true
  non_pay: [{id: a, name: A, amount: {value: 100, low: 50, high: 150, draw: shared-cost}, index: none}]
- id: other
  name: Other
  family: in_house
  non_pay:
    - {id: a, name: A, amount: {value: 100, low: 50, high: 150, draw: shared-cost}, index: none}
    - {id: b, name: B, amount: {value: 100, sd: 10, distribution: normal}, index: none}
    - {id: c, name: C, amount: {value: 100, sd: 10, distribution: normal}, index: none}
""", years=1, price_base="2018/19") + """\
correlations:
  - {between: ["options[1].non_pay[1].amount", "options[1].non_pay[2].amount"], coefficient: 0.8}
"""
    scenario = costmodel.load_scenario_text(text)
    inputs = ranged_inputs(scenario)
    assert [len(r.members) for r in inputs] == [2, 1, 1]
    result = simulate(scenario, 50_000, seed=2)
    base, other = result.outcomes
    # other = shared + B + C; base = shared: their difference is B + C alone
    b_plus_c = other.npc - base.npc
    # var(B + C) = 10^2 + 10^2 + 2 x 0.8 x 10 x 10 = 360
    assert b_plus_c.var() == pytest.approx(360, rel=0.03)


def test_cli_sensitivity_and_simulate(tmp_path):
    iow = str(SCENARIOS / "isle-of-wight-2017.yaml")
    runner = CliRunner()
    result = runner.invoke(cli, ["sensitivity", iow, "--json", "-", "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # The Isle of Wight scenario's uncertain quantities: general inflation; Hampshire's officer time; the
    # VAT-bearing purchases, the cost of failure and the Director's market salary (each shared by options);
    # the Director's agency share and premium; four options' failure probabilities; the trust's corporate
    # services and set-up: 1 + 1 + 3 + 2 + 4 + 2 = 13.
    assert data["cheapest"] == "hampshire" and len(data["inputs"]) == 13
    assert any("becomes cheaper" in s["in_words"] for s in data["switching_values"])
    for option, tornado in data["tornado_by_option"].items():
        swings = [row["swing"] for row in tornado]
        assert swings == sorted(swings, reverse=True), option
    result = runner.invoke(cli, ["simulate", iow, "--draws", "2000", "--seed", "1", "--json", "-",
                                 "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["draws"] == 2000 and sum(o["probability_cheapest"] for o in data["options"]) == pytest.approx(1.0)
    for option in data["options"]:
        npc = option["npc"]
        assert npc["p10"] <= npc["p50"] <= npc["p90"]
    assert "drawing" not in result.stderr  # no progress bar when not a terminal
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames == ["Sensitivity"]
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames == ["Risk"]


def test_the_workbook_has_sensitivity_and_risk_sheets_only_when_there_are_ranges():
    from costmodel.workbook.writer import build_workbook
    import io
    import openpyxl

    ranged = build_workbook(costmodel.project(costmodel.load_scenario_text(_one_year(UNIFORM))))
    plain = build_workbook(costmodel.project(costmodel.load_scenario_text(_one_year("150"))))
    sheets = openpyxl.load_workbook(io.BytesIO(ranged)).sheetnames
    assert "Sensitivity" in sheets and "Risk" in sheets
    assert not {"Sensitivity", "Risk"} & set(openpyxl.load_workbook(io.BytesIO(plain)).sheetnames)
    risk = openpyxl.load_workbook(io.BytesIO(ranged))["Risk"]
    assert "computed for the inputs as published" in risk["A2"].value and "do not recalculate" in risk["A2"].value
    sheet = openpyxl.load_workbook(io.BytesIO(ranged))["Sensitivity"]
    headings = [c.value for c in sheet["A"] if isinstance(c.value, str) and "largest swing first" in c.value]
    assert len(headings) == 3  # the gap's tornado, then one ranked table for each option


def test_a_ranged_vat_share_moves_the_financial_case_but_never_the_economic_case():
    """Baseline: £1,000. Trust: £900 of VAT-bearing purchases with irrecoverable share s, VAT 20%:
    cash 900 x (1 + 0.2s), £900 at s = 0% and £1,080 at s = 100%. The VAT is a transfer to the
    Exchequer, so the economic case's NPC is £900 whatever s is, and no value of s can make the
    baseline the cheaper option by it (issue 18: VAT treatment does not decide value for money)."""
    text = make_scenario("""\
- {id: base, name: Base, family: in_house, baseline: true, non_pay: [{id: x, name: X, amount: 1000, index: none}]}
- id: trust
  name: Trust
  family: trust
  vat: {irrecoverable_share: {value: 100%, low: 0%, high: 100%}, reason: a cost sharing group may recover some}
  non_pay: [{id: x, name: Purchases, amount: 900, index: none, vat_share: 100%}]
""", years=1, price_base="2018/19")
    result = sensitivity(costmodel.load_scenario_text(text))
    [swing] = result.swings
    assert swing.npc["trust"] == pytest.approx((900.0, 900.0))
    assert swing.cash["trust"] == pytest.approx((900.0, 1080.0))
    [switch] = result.switches
    assert switch.crossings == []
    assert result.in_words(switch).startswith("Trust stays the cheapest whatever")


def test_beyond_100000_draws_memory_is_fixed_and_percentiles_are_within_one_band_of_exact_ones():
    """The two-pass method (forced here for 20,000 draws) against keeping every draw: the same
    means and chances of being cheapest, and each percentile within the stated accuracy of the
    exact one of the same draws, one band of 200,000 across the draws' range."""
    scenario = costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml")
    exact = simulate(scenario, 20_000, seed=5)
    streamed = simulate(scenario, 20_000, seed=5, keep_every_draw=0)
    assert streamed.outcomes[0].npc is None  # no draw kept
    assert exact.to_json()["percentiles"] == "exact"
    assert streamed.to_json()["percentiles"].startswith("from 200,000-band histograms of every draw, each within one band")
    assert streamed.probability_cheapest() == exact.probability_cheapest()
    for a, b in zip(exact.outcomes, streamed.outcomes):
        for measure, draws in (("npc", a.npc), ("cash_total", a.cash)):
            assert b.summary()[measure]["mean"] == pytest.approx(a.summary()[measure]["mean"], rel=1e-12)
            band = (draws.max() - draws.min()) / FINE_BINS
            for p in ("p10", "p50", "p90"):
                assert abs(b.summary()[measure][p] - a.summary()[measure][p]) <= band * (1 + 1e-9)
        assert np.array_equal(a.chart_counts, b.chart_counts)


def test_a_percentile_between_two_far_apart_bands_is_read_within_one_band():
    """Ten draws, five of £0 and five of £100. numpy's median (linear method): the draws of ranks
    4 and 5 (from 0) are £0 and £100, halfway between them: £50. The histogram puts them in its
    first and last bands, each 100 / 200,000 = £0.0005 wide, so the reading is within £0.0005 of
    £50 (reading within the band where the count first reaches half would give about £0)."""
    draws = np.array([0.0] * 5 + [100.0] * 5)
    assert np.percentile(draws, 50) == 50.0
    counts = np.histogram(draws, bins=FINE_BINS, range=(0.0, 100.0))[0]
    assert _from_histogram(counts, 0.0, 100.0, 50) == pytest.approx(50.0, abs=100 / 200_000)
    # p10: position 0.9 between ranks 0 and 1, both £0: within the first band, [0, 0.0005]
    assert 0.0 <= _from_histogram(counts, 0.0, 100.0, 10) <= 100 / 200_000
    # every draw the same: that value, not the middle of a band
    assert _from_histogram(np.histogram(np.full(7, 3.0), bins=FINE_BINS, range=(2.5, 3.5))[0], 3.0, 3.0, 90) == 3.0


def test_a_ranged_figure_of_posts_another_option_employs_is_named_for_both_not_the_one_listing_them():
    """A trust employing the council's posts (staffing_same_as) moves with their salary too: one input."""
    text = make_scenario("""\
- id: base
  name: In-house
  family: in_house
  baseline: true
  staffing: [{id: sw, title: Social worker, salary: {value: "30,000", low: "28,000", high: "33,000"}}]
- id: trust
  name: Trust
  family: trust
  staffing_same_as: base
- id: other
  name: Other
  family: in_house
  staffing: [{id: sw, title: Social worker, salary: {value: "30,000", low: "28,000", high: "33,000"}}]
""", years=1, price_base="2018/19")
    labels = [ranged.label for ranged in ranged_inputs(costmodel.load_scenario_text(text))]
    assert labels == ["Social worker: salary (every option employing these posts)", "Social worker: salary (Other)"]


def test_chunks_sharing_their_working_arrays_and_plan_give_the_same_totals_to_the_bit():
    """A simulation lends its chunks' large working arrays from one Scratch and keeps one plan of
    line groups (engine/projection.py): each chunk, the second made with arrays the first wrote in,
    must give exactly what projecting it afresh gives, every option, draw and year."""
    scenario = costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml")
    inputs = ranged_inputs(scenario)
    generator = np.random.Generator(np.random.PCG64(11))
    scratch, plan = Scratch(), {}
    for size in (3_000, 2_000):  # the second smaller, as a simulation's last chunk can be
        sampled = values_for(inputs, uniforms(generator, size, len(inputs), None))
        fresh = project_draws(scenario, sampled, size)
        shared = project_draws(scenario, sampled, size, scratch, plan)
        for option, (cash, pv) in fresh.items():
            assert np.array_equal(shared[option][0], cash) and np.array_equal(shared[option][1], pv)
    assert scratch.free and not scratch.lent  # arrays were lent, and all given back


def test_a_scenarios_ranged_figures_are_found_by_one_walk_and_found_again_once_it_is_repriced(monkeypatch):
    # The review, the sensitivity analysis, the simulation and the workbook each ask for the ranged
    # figures; one walk of the scenario answers them all, until price_with changes the scenario.
    from costmodel.scenario import ranges
    from costmodel.scenario.parameters import resolve

    scenario = costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml")
    walks = []
    walk = ranges._walk
    monkeypatch.setattr(ranges, "_walk", lambda node, *args, **kwargs:
                        (walks.append(node) if node is scenario else None) or walk(node, *args, **kwargs))
    first = ranges.ranged_figures(scenario)  # the loader's walk (before the patch) is kept: no walk here
    sensitivity(scenario)
    simulate(scenario, draws=200, seed=1)
    assert walks == [] and len(first) > 3
    assert [r.what for r in ranges.ranged_figures(scenario)] == [r.what for r in first]
    first.clear()  # a caller's list is its own: clearing it leaves the scenario's
    assert len(ranges.ranged_figures(scenario)) > 3
    scenario.price_with(resolve())
    again = ranges.ranged_figures(scenario)
    assert walks == [scenario] and len(again) > 3
