"""Staffing: posts, their pay, agency cover and employer on-costs, by who employs them in each year.

On-costs are computed (NI, pension and levy), or taken from a source: an amount per post
(`on_costs`) or a rate of pay (`on_cost_rate`). Pay progression (incremental drift up a scale, apart
from pay awards) moves a post's salary year by year, to the top of its scale.

Employer on-costs follow the employer: the council until go-live, and from go-live, in a company
or trust, the new body (staff transfer under TUPE), with its own pension rate, levy allowance
and VAT position.
"""

from __future__ import annotations

from .activity import ACTIVE, PERIOD_SHARE
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Const, Input, Max, Min, Pick, Power, Row, Series, Total

inputs(
    InputSpec("count", "Number of posts", "posts"),
    InputSpec("fte", "FTE of each post", "FTE"),
    InputSpec("salary", "Salary, full-time, at price-base prices", "£ a year"),
    InputSpec("vacancy", "Vacancy factor", "rate"),
    InputSpec("agency_share", "Share covered by agency staff", "rate"),
    InputSpec("agency_premium", "Agency premium over salary", "rate"),
    InputSpec("on_costs", "On-costs as stated, per full-time post", "£ a year"),
    InputSpec("on_cost_rate", "On-costs as a stated rate of pay", "rate"),
    InputSpec("pay_drift", "Pay progression: drift a year (compounding)", "rate"),
    InputSpec("pay_step", "Pay progression: step a year up the scale", "£ a year"),
    InputSpec("salary_max", "Top of the scale, full-time, at price-base prices", "£ a year"),
    InputSpec("first_month_offset", "Months of its first year before it starts", "months"),
    InputSpec("last_month_count", "Months it runs in its last year", "months"),
    InputSpec("council_pension_rate", "Employer pension rate: the council's", "rate"),
    InputSpec("pension_rate", "Employer pension rate: the option's employer's", "rate"),
    InputSpec("own_levy_allowance", "Employer has its own levy allowance", "flag"),
    InputSpec("levy_rate", "Apprenticeship levy rate", "rate"),
    InputSpec("levy_allowance", "Apprenticeship levy allowance a year", "£"),
)

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
    "its years (its first year to its last year); where a post starts or ends part-way through a year, the months "
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

#: Whole years from a post's first year: how far up its scale it has moved.
_YEARS_IN_POST = Max(Const(0), Series("year") - Input("first_year"))

#: The full-time salary at price-base prices in each year. With pay progression (every post of a
#: list that has any, alike: the Staffing sheet adds a list up with one formula), the stated salary
#: grown by its drift and its steps for each year in post, up to the top of its scale; pay awards
#: then move the whole scale (the pay index). A list with none is costed exactly as without.
SALARY = Pick("progression", {
    "none": Input("salary"),
    "scale": Min(Input("salary") * Power(1 + Input("pay_drift"), _YEARS_IN_POST) + Input("pay_step") * _YEARS_IN_POST,
                 Input("salary_max")),
})

#: A post's salary bill for its share of the year, before anything is taken off for vacancy.
_SALARIES = Input("count") * Input("fte") * SALARY * Series("pay_index")

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
    * Series("ni_rate") * Max(Const(0), Input("fte") * SALARY * Series("pay_index")
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

RATE_ON_COSTS = LineFormula(
    "rate_on_costs", "On-costs at a stated rate", "stated_on_costs",
    "On-costs taken from a source as a rate of pay instead of being computed: pay x (1 - agency share) x "
    "on-cost rate (on employees' pay after vacancy, as stated on-costs are).",
    Row("pay") * (1 - Input("agency_share")) * Input("on_cost_rate"),
)

POSTS = LineGroup("posts", "Staffing", (IN_POST, EMPLOYED, PAY, AGENCY_PREMIUM, EMPLOYER_NI, PENSION,
                                        APPRENTICESHIP_LEVY, LEVY_BY_EMPLOYER, AGENCY_VAT))
POSTS_STATED = LineGroup("posts_stated", "Staffing (on-costs as stated)",
                         (IN_POST, EMPLOYED, PAY, AGENCY_PREMIUM, STATED_ON_COSTS, AGENCY_VAT))
POSTS_RATE = LineGroup("posts_rate", "Staffing (on-costs as a rate of pay)",
                       (IN_POST, EMPLOYED, PAY, AGENCY_PREMIUM, RATE_ON_COSTS, AGENCY_VAT))
#: The groups a post is costed in, by how its on-costs are found: computed, an amount, a rate.
POST_GROUPS = (POSTS.key, POSTS_STATED.key, POSTS_RATE.key)

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
