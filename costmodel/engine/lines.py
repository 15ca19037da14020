"""Every cost line, defined once: a name, a category, a plain-English definition
and a formula. The engine evaluates these; the workbook renders them.

Timeline series every formula may use (see `timeline.py`):
`year` (the calendar year in which the financial year starts), `year_number`
(0 for the first year), `live` and `pre_live` (the share of the year after and
before the option goes live), `general_index` and `pay_index` (1 in the price
base year), `ni_rate` and `ni_threshold` (by tax year), `discount_rate` and
`discount_factor`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formula import Const, Expr, Input, InputRow, Max, Min, Pick, Prev, Row, Series, Total


@dataclass(frozen=True)
class LineFormula:
    key: str
    label: str
    #: None for a working row (such as the share of the year a post is filled),
    #: which the workbook shows but which is not itself a cost.
    category: str | None
    definition: str
    formula: Expr
    #: What the row is in the column for a full year once the option is live, at
    #: price-base prices, where that differs from its formula: a line's share of the
    #: year is then its period's share whatever its first and last year (1 after
    #: go-live, 0 for a line that runs only before it), and a one-off cost is 0.
    full_year: Expr | None = None
    unit: str = "£"


@dataclass(frozen=True)
class LineGroup:
    """The rows every instance of one kind of line has, in the order they are computed."""

    key: str
    label: str
    rows: tuple[LineFormula, ...]


# --------------------------------------------------------------------------- shared pieces

INDEX = Pick("index", {"general": Series("general_index"), "pay": Series("pay_index"), "none": Const(1)})

PERIOD_SHARE = Pick("period", {"after_go_live": Series("live"), "before_go_live": Series("pre_live"),
                               "whole_horizon": Const(1)})

ACTIVE = LineFormula(
    "active", "Share of the year running", None,
    "The share of each year in which this line runs: its years (first_year to last_year), and the part "
    "of the year after go-live, before go-live, or the whole year, as stated.",
    PERIOD_SHARE
    * Series("year").at_least(Input("first_year"))
    * Series("year").at_most(Input("last_year")),
    full_year=PERIOD_SHARE, unit="share",
)


#: The share of a line's cost the option's own body pays, not the council before go-live: all of it
#: for a line that runs after go-live, none for one that runs before, the share of the year live for
#: one that runs all year.
PAID_AFTER_GO_LIVE = Pick("period", {"after_go_live": Const(1), "before_go_live": Const(0),
                                     "whole_horizon": Series("live")})


def _vat_on(base: Expr, paid_after_go_live: Expr) -> LineFormula:
    return LineFormula(
        "irrecoverable_vat", "Irrecoverable VAT", "irrecoverable_vat",
        "VAT on the line (its VAT-bearing share at the VAT rate) that the body delivering the service "
        "cannot recover: only on what that body pays, from go-live. Before go-live the council is the "
        "buyer and recovers the VAT.",
        base * Input("vat_share") * Input("vat_rate") * Input("irrecoverable_share") * paid_after_go_live,
    )


# --------------------------------------------------------------------------- staffing

#: A post's months, for a list in which some post starts or ends part-way through a year: the
#: share of each year from the post's start to March, and from April to its end (1 in the
#: years between, 0 outside).
_STARTED = Min(Const(1), Max(Const(0), Series("year") - Input("first_year") + (12 - Input("first_month_offset")) / 12))
_ENDED = Min(Const(1), Max(Const(0), Input("last_year") - Series("year") + Input("last_month_count") / 12))

#: The share of a year a post exists. Counted in whole years, its period's share x 1 in its years;
#: counted in months, the overlap of its months with its period's (each an interval of the year:
#: after go-live runs from go-live to March, the post from its start to its end).
_IN_POST = Pick("months", {
    "years": ACTIVE.formula,
    "months": Pick("period", {
        "after_go_live": Max(Const(0), Min(Series("live"), _STARTED) + _ENDED - 1),
        "before_go_live": Max(Const(0), Min(Series("pre_live"), _ENDED) + _STARTED - 1),
        "whole_horizon": Max(Const(0), _STARTED + _ENDED - 1),
    }),
})

IN_POST = LineFormula(
    "in_post", "Share of the year the post exists", None,
    "The share of each year the post exists: its period (after go-live, before it, or the whole year) in "
    "its years (first_year to last_year); where a post starts or ends part-way through a year, the months "
    "of its period from its start to its end.",
    _IN_POST, full_year=PERIOD_SHARE, unit="share",
)

#: The part of a year in post before go-live, of a post running all along: the months before go-live.
_BEFORE_GO_LIVE = Pick("months", {
    "years": Row("in_post") * Series("pre_live"),
    "months": Max(Const(0), Min(Series("pre_live"), _ENDED) + _STARTED - 1),
})

EMPLOYED = LineFormula(
    "employed", "Share with the option's employer", None,
    "The share of the year in post in which the option's own employer employs the post: all of it where "
    "the council employs the staff throughout; for a company or trust (1 in 'staff change employer'), "
    "the part after go-live, the council employing them before it (TUPE).",
    Pick("period", {
        "after_go_live": Row("in_post"),
        "before_go_live": Row("in_post") * (1 - Input("employer_changes")),
        "whole_horizon": Row("in_post") - Input("employer_changes") * _BEFORE_GO_LIVE,
    }),
    full_year=Pick("period", {"after_go_live": Const(1), "before_go_live": 1 - Input("employer_changes"),
                              "whole_horizon": Const(1)}),
    unit="share",
)

#: A post's salary bill for its share of the year, before anything is taken off for vacancy.
_SALARIES = Input("count") * Input("fte") * Input("salary") * Series("pay_index")

PAY = LineFormula(
    "pay", "Pay", "pay",
    "Salary of the filled posts: count x FTE x salary (price-base prices) x pay index x share of the "
    "year x (1 - vacancy factor). Agency cover is paid at salary here; its premium is a line of its own.",
    _SALARIES * Row("in_post") * (1 - Input("vacancy")),
)

AGENCY_PREMIUM = LineFormula(
    "agency_premium", "Agency premium", "agency_premium",
    "What agency cover costs above salary: pay x agency share x agency premium.",
    Row("pay") * Input("agency_share") * Input("agency_premium"),
)

EMPLOYER_NI = LineFormula(
    "employer_ni", "Employer National Insurance", "employer_ni",
    "Employer NI on each employee above the secondary threshold: employees in post (count x (1 - vacancy) "
    "x (1 - agency share)) x share of the year x NI rate x the greater of 0 and (FTE x salary x pay index "
    "- threshold). Agency workers are employed by the agency.",
    Input("count") * (1 - Input("vacancy")) * (1 - Input("agency_share")) * Row("in_post")
    * Series("ni_rate") * Max(Const(0), Input("fte") * Input("salary") * Series("pay_index")
                              - Series("ni_threshold")),
)

#: Employees' pay (agency cover is employed by the agency) for a share of the year.
_EMPLOYEES_PAY = _SALARIES * (1 - Input("vacancy")) * (1 - Input("agency_share"))

PENSION = LineFormula(
    "pension", "Employer pension contributions", "pension",
    "Employer pension contributions on employees' pay, at each employer's rate: count x FTE x salary x "
    "pay index x (1 - vacancy) x (1 - agency share) x (the share of the year the council employs the post "
    "x the council's rate + the share the option's employer does x its rate).",
    _EMPLOYEES_PAY * ((Row("in_post") - Row("employed")) * Input("council_pension_rate")
                      + Row("employed") * Input("pension_rate")),
)

APPRENTICESHIP_LEVY = LineFormula(
    "apprenticeship_levy", "Apprenticeship levy", "apprenticeship_levy",
    "Apprenticeship levy on employees' pay: pay x (1 - agency share) x levy rate. The employer's "
    "allowance, where it has one, is a line of its own.",
    Row("pay") * (1 - Input("agency_share")) * Input("levy_rate"),
)

LEVY_BY_EMPLOYER = LineFormula(
    "levy_by_employer", "Levy the option's employer pays", None,
    "The part of the levy on the pay of the option's own employer, against which its allowance is set: "
    "count x FTE x salary x pay index x (1 - vacancy) x (1 - agency share) x share of the year it employs "
    "the post x levy rate.",
    _EMPLOYEES_PAY * Row("employed") * Input("levy_rate"), unit="£",
)

AGENCY_VAT = LineFormula(
    "agency_vat", "Irrecoverable VAT on agency cover", "irrecoverable_vat",
    "VAT on agency cover, standard-rated on the whole charge (the worker's pay and the agency's margin), "
    "where the employer cannot recover it: count x FTE x salary x pay index x (1 - vacancy) x share of the "
    "year the option's employer employs the post x agency share x (1 + agency premium) x VAT rate x "
    "irrecoverable share. The council recovers it (VAT Act 1994, s.33); a company or trust making exempt "
    "supplies cannot.",
    _SALARIES * (1 - Input("vacancy")) * Row("employed") * Input("agency_share") * (1 + Input("agency_premium"))
    * Input("vat_rate") * Input("irrecoverable_share"),
)

STATED_ON_COSTS = LineFormula(
    "stated_on_costs", "On-costs as stated", "stated_on_costs",
    "On-costs taken from a source instead of being computed: count x FTE x stated on-costs per full-time "
    "post (price-base prices) x pay index x share of the year x (1 - vacancy) x (1 - agency share).",
    Input("count") * Input("fte") * Input("on_costs") * Series("pay_index") * Row("in_post")
    * (1 - Input("vacancy")) * (1 - Input("agency_share")),
)

POSTS = LineGroup("posts", "Staffing", (IN_POST, EMPLOYED, PAY, AGENCY_PREMIUM, EMPLOYER_NI, PENSION,
                                        APPRENTICESHIP_LEVY, LEVY_BY_EMPLOYER, AGENCY_VAT))
POSTS_STATED = LineGroup("posts_stated", "Staffing (on-costs as stated)",
                         (IN_POST, EMPLOYED, PAY, AGENCY_PREMIUM, STATED_ON_COSTS, AGENCY_VAT))

LEVY_ALLOWANCE = LineGroup("levy_allowance", "Apprenticeship levy allowance", (
    LineFormula(
        "levy_allowance", "Apprenticeship levy allowance", "apprenticeship_levy",
        "The employer's own levy allowance, where it has one, set against the levy on its own pay bill: "
        "minus the smaller of (allowance x 1 if the employer has its own allowance, else 0, x 1 in a year "
        "it employs staff, else 0) and the levy the option's employer pays on all posts. An employer that "
        "starts part-way through a tax year sets the whole allowance against the levy of the months it "
        "operates (HMRC Apprenticeship Levy Manual ALM08400).",
        -Min(Input("levy_allowance") * Input("own_levy_allowance") * Series("employer_operates"),
             Total("levy_by_employer")),
    ),
))

# --------------------------------------------------------------------------- partnership

PARTNER_TIME = LineFormula(
    "partner_time", "Partner officers' time", "partnership_charge",
    "Direct salary costs of the partner's officers: count x annual cost x share of their time x index x "
    "share of the year.",
    Input("count") * Input("annual_cost") * Input("time_share") * INDEX * Row("active"),
)
PARTNER_POSTS = LineGroup("partner_posts", "Partnership: partner officers", (ACTIVE, PARTNER_TIME))

DIRECT_OVERHEADS = LineFormula(
    "direct_overheads", "Direct overheads", "partnership_charge",
    "Allowance for direct overheads: direct salary costs x direct overhead rate, plus any fixed allowance "
    "x index x share of the year.",
    Total("partner_time") * Input("direct_overhead_rate")
    + Input("direct_overhead_allowance") * INDEX * Row("active"),
)
DEPARTMENTAL_OVERHEADS = LineFormula(
    "departmental_overheads", "Departmental overheads", "partnership_charge",
    "Departmental overheads recovered at a percentage of direct costs (salaries and direct overheads).",
    (Total("partner_time") + Row("direct_overheads")) * Input("departmental_overhead_rate"),
)
BACK_OFFICE = LineFormula(
    "back_office", "Back office and support", "partnership_charge",
    "Back office and support recovered at a percentage of all the costs before it.",
    (Total("partner_time") + Row("direct_overheads") + Row("departmental_overheads"))
    * Input("back_office_rate"),
)
PARTNERSHIP_OVERHEADS = LineGroup("partnership_overheads", "Partnership: overheads (full cost recovery)",
                                  (ACTIVE, DIRECT_OVERHEADS, DEPARTMENTAL_OVERHEADS, BACK_OFFICE))

# --------------------------------------------------------------------------- annual amounts


def _amount_group(key: str, label: str, category: str, definition: str, sign: int = 1,
                  vat: bool = True) -> LineGroup:
    amount = Input("amount") * INDEX * Row("active")
    cost = LineFormula("cost", label, category, definition, amount if sign > 0 else -amount)
    rows = (ACTIVE, cost, _vat_on(Row("cost"), PAID_AFTER_GO_LIVE)) if vat else (ACTIVE, cost)
    return LineGroup(key, label, rows)


_AMOUNT = "annual amount (price-base prices, net of VAT) x index x share of the year"
SERVICE_CHARGES = _amount_group("service_charges", "Partnership: fixed service charges", "partnership_charge",
                                f"A fixed annual service charge: {_AMOUNT}.")
CONTRACT = _amount_group("contract", "Contract price", "contract", f"The contract price: {_AMOUNT}.")
NON_PAY = _amount_group("non_pay", "Non-pay", "non_pay", f"A non-pay cost: {_AMOUNT}.")
CORPORATE_SERVICES = _amount_group("corporate_services", "Corporate services bought back",
                                   "corporate_and_client", f"Corporate services bought back: {_AMOUNT}.")
CLIENT_SIDE = _amount_group("client_side", "Client-side commissioning", "corporate_and_client",
                            f"The council's client-side commissioning team: {_AMOUNT}.")
STRANDED = _amount_group("stranded_costs", "Stranded council costs", "corporate_and_client",
                         f"Council costs that stay when services leave: {_AMOUNT}.")
#: The group that costs each section of annual amounts in an option.
AMOUNT_GROUPS = {"contract": CONTRACT, "non_pay": NON_PAY, "corporate_services": CORPORATE_SERVICES,
                 "client_side": CLIENT_SIDE, "stranded_costs": STRANDED}
SAVINGS = _amount_group("savings", "Savings and income", "savings_and_income",
                        f"A saving or income, counted as a negative cost: minus ({_AMOUNT}).", sign=-1, vat=False)

# --------------------------------------------------------------------------- set-up

SETUP_SPEND = LineFormula(
    "spend", "Set-up and transition", "setup_and_transition",
    "A one-off cost: amount (price-base prices) x the share falling in the year x index.",
    Input("amount") * InputRow("share") * INDEX,
    full_year=Const(0),
)
OPTIMISM_BIAS = LineFormula(
    "optimism_bias", "Optimism bias", "setup_and_transition",
    "Green Book optimism bias on the set-up cost: cost x upper bound x (1 - mitigation).",
    Row("spend") * Input("optimism_bias_upper") * (1 - Input("optimism_bias_mitigation")),
)
SETUP = LineGroup("setup", "Set-up and transition",
                  (SETUP_SPEND, OPTIMISM_BIAS, _vat_on(Row("spend") + Row("optimism_bias"), Series("live"))))

# --------------------------------------------------------------------------- risk

FAILURE_RISK = LineGroup("failure_risk", "Failure risk", (
    ACTIVE,
    LineFormula(
        "expected_cost", "Failure risk (expected value)", "failure_risk",
        "The expected cost of an inadequate judgement: annual probability x cost of failure "
        "(price-base prices) x general index x share of the year.",
        Input("annual_probability") * Input("cost") * Series("general_index") * Row("active"),
    ),
))

# --------------------------------------------------------------------------- the timeline itself

TIMELINE_ROWS = (
    LineFormula("year_number", "Year number (0 = first year)", None,
                "Years since the first year of the appraisal.",
                Series("year") - Input("horizon_first_year"), unit="year"),
    LineFormula("live", "Share of the year live", None,
                "1 after the go-live year; in the go-live year, the months from go-live to March over 12.",
                Series("year").above(Input("go_live_year"))
                + Series("year").equals(Input("go_live_year")) * (12 - Input("go_live_month_offset")) / 12,
                unit="share"),
    LineFormula("pre_live", "Share of the year before go-live", None, "1 - share of the year live.",
                1 - Series("live"), unit="share"),
    LineFormula("employer_operates", "The option's employer operates (1 yes, 0 no)", None,
                "1 in a year in which the option's employer employs staff: every year where the council "
                "employs them throughout; from the go-live year where the staff change employer at go-live.",
                1 - Input("employer_changes") * Series("live").equals(0), unit="flag"),
    LineFormula("general_index", "General price index (GDP deflator)", None,
                "1 in the price base year; each later year, the previous year's index x (1 + inflation).",
                Prev("general_index") * (1 + Series("general_inflation")
                                         * Series("year").above(Input("price_base_year"))), unit="index"),
    LineFormula("pay_index", "Pay index", None,
                "1 in the price base year; each later year, the previous year's index x (1 + pay award).",
                Prev("pay_index") * (1 + Series("pay_award") * Series("year").above(Input("price_base_year"))),
                unit="index"),
    LineFormula("discount_factor", "Discount factor", None,
                "Green Book: 1 in year 0; each later year, the previous factor / (1 + that year's rate).",
                Prev("discount_factor") / (1 + Series("discount_rate") * Min(Const(1), Series("year_number"))),
                unit="factor"),
    LineFormula("real_factor", "Real-terms factor", None,
                "Turns cash into price-base prices: 1 / general price index.",
                1 / Series("general_index"), unit="factor"),
    LineFormula("pv_factor", "Present value factor", None,
                "Turns cash into present value: real-terms factor x discount factor.",
                Series("real_factor") * Series("discount_factor"), unit="factor"),
)

#: The opening value (the column before the first year) of each row that uses Prev.
TIMELINE_OPENING = {"general_index": 1.0, "pay_index": 1.0, "discount_factor": 1.0}


#: Row keys some line adds up over all instances of its option (Total("...")).
TOTALLED = frozenset(name for group in (POSTS, POSTS_STATED, LEVY_ALLOWANCE, PARTNER_POSTS, PARTNERSHIP_OVERHEADS, SERVICE_CHARGES,
                                        SETUP, FAILURE_RISK, SAVINGS, *AMOUNT_GROUPS.values())
                     for formula in group.rows
                     for expression in (formula.formula, formula.full_year) if expression is not None
                     for kind, name in expression.names() if kind == "total")
