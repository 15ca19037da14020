"""Invariants of the engine on generated scenarios (hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_scenario, project_text
from costmodel.lines.categories import TRANSFERS

salaries = st.integers(min_value=0, max_value=200_000)
counts = st.integers(min_value=0, max_value=50)
amounts = st.integers(min_value=0, max_value=5_000_000)
shares = st.sampled_from(["0%", "10%", "25%", "50%", "100%"])
families = st.sampled_from(["in_house", "partnership", "trust", "wholly_owned_company", "commissioned"])

posts = st.lists(st.tuples(counts, salaries, shares, shares), min_size=0, max_size=5)
lines = st.lists(st.tuples(amounts, shares, st.sampled_from(["general", "pay", "none"])), min_size=0, max_size=4)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _option(option_id: str, family: str, option_posts, option_lines, baseline=False, threshold_free=False) -> str:
    text = f"- id: {option_id}\n  name: Option {option_id}\n  family: {family}\n"
    text += "  baseline: true\n" if baseline else ""
    if option_posts:
        text += "  staffing:\n"
        for i, (count, salary, vacancy, agency) in enumerate(option_posts):
            text += (f"    - {{id: p{i}, title: Post {i}, count: {count}, salary: {salary}, vacancy: {vacancy}, "
                     f"agency_share: {agency}, agency_premium: 50%}}\n")
    if option_lines:
        text += "  non_pay:\n"
        for i, (amount, vat, index) in enumerate(option_lines):
            text += f"    - {{id: l{i}, name: Line {i}, amount: {amount}, vat_share: {vat}, index: {index}}}\n"
    return text


def _scenario(options_text: str, zero_thresholds: bool = False) -> str:
    assumptions = "general_inflation: 2%\npay_awards: 3%\npension_rate: 20%\n"
    if zero_thresholds:
        assumptions += "employer_ni:\n  thresholds: {2017/18: 0, 2018/19: 0, 2019/20: 0, 2020/21: 0, 2021/22: 0}\n"
    return make_scenario(options_text, years=4, assumptions=assumptions)


@SETTINGS
@given(family=families, option_posts=posts, option_lines=lines)
def test_summary_totals_agree_with_the_lines_they_sum(family, option_posts, option_lines):
    text = _scenario(_option("a", "in_house", [], [], baseline=True) + _option("b", family, option_posts, option_lines))
    projection = project_text(text)
    frame = projection.lines
    summary = projection.summary.set_index("option")
    for option in ("a", "b"):
        mine = frame[frame.option == option]
        assert summary.loc[option, "cash_total"] == pytest.approx(mine.cash.sum(), abs=1e-6)
        # The economic case's NPC leaves out the transfers to the Exchequer (irrecoverable VAT); together
        # with them it is every line's present value.
        transfers = mine.category.isin(TRANSFERS)
        assert summary.loc[option, "npc"] == pytest.approx(mine[~transfers].pv.sum(), abs=1e-6)
        assert summary.loc[option, "transfers_pv"] == pytest.approx(mine[transfers].pv.sum(), abs=1e-6)
        by_year = mine.groupby("year_start").cash.sum().reindex(projection.years, fill_value=0.0).to_numpy()
        assert by_year == pytest.approx(projection.option(option).cash(), abs=1e-6)


@SETTINGS
@given(option_posts=posts.filter(bool))
def test_doubling_every_salary_doubles_pay_and_ni_when_no_threshold_applies(option_posts):
    doubled = [(c, s * 2, v, a) for c, s, v, a in option_posts]
    base = project_text(_scenario(_option("a", "in_house", option_posts, [], baseline=True)
                                  + _option("b", "in_house", [], []), zero_thresholds=True))
    double = project_text(_scenario(_option("a", "in_house", doubled, [], baseline=True)
                                    + _option("b", "in_house", [], []), zero_thresholds=True))
    for category in ("pay", "employer_ni", "pension", "agency_premium"):
        one = base.lines.query("category == @category").cash.sum()
        two = double.lines.query("category == @category").cash.sum()
        assert two == pytest.approx(2 * one, rel=1e-9, abs=1e-6)


@SETTINGS
@given(option_posts=posts, option_lines=lines, family=families)
def test_reordering_options_posts_and_lines_changes_nothing(option_posts, option_lines, family):
    forward = _option("a", "in_house", option_posts, option_lines, baseline=True) + _option("b", family, [], option_lines)
    reverse = (_option("b", family, [], list(reversed(option_lines)))
               + _option("a", "in_house", list(reversed(option_posts)), list(reversed(option_lines)), baseline=True))
    one = project_text(_scenario(forward)).summary.set_index("option").sort_index()
    two = project_text(_scenario(reverse)).summary.set_index("option").sort_index()
    for column in ("cash_total", "npc", "eac", "rank"):
        assert one[column].to_numpy() == pytest.approx(two[column].to_numpy(), rel=1e-12, abs=1e-6)


@SETTINGS
@given(family=families, option_posts=posts, option_lines=lines)
def test_a_zero_scenario_costs_zero(family, option_posts, option_lines):
    zero_posts = [(c, 0, v, a) for c, _, v, a in option_posts]
    zero_lines = [(0, vat, index) for _, vat, index in option_lines]
    projection = project_text(_scenario(_option("a", "in_house", [], [], baseline=True)
                                        + _option("b", family, zero_posts, zero_lines)))
    assert np.all(projection.lines.cash.to_numpy() == 0.0)
    assert projection.summary.npc.abs().max() == 0.0


@SETTINGS
@given(family=families, option_posts=posts, option_lines=lines)
def test_discounting_never_increases_a_positive_cost(family, option_posts, option_lines):
    projection = project_text(_scenario(_option("a", "in_house", [], [], baseline=True)
                                        + _option("b", family, option_posts, option_lines)))
    frame = projection.lines
    assert (frame.pv.abs() <= frame.real.abs() + 1e-9).all()
    # Only the levy allowance, an offset against the levy, may be negative here.
    costs = frame[frame.row != "levy_allowance"]
    assert (costs.cash >= -1e-9).all()


# Salaries low enough that ten times them stays within the loader's £1m limit for a salary.
modest_posts = st.lists(st.tuples(counts, st.integers(0, 100_000), shares, shares), max_size=5)


@SETTINGS
@given(option_posts=modest_posts, option_lines=lines, k=st.sampled_from([2, 3, 10]))
def test_scaling_every_amount_by_k_scales_every_total_by_k(option_posts, option_lines, k):
    """Where no threshold applies (NI thresholds at zero; in-house, so no levy allowance)."""
    scaled_posts = [(c, s * k, v, a) for c, s, v, a in option_posts]
    scaled_lines = [(amount * k, vat, index) for amount, vat, index in option_lines]
    one = project_text(_scenario(_option("a", "in_house", option_posts, option_lines, baseline=True)
                                 + _option("b", "in_house", [], option_lines), zero_thresholds=True))
    many = project_text(_scenario(_option("a", "in_house", scaled_posts, scaled_lines, baseline=True)
                                  + _option("b", "in_house", [], scaled_lines), zero_thresholds=True))
    for column in ("cash_total", "real_total", "npc", "eac"):
        assert many.summary[column].to_numpy() == pytest.approx(k * one.summary[column].to_numpy(), rel=1e-9,
                                                                abs=1e-6)
