"""The units finance officers write: amounts, rates, financial years and months."""

import datetime as dt

import pytest

from costmodel.scenario.units import (
    UnitError,
    financial_year_label,
    parse_amount,
    parse_financial_year,
    parse_month,
    parse_number,
    parse_rate,
)


@pytest.mark.parametrize("written, pounds, precision", [
    (1300000, 1_300_000.0, 100_000.0),
    ("£1,300,000", 1_300_000.0, 100_000.0),
    ("1.3m", 1_300_000.0, 100_000.0),
    ("£1.3m", 1_300_000.0, 100_000.0),
    ("700k", 700_000.0, 100_000.0),
    ("145,202", 145_202.0, 1.0),
    ("£145,202", 145_202.0, 1.0),
    (145202, 145_202.0, 1.0),
    ("260,000", 260_000.0, 10_000.0),
    ("1,130,000", 1_130_000.0, 10_000.0),
    ("12.50", 12.5, 0.01),
    ("2.75bn", 2_750_000_000.0, 10_000_000.0),
    (0, 0.0, 1.0),
    ("-5,000", -5_000.0, 1000.0),
])
def test_amounts(written, pounds, precision):
    amount = parse_amount(written)
    assert amount.value == pytest.approx(pounds)
    assert amount.precision == pytest.approx(precision)


@pytest.mark.parametrize("written, hint", [
    ("88,2O2", "letter O"),
    ("1,30,000", "expected an amount"),
    ("15%", "that is a rate"),
    ("lots", "expected an amount"),
    (True, "expected an amount"),
    ([1], "a list"),
    (float("nan"), "expected an amount"),
])
def test_bad_amounts_say_what_was_expected(written, hint):
    with pytest.raises(UnitError, match=hint):
        parse_amount(written)


@pytest.mark.parametrize("written, rate", [
    ("15%", 0.15), (0.15, 0.15), ("0.15", 0.15), ("13.8%", 0.138), (1, 1.0), ("200%", 2.0), (0, 0.0),
    ("1.5 %", 0.015),
])
def test_rates(written, rate):
    assert parse_rate(written) == pytest.approx(rate)


@pytest.mark.parametrize("written", [15, "15", " 15 "])
def test_a_bare_15_for_a_rate_suggests_15_percent(written):
    with pytest.raises(UnitError, match=r"a bare 15 would be 1500%; write 15% if you meant 15 per cent, "
                                        r"or 1500% if you meant that"):
        parse_rate(written)


def test_lookalike_letters_are_hinted_only_among_digits():
    with pytest.raises(UnitError) as caught:
        parse_amount("1.3 million")
    assert "write 1.3m" in str(caught.value) and "letter" not in str(caught.value)
    with pytest.raises(UnitError, match="letter l where 1"):
        parse_amount("2l,000")


@pytest.mark.parametrize("written, start", [("2018/19", 2018), ("2018/2019", 2018), ("1999/00", 1999),
                                            ("2018-19", 2018)])
def test_financial_years(written, start):
    assert parse_financial_year(written) == start


@pytest.mark.parametrize("written, hint", [
    (2018, "write financial years as 2018/19"),
    ("2018/20", "is followed by 2019"),
    ("April 2018", "expected a financial year"),
])
def test_bad_financial_years(written, hint):
    with pytest.raises(UnitError, match=hint):
        parse_financial_year(written)


def test_financial_year_label():
    assert financial_year_label(2018) == "2018/19"
    assert financial_year_label(1999) == "1999/00"


@pytest.mark.parametrize("written, month", [
    ("2018-06", (2018, 6)), ("June 2018", (2018, 6)), ("Jan 2019", (2019, 1)),
    (dt.date(2019, 4, 1), (2019, 4)),
])
def test_months(written, month):
    assert parse_month(written) == month


@pytest.mark.parametrize("written, hint", [
    ("2018-13", "expected a month"),
    (dt.date(2018, 6, 15), "whole months"),
    ("Juny 2018", "expected a month"),
])
def test_bad_months(written, hint):
    with pytest.raises(UnitError, match=hint):
        parse_month(written)


#: A float holds up to about 1.8e308; a whole number of 400 digits is past it.
HUGE = 10**400 - 1


@pytest.mark.parametrize("parse", [parse_amount, parse_rate, parse_number], ids=lambda parse: parse.__name__)
@pytest.mark.parametrize("written", [HUGE, -HUGE, "9" * 400, "9" * 400 + "%", "9" * 400 + "m"],
                         ids=["400 digits", "-400 digits", "400 digits as text", "400 digits %", "400 digits m"])
def test_a_number_beyond_a_floats_range_is_refused_in_one_short_line(parse, written):
    # float() of such a whole number raised OverflowError; of such text it gave inf, shown as £inf.
    with pytest.raises(UnitError) as caught:
        parse(written)
    message = str(caught.value)
    assert "inf" not in message and len(message) < 160, message
    assert ("400 digits long" if isinstance(written, int) else f"({len(written)} characters)") in message


@pytest.mark.parametrize("written", ["0000-06", "1899-12", "2201-01", dt.date(1, 1, 1), "June 9999"])
def test_a_month_outside_the_years_a_financial_year_may_begin_in_is_refused(written):
    # Year 0 passed, and the workbook failed on it: there is no date in year 0.
    with pytest.raises(UnitError, match=r"is out of range \(1900 to 2200\)"):
        parse_month(written)
    assert parse_month("1900-04") == (1900, 4) and parse_month("2200-12") == (2200, 12)


def test_a_whole_number_as_a_financial_year_gets_the_hint_only_where_it_could_be_one():
    with pytest.raises(UnitError, match="write financial years as 2018/19, not 2018"):
        parse_financial_year(2018)
    with pytest.raises(UnitError) as caught:
        parse_financial_year(HUGE)
    assert str(caught.value) == ("expected a financial year such as 2018/19, got a whole number 400 digits long, "
                                 "far too large for any figure")
