"""Staffing: pay, agency premium, employer NI, pension and levy, worked by hand.

Common set-up: first year 2018/19, price base 2017/18, pay awards 2% a year, so the
pay index is 1.02 in 2018/19, 1.0404 in 2019/20 and 1.061208 in 2020/21.
Employer NI (DOMAIN.md table): 13.8% above £8,424 in 2018/19, above £8,632 in 2019/20,
above £8,788 in 2020/21.
"""

import pytest

from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of


def _team(extra: str = "", post: str = "", family: str = "in_house") -> str:
    return make_scenario(EMPTY_BASELINE + f"""\
- id: team
  name: Team
  family: {family}
{extra}  staffing:
    - id: sw
      title: Social worker
      count: 10
      salary: 35,000
{post}""", years=3)


def test_pay_is_count_times_salary_times_pay_index():
    projection = project_text(_team())
    pay = rows_of(projection, "team", "pay")
    # 10 x £35,000 x 1.02 = £357,000; x 1.0404 = £364,140; x 1.061208 = £371,422.80
    assert pay == pytest.approx([357_000.0, 364_140.0, 371_422.80])


def test_employer_ni_is_per_employee_above_the_threshold_of_each_tax_year():
    projection = project_text(_team())
    ni = rows_of(projection, "team", "employer_ni")
    # 2018/19: (35,700 - 8,424) x 13.8% = 3,764.088 a head, x 10 = 37,640.88
    # 2019/20: (36,414 - 8,632) x 13.8% = 3,833.916 a head, x 10 = 38,339.16
    # 2020/21: (37,142.28 - 8,788) x 13.8% = 3,912.89064 a head, x 10 = 39,128.9064
    assert ni == pytest.approx([37_640.88, 38_339.16, 39_128.9064])


def test_pension_and_levy_are_rates_on_pay():
    projection = project_text(_team())
    # pension 20% of £357,000 = £71,400; levy 0.5% of £357,000 = £1,785
    assert rows_of(projection, "team", "pension")[0] == pytest.approx(71_400.0)
    assert rows_of(projection, "team", "apprenticeship_levy")[0] == pytest.approx(1_785.0)
    # The council's allowance is used by its wider pay bill: no offset in-house.
    assert rows_of(projection, "team", "levy_allowance") == pytest.approx([0.0, 0.0, 0.0])


def test_go_live_in_june_makes_the_first_year_ten_twelfths():
    projection = project_text(_team(extra="  go_live: 2018-06\n"))
    # April and May are before go-live: 10/12 of £357,000 = £297,500
    assert rows_of(projection, "team", "pay")[0] == pytest.approx(297_500.0)
    assert rows_of(projection, "team", "pay")[1] == pytest.approx(364_140.0)
    # NI scales the same way: 10/12 of £37,640.88 = £31,367.40
    assert rows_of(projection, "team", "employer_ni")[0] == pytest.approx(31_367.40)


def test_go_live_in_january_counts_january_to_march():
    projection = project_text(_team(extra="  go_live: January 2019\n"))
    # January 2019 falls in 2018/19; January to March is 3/12: 3/12 x £357,000 = £89,250
    assert rows_of(projection, "team", "pay")[0] == pytest.approx(89_250.0)


def test_vacancy_and_agency_cover():
    post = "      vacancy: 10%\n      agency_share: 20%\n      agency_premium: 50%\n"
    projection = project_text(_team(post=post))
    # Filled posts: 90% of £357,000 = £321,300 (agency cover is paid at salary within pay)
    assert rows_of(projection, "team", "pay")[0] == pytest.approx(321_300.0)
    # Premium on the agency-covered 20%: £321,300 x 20% x 50% = £32,130
    assert rows_of(projection, "team", "agency_premium")[0] == pytest.approx(32_130.0)
    # NI on employees only: 10 x 90% x 80% = 7.2 employees x £3,764.088 = £27,101.4336
    assert rows_of(projection, "team", "employer_ni")[0] == pytest.approx(27_101.4336)
    # Pension on employees' pay: £321,300 x 80% x 20% = £51,408
    assert rows_of(projection, "team", "pension")[0] == pytest.approx(51_408.0)


def test_part_time_post_uses_its_actual_pay_against_the_threshold():
    projection = project_text(_team(post="      fte: 0.5\n"))
    # Each earns 0.5 x £35,700 = £17,850; NI (17,850 - 8,424) x 13.8% = £1,300.788, x 10 = £13,007.88
    assert rows_of(projection, "team", "employer_ni")[0] == pytest.approx(13_007.88)
    assert rows_of(projection, "team", "pay")[0] == pytest.approx(178_500.0)


def test_first_and_last_year_bound_a_post():
    post = "      first_year: 2019/20\n      last_year: 2019/20\n"
    projection = project_text(_team(post=post))
    assert rows_of(projection, "team", "pay") == pytest.approx([0.0, 364_140.0, 0.0])


def test_stated_on_costs_replace_computed_ni_pension_and_levy():
    post = "      on_costs: 10,000\n"
    projection = project_text(_team(post=post))
    # 10 x £10,000 x pay index 1.02 = £102,000; no NI, pension or levy rows for this post
    assert rows_of(projection, "team", "stated_on_costs")[0] == pytest.approx(102_000.0)
    keys = {row.formula.key for row in projection.option("team").rows}
    assert not keys & {"employer_ni", "pension", "apprenticeship_levy"}


def test_a_trust_sets_its_own_levy_allowance_against_the_levy():
    text = _team(family="trust").replace("count: 10", "count: 100")
    projection = project_text(text)
    # Pay 100 x £35,700 = £3,570,000; levy 0.5% = £17,850; allowance £15,000 -> net £2,850
    assert rows_of(projection, "team", "apprenticeship_levy")[0] == pytest.approx(17_850.0)
    assert rows_of(projection, "team", "levy_allowance")[0] == pytest.approx(-15_000.0)


