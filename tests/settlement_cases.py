"""Scenarios for what the council pays a company or trust (costmodel/lines/settlement.py), worked by
hand in tests/engine/test_settlement.py, and recalculated through the workbook's formulas in
tests/workbook/test_recalculation.py.

No inflation and the price base the first year, so cash is real terms and every year alike but for
the rates of corporation tax. The body's own costs are £1,000,000 a year of non-pay that carries no
VAT; the council keeps a £50,000 client-side unit."""

from conftest import make_scenario

FLAT = "general_inflation: 0%\npay_awards: 0%\npension_rate: 20%\n"

BASELINE = """\
- id: council
  name: The council runs it
  family: in_house
  baseline: true
  non_pay:
    - {id: service, name: The service, amount: "1,000,000"}
"""


def body(family: str, contract_sum: str, option_id: str = "body", name: str = "A new body runs it") -> str:
    """An option whose body's own costs are £1,000,000 a year, with the council's £50,000 client side."""
    text = f"""\
- id: {option_id}
  name: {name}
  family: {family}
  non_pay:
    - {{id: service, name: The service, amount: "1,000,000"}}
  client_side:
    - {{id: client, name: Client-side commissioning, amount: "50,000"}}
"""
    if contract_sum:
        text += "  contract_sum:\n" + "".join(f"    {line}\n" for line in contract_sum.strip("\n").split("\n"))
    return text


#: A trust paid its costs plus 4%, returning a quarter of its surplus.
MARGIN = "basis: margin\nmargin: {central: 4%, low: 2%, high: 6%, source: Draft contract}\nsurplus_returned: 25%"
#: A trust paid £950,000 a year, the council meeting 60% of the deficit.
DEFICIT = "basis: by_year\nby_year: {2018/19: 950000}\ndeficit_met: 60%"
#: A company paid £1,100,000 a year: a profit of £100,000, taxed.
PROFIT = "basis: by_year\nby_year: {2022/23: 1100000}"


def settlement_scenario(family: str, contract_sum: str, first_year: str = "2018/19", years: int = 2,
                        assumptions: str = FLAT) -> str:
    return make_scenario(BASELINE + body(family, contract_sum), years=years, first_year=first_year,
                         price_base=first_year, assumptions=assumptions)
