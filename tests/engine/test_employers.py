"""Who employs the staff: the council until go-live, a company or trust after it (TUPE).

Worked by hand throughout. Common set-up (as tests/engine/test_staffing.py): first year
2018/19, price base 2017/18, pay awards 2% a year, so the pay index is 1.02 in 2018/19,
1.0404 in 2019/20 and 1.061208 in 2020/21; ten social workers at £35,000 cost £357,000,
£364,140 and £371,422.80 in pay. The council's pension rate is 20%.
"""

import pytest

from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of

IN_HOUSE = """\
- id: in-house
  name: In-house
  family: in_house
  baseline: true
  staffing:
    - id: sw
      title: Social worker
      count: 10
      salary: 35,000
{post}"""

PAY = [357_000.0, 364_140.0, 371_422.80]


def _with_trust(trust: str, post: str = "") -> str:
    return make_scenario(IN_HOUSE.format(post=post) + trust, years=3)


TRUST = """\
- id: trust
  name: Trust
  family: trust
  go_live: 2019-10
  pension_rate: 25%
  staffing_same_as: in-house
"""


def test_staff_named_by_staffing_same_as_are_paid_before_go_live_and_transfer_at_it():
    projection = project_text(_with_trust(TRUST))
    # The same people all along: the trust's pay is the in-house pay in every year, not nil before go-live.
    assert rows_of(projection, "trust", "pay") == pytest.approx(PAY)
    assert rows_of(projection, "trust", "pay") == pytest.approx(rows_of(projection, "in-house", "pay"))
    # Who employs them: the council in 2018/19, the council to September 2019 and the trust from
    # October (6/12 each), the trust in 2020/21.
    assert rows_of(projection, "trust", "employed") == pytest.approx([0.0, 0.5, 1.0])
    # Pension at each employer's rate:
    #   2018/19: 20% x £357,000 = £71,400
    #   2019/20: £364,140 x (6/12 x 20% + 6/12 x 25%) = £364,140 x 22.5% = £81,931.50
    #   2020/21: 25% x £371,422.80 = £92,855.70
    assert rows_of(projection, "trust", "pension") == pytest.approx([71_400.0, 81_931.50, 92_855.70])


def test_the_trusts_levy_allowance_is_set_against_its_own_levy_from_go_live_only():
    projection = project_text(_with_trust(TRUST))
    # Levy 0.5% of pay: £1,785, £1,820.70, £1,857.114. The council pays it without an allowance
    # (its allowance is used by its wider pay bill); the trust sets its own against its share:
    #   2018/19: the trust employs nobody: no allowance
    #   2019/20: the trust's levy is 6/12 x £1,820.70 = £910.35, below £15,000: -£910.35
    #   2020/21: -£1,857.114
    assert rows_of(projection, "trust", "apprenticeship_levy") == pytest.approx([1_785.0, 1_820.70, 1_857.114])
    assert rows_of(projection, "trust", "levy_allowance") == pytest.approx([0.0, -910.35, -1_857.114])


def test_staffing_transfers_false_fills_the_same_posts_from_go_live_only():
    projection = project_text(_with_trust(TRUST + "  staffing_transfers: false\n"))
    # Pay only from October 2019: nothing, 6/12 x £364,140 = £182,070, then £371,422.80.
    assert rows_of(projection, "trust", "pay") == pytest.approx([0.0, 182_070.0, 371_422.80])
    # All of it the trust's, at 25%: £45,517.50 and £92,855.70
    assert rows_of(projection, "trust", "pension") == pytest.approx([0.0, 45_517.50, 92_855.70])


def test_a_trust_that_states_no_pension_rate_pays_the_councils_and_says_so():
    projection = project_text(_with_trust(TRUST.replace("  pension_rate: 25%\n", "")))
    assert rows_of(projection, "trust", "pension") == pytest.approx([0.2 * pay for pay in PAY])
    rate = projection.option("trust").inputs["pension_rate"]
    assert rate.value == 0.2 and "not stated" in rate.note and "council's" in rate.note


def test_a_post_listed_by_a_company_that_exists_only_after_go_live_is_the_companys_alone():
    text = make_scenario(IN_HOUSE.format(post="") + """\
- id: company
  name: Company
  family: wholly_owned_company
  go_live: 2019-10
  pension_rate: 25%
  staffing:
    - id: md
      title: Managing director
      salary: 100,000
""", years=3)
    projection = project_text(text)
    # From October 2019: pay 6/12 x £100,000 x 1.0404 = £52,020; pension all at 25% = £13,005.
    assert rows_of(projection, "company", "pay") == pytest.approx([0.0, 52_020.0, 106_120.80])
    assert rows_of(projection, "company", "pension") == pytest.approx([0.0, 13_005.0, 26_530.20])


AGENCY = "      agency_share: 20%\n      agency_premium: 50%\n"