def test_the_levy_allowance_never_exceeds_the_levy():
    projection = project_text(_team(family="trust"))
    # 10 posts: levy £1,785 is below the £15,000 allowance, so the offset is -£1,785
    assert rows_of(projection, "team", "levy_allowance")[0] == pytest.approx(-1_785.0)


def test_an_employer_starting_part_way_through_a_tax_year_sets_its_whole_allowance_against_its_levy():
    # HMRC Apprenticeship Levy Manual ALM08400: the whole £15,000, not the share of the year live.
    text = _team(family="trust", extra="  go_live: 2018-06\n").replace("count: 10", "count: 100")
    projection = project_text(text)
    # Levy 10/12 x £17,850 = £14,875; the whole £15,000 allowance is more, so the offset is all of it
    assert rows_of(projection, "team", "apprenticeship_levy")[0] == pytest.approx(14_875.0)
    assert rows_of(projection, "team", "levy_allowance")[0] == pytest.approx(-14_875.0)


def test_the_start_up_years_levy_is_nil_on_a_two_million_pound_pay_bill():
    # The trust goes live in October 2018; 100 posts at £39,215.69 a year (x 1.02 pay index =
    # £40,000) for the six months live: pay 100 x £40,000 x 6/12 = £2,000,000.
    # Levy 0.5% x £2,000,000 = £10,000; less the whole £15,000 allowance: £0 (not -£5,000).
    text = _team(family="trust", extra="  go_live: 2018-10\n").replace("count: 10", "count: 100").replace(
        "salary: 35,000", "salary: 39,215.6862745098")
    projection = project_text(text)
    assert rows_of(projection, "team", "pay")[0] == pytest.approx(2_000_000.0)
    levy = rows_of(projection, "team", "apprenticeship_levy")[0] + rows_of(projection, "team", "levy_allowance")[0]
    assert rows_of(projection, "team", "apprenticeship_levy")[0] == pytest.approx(10_000.0)
    assert levy == pytest.approx(0.0, abs=1e-6)


def test_isle_of_wight_on_cost_method_reproduces_para_35_20():
    """Cabinet Paper D para 35.20: DCS £106,576 is £145,202 with on-costs; AD £91,452 is £124,437.

    2017/18 (the price base): NI 13.8% above £8,164; pension 23%; levy 0.5%.
    DCS: 106,576 + (106,576 - 8,164) x 13.8% + 23% x 106,576 + 0.5% x 106,576
       = 106,576 + 13,580.856 + 24,512.48 + 532.88 = 145,202.216
    AD:  91,452 + (91,452 - 8,164) x 13.8% + 23% x 91,452 + 0.5% x 91,452
       = 91,452 + 11,493.744 + 21,033.96 + 457.26 = 124,436.964
    """
    text = make_scenario(EMPTY_BASELINE + """\
- id: in-house
  name: In-house
  family: in_house
  staffing:
    - {id: dcs, title: Director, salary: "106,576"}
    - {id: ad, title: Assistant Director, salary: "91,452"}
""", assumptions="general_inflation: 2%\npay_awards: 2%\npension_rate: 23%\n", published="""\
- {name: DCS, option: in-house, post: dcs, basis: full_year, amount: "145,202"}
- {name: AD, option: in-house, post: ad, basis: full_year, amount: "124,437"}
""")
    checks = project_text(text).checks
    assert [round(c.computed, 3) for c in checks] == [145_202.216, 124_436.964]
    assert all(check.ok for check in checks)


def test_an_option_can_employ_the_same_posts_as_another():
    # Both options employ 10 social workers at £35,000 (2% pay award, first year 2018/19, price
    # base 2017/18, so pay in year 1 = 10 x 35,000 x 1.02 = £357,000). The trust names the
    # in-house staffing instead of repeating it, and pays a 25% pension rate instead of 20%.
    text = make_scenario("""\
        - id: in-house
          name: In-house
          family: in_house
          baseline: true
          staffing:
            - {id: social-worker, title: Social worker, count: 10, salary: 35000}
        - id: trust
          name: Trust
          family: trust
          pension_rate: 25%
          staffing_same_as: in-house
        """)
    projection = project_text(text)
    assert rows_of(projection, "trust", "pay")[0] == pytest.approx(10 * 35_000 * 1.02)
    assert rows_of(projection, "trust", "pay") == pytest.approx(rows_of(projection, "in-house", "pay"))
    assert rows_of(projection, "in-house", "pension")[0] == pytest.approx(357_000 * 0.20)
    assert rows_of(projection, "trust", "pension")[0] == pytest.approx(357_000 * 0.25)
    # One list, not a copy: the post's salary is one figure (one draw in a simulation).
    scenario = projection.scenario
    assert scenario.options[1].staffing[0].salary is scenario.options[0].staffing[0].salary


def test_a_shared_posts_range_is_one_uncertain_input():
    from costmodel.uncertainty.draws import ranged_inputs

    text = make_scenario("""\
        - id: in-house
          name: In-house
          family: in_house
          baseline: true
          staffing:
            - {id: social-worker, title: Social worker, count: 10, salary: {value: 35000, low: 30000, high: 40000}}
        - id: trust
          name: Trust
          family: trust
          staffing_same_as: in-house
        """)
    projection = project_text(text)
    inputs = ranged_inputs(projection.scenario)
    assert [ranged.figure.path for ranged in inputs] == ["options[0].staffing[0].salary"]
