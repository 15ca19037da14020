"""The scenario of tests/engine/test_two_cases.py, worked by hand there: two options where VAT
decides the financial case but not the economic case, and a budget envelope by year.

Shared with the workbook's recalculation tests, which check the same figures through its formulas."""

from conftest import make_scenario

#: No inflation, and the price base the first year, so cash is real terms and only discounting differs.
FLAT = "general_inflation: 0%\npay_awards: 0%\npension_rate: 20%\n"

#: The council buys £100,000 a year, all standard-rated, and recovers the VAT; a trust buys the same
#: service for £95,000 a year but cannot recover the 20% VAT on it.
TWO_OPTIONS = """\
- id: council
  name: The council buys it
  family: in_house
  baseline: true
  non_pay:
    - {id: buy, name: Purchases, amount: 100000, vat_share: 100%}
- id: trust
  name: A trust buys it
  family: trust
  non_pay:
    - {id: buy, name: Purchases, amount: 95000, vat_share: 100%}
"""

#: The budget envelope: three years stated, the fourth carried forward.
ENVELOPE = """\
budget_envelope:
  by_year: {2018/19: 120000, 2019/20: 113000, 2020/21: 110000}
  source: Medium-term financial strategy (illustrative)
"""

#: An affordability gateway set against the envelope year by year.
GATEWAY = """\
appraisal:
  long_list:
    - {id: council, name: The council buys it, category: in_house, option: council}
    - {id: trust, name: A trust buys it, category: new_delivery_vehicle, option: trust}
  gateways:
    - {id: affordable, name: Affordable within the budget envelope, envelope: true}
"""


def two_options(envelope: str = "") -> str:
    return make_scenario(TWO_OPTIONS, years=4, first_year="2018/19", price_base="2018/19",
                         assumptions=FLAT + envelope)