def test_agency_cover_bears_irrecoverable_vat_on_the_whole_charge_once_the_trust_employs():
    projection = project_text(_with_trust(TRUST, post=AGENCY))
    # Agency cover is 20% of pay at salary plus its 50% premium: 20% x 1.5 = 30% of pay, all
    # standard-rated (the worker's pay and the agency's margin). VAT at 20% on the trust's share:
    #   2018/19: the council buys the cover and recovers the VAT (s.33): £0
    #   2019/20: 6/12 x £364,140 x 30% x 20% = £10,924.20
    #   2020/21: £371,422.80 x 30% x 20% = £22,285.368
    assert rows_of(projection, "trust", "agency_vat") == pytest.approx([0.0, 10_924.20, 22_285.368])
    # In-house, the council recovers all of it.
    assert rows_of(projection, "in-house", "agency_vat") == pytest.approx([0.0, 0.0, 0.0])
    # And it is irrecoverable VAT, among the trust's costs.
    vat = projection.option("trust").category_cash("irrecoverable_vat")
    assert vat == pytest.approx([0.0, 10_924.20, 22_285.368])


def test_agency_vat_in_the_issue_form_twenty_per_cent_of_pay_and_premium():
    text = make_scenario(IN_HOUSE.format(post="") + """\
- id: trust
  name: Trust
  family: trust
  staffing:
    - id: sw
      title: Social worker
      count: 10
      salary: 35,000
      agency_share: 20%
      agency_premium: 50%
""", years=3)
    projection = project_text(text)
    # Agency cover's pay: 20% x £357,000 = £71,400; its premium: £71,400 x 50% = £35,700.
    # VAT: 20% x (£71,400 + £35,700) = £21,420.
    assert rows_of(projection, "trust", "agency_premium")[0] == pytest.approx(35_700.0)
    assert rows_of(projection, "trust", "agency_vat")[0] == pytest.approx(21_420.0)


def _posts(post: str, extra: str = "") -> str:
    return make_scenario(EMPTY_BASELINE + f"""\
- id: in-house
  name: In-house
  family: in_house
{extra}  staffing:
    - id: sw
      title: Social worker
      count: 10
      salary: 35,000
{post}""", years=3)


def test_a_post_filled_in_october_costs_half_a_year():
    projection = project_text(_posts("      first_month: 2018-10\n"))
    # October to March is 6/12: 6/12 x £357,000 = £178,500; then whole years.
    assert rows_of(projection, "in-house", "pay") == pytest.approx([178_500.0, 364_140.0, 371_422.80])
    # NI follows the months: 6/12 x £37,640.88 (test_staffing.py) = £18,820.44
    assert rows_of(projection, "in-house", "employer_ni")[0] == pytest.approx(18_820.44)


def test_a_post_ending_in_december_costs_april_to_december():
    projection = project_text(_posts("      last_month: 2019-12\n"))
    # April to December 2019 is 9/12: 9/12 x £364,140 = £273,105; nothing in 2020/21.
    assert rows_of(projection, "in-house", "pay") == pytest.approx([357_000.0, 273_105.0, 0.0])


def test_a_post_starting_after_a_mid_year_go_live_counts_the_months_both_allow():
    # Go-live October 2018 (6/12 of 2018/19 live); the post starts December 2018 (4/12 of the year).
    # Both run to March, so the post costs 4/12 (not 6/12 x 4/12): 4/12 x £357,000 = £119,000.
    projection = project_text(_posts("      first_month: 2018-12\n", extra="  go_live: 2018-10\n"))
    assert rows_of(projection, "in-house", "pay")[0] == pytest.approx(119_000.0)


def test_a_post_before_go_live_ending_part_way_counts_the_months_before_both_ends():
    # Go-live October 2018 (April to September before it); the post ends in August: April to August,
    # 5/12 of £357,000 = £148,750.
    post = "      period: before_go_live\n      last_month: 2018-08\n"
    projection = project_text(_posts(post, extra="  go_live: 2018-10\n"))
    assert rows_of(projection, "in-house", "pay") == pytest.approx([148_750.0, 0.0, 0.0])


def test_a_whole_horizon_post_with_months_transfers_only_its_months_after_go_live():
    # A trust going live October 2018 employs a post, from December 2018, all along: the trust's share
    # of 2018/19 is December to March, 4/12, all of the post's months.
    text = make_scenario(IN_HOUSE.format(post="") + """\
- id: trust
  name: Trust
  family: trust
  go_live: 2018-10
  staffing:
    - id: lead
      title: Practice lead
      salary: 60,000
      first_month: 2018-12
      period: whole_horizon
    - id: early
      title: Post that ends before go-live
      salary: 60,000
      last_month: 2018-07
      period: whole_horizon
""", years=3)
    projection = project_text(text)
    result = projection.option("trust")
    rows = {r.instance.id: r for r in result.rows if r.formula.key == "employed"}
    in_post = {r.instance.id: r for r in result.rows if r.formula.key == "in_post"}
    assert in_post["lead"].cash[0] == pytest.approx(4 / 12) and rows["lead"].cash[0] == pytest.approx(4 / 12)
    # April to July: 4/12 in post, all of it before go-live, so none of it the trust's.
    assert in_post["early"].cash[0] == pytest.approx(4 / 12) and rows["early"].cash[0] == pytest.approx(0.0)
