"""Reading the units finance officers write: pounds, rates, financial years, months.

Each parser takes what YAML handed over (a number or a string) and returns a
plain Python value, or raises `UnitError` with a message that says what was
expected and, where we can guess, what was meant. The loader turns a
`UnitError` into a problem with the file and line.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass

from ..lines.declare import MAX_AMOUNT  # noqa: F401 - the model's bound; the parsers and schema read it here


class UnitError(ValueError):
    """A value could not be read in the unit the field expects."""


@dataclass(frozen=True)
class Amount:
    """Pounds, with the precision the figure was written to (for tolerances)."""

    value: float
    precision: float


_SUFFIX = {"k": 1e3, "m": 1e6, "bn": 1e9}
_AMOUNT = re.compile(r"^(?P<sign>-)?£?(?P<digits>[0-9][0-9,]*(\.[0-9]+)?)(?P<suffix>k|m|bn)?$", re.I)
_LOOKALIKES = {"O": "0", "o": "0", "l": "1", "I": "1", "S": "5"}


_WORDS = {"thousand": "k", "million": "m", "billion": "bn"}


def _hint_lookalikes(text: str) -> str:
    """A hint for letters typed among digits (88,2O2), or a number written in words (1.3 million)."""
    words = re.fullmatch(r"£?\s*([0-9][0-9,.]*)\s*(thousand|million|billion)", text.strip(), re.I)
    if words:
        return f" (write {words[1]}{_WORDS[words[2].lower()]})"
    for letter, digit in _LOOKALIKES.items():
        if re.search(rf"[0-9,.]{letter}|{letter}[0-9,]", text):
            return f" (letter {letter} where {digit} was meant?)"
    return ""


def _digits_precision(digits: str, scale: float) -> float:
    """The place of the last significant digit: 145202 -> 1, 260000 -> 10000, 1.3 (m) -> 1e5."""
    digits = digits.replace(",", "")
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
        return scale * 10.0**-decimals
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    return scale * 10.0**zeros


def _finite(raw: int | float) -> float | None:
    """`raw` as a float, or None for no finite number: nan, infinity, or a whole number beyond a float's range."""
    try:
        value = float(raw)
    except OverflowError:  # a whole number of more than 308 digits
        return None
    return value if math.isfinite(value) else None


def parse_amount(raw: object) -> Amount:
    """`1300000`, `£1,300,000`, `1.3m`, `£700k` -> pounds."""
    if isinstance(raw, bool):
        raise UnitError(f"expected an amount in pounds, got {raw!r}")
    if isinstance(raw, (int, float)):
        value = _finite(raw)
        if value is None:
            raise UnitError(f"expected an amount in pounds, got {_describe(raw)}")
        text = repr(raw) if isinstance(raw, float) else str(raw)
        if "e" in text.lower():
            precision = 1.0
        else:
            precision = _digits_precision(text.lstrip("-"), 1.0)
        return Amount(value, precision)
    if not isinstance(raw, str):
        raise UnitError(f"expected an amount in pounds, got {_describe(raw)}")
    text = raw.strip().replace(" ", "")
    match = _AMOUNT.match(text)
    if not match or (match["suffix"] is None and "," in match["digits"] and not _commas_ok(match["digits"])):
        extra = _hint_lookalikes(raw)
        if not extra and text.endswith("%"):
            extra = " (that is a rate; this field is an amount in pounds)"
        raise UnitError(f"expected an amount in pounds, got {_describe(raw)}{extra}")
    scale = _SUFFIX[match["suffix"].lower()] if match["suffix"] else 1.0
    value = float(match["digits"].replace(",", "")) * scale
    if not math.isfinite(value):
        raise UnitError(f"expected an amount in pounds, got {_describe(raw)}, far too large for any figure")
    if match["sign"]:
        value = -value
    return Amount(value, _digits_precision(match["digits"], scale))


def _commas_ok(digits: str) -> bool:
    whole = digits.split(".", 1)[0]
    return re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*", whole) is not None


def parse_rate(raw: object) -> float:
    """`15%` or `0.15` -> 0.15. A bare number above 1 is refused with a hint."""
    if isinstance(raw, bool):
        raise UnitError(f"expected a rate such as 15% or 0.15, got {raw!r}")
    if isinstance(raw, (int, float)):
        value = _finite(raw)
        if value is None:
            raise UnitError(f"expected a rate such as 15% or 0.15, got {_describe(raw)}")
        return _bare_rate(value, repr(raw))
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        match = re.fullmatch(r"(-?[0-9]+(\.[0-9]+)?)%", text)
        if match:
            rate = float(match[1]) / 100.0
            if not math.isfinite(rate):
                raise UnitError(f"expected a rate such as 15% or 0.15, got {_describe(raw)}, far too large for "
                                "any figure")
            return rate
        try:
            number = float(text)
        except ValueError:
            raise UnitError(f"expected a rate such as 15% or 0.15, got {_describe(raw)}{_hint_lookalikes(raw)}") \
                from None
        if not math.isfinite(number):
            raise UnitError(f"expected a rate such as 15% or 0.15, got {_describe(raw)}")
        return _bare_rate(number, text)
    raise UnitError(f"expected a rate such as 15% or 0.15, got {_describe(raw)}")


def _bare_rate(value: float, written: str) -> float:
    if abs(value) > 1:
        # 15 is far more often "15%" than 1500%; say both, so a real 150% (written 1.5) is not misled.
        raise UnitError(f"a bare {written} would be {value * 100:g}%; write {written}% if you meant {written} per "
                        f"cent, or {value * 100:g}% if you meant that")
    return value


def parse_number(raw: object) -> float:
    """A plain count or ratio (posts, FTE)."""
    if isinstance(raw, bool):
        raise UnitError(f"expected a number, got {raw!r}")
    if isinstance(raw, (int, float)):
        value = _finite(raw)
        if value is None:
            raise UnitError(f"expected a number, got {_describe(raw)}")
        return value
    if isinstance(raw, str):
        text = raw.strip()
        # 1,500 is fifteen hundred; 1,5 is a European decimal or a slip, and never 15.
        if "," in text and not _commas_ok(text):
            raise UnitError(f"expected a number, got {_describe(raw)}: commas may only separate thousands (1,500); "
                            f"write a decimal with a point (1.5)")
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise UnitError(f"expected a number, got {_describe(raw)}{_hint_lookalikes(raw)}") from None
        if not math.isfinite(number):
            raise UnitError(f"expected a number, got {_describe(raw)}")
        return number
    raise UnitError(f"expected a number, got {_describe(raw)}")


#: The years a financial year (and so a month) may begin in: wide enough for any appraisal, narrow
#: enough that every date and label built from them exists.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200
_FY = re.compile(r"^(?P<start>[0-9]{4})\s*[/-]\s*(?P<end>[0-9]{2}|[0-9]{4})$")


def parse_financial_year(raw: object) -> int:
    """`2018/19` (or `2018/2019`) -> 2018, the calendar year in which April falls."""
    if isinstance(raw, str) and re.fullmatch(r"[0-9]{4}", raw.strip()):
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and 1000 <= raw <= 9999:
        raise UnitError(f"write financial years as {raw}/{(raw + 1) % 100:02d}, not {raw}")
    if not isinstance(raw, str):
        raise UnitError(f"expected a financial year such as 2018/19, got {_describe(raw)}")
    match = _FY.match(raw.strip())
    if not match:
        raise UnitError(f"expected a financial year such as 2018/19, got {_describe(raw)}")
    start = int(match["start"])
    end = int(match["end"])
    expected_end = start + 1 if len(match["end"]) == 4 else (start + 1) % 100
    if end != expected_end:
        raise UnitError(f"{raw!r} is not a financial year: {start} is followed by {start + 1}")
    if not _FIRST_YEAR <= start <= _LAST_YEAR:
        raise UnitError(f"financial year {raw!r} is out of range")
    return start


def financial_year_label(start: int) -> str:
    """2018 -> '2018/19'."""
    return f"{start}/{(start + 1) % 100:02d}"


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July",
     "August", "September", "October", "November", "December"], start=1)}


def parse_month(raw: object) -> tuple[int, int]:
    """`2018-06`, `June 2018` or a date on the 1st -> (2018, 6), in the years financial years may be."""
    year, month = _month(raw)
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise UnitError(f"expected a month such as 2018-06 or June 2018, got {_describe(raw)}: the year {year} is "
                        f"out of range ({_FIRST_YEAR} to {_LAST_YEAR})")
    return year, month


def _month(raw: object) -> tuple[int, int]:
    if isinstance(raw, _dt.datetime):
        raw = raw.date()
    if isinstance(raw, _dt.date):
        if raw.day != 1:
            raise UnitError(f"counted in whole months (from the 1st); write {raw.year}-{raw.month:02d} for {raw.isoformat()}")
        return raw.year, raw.month
    if isinstance(raw, str):
        text = raw.strip()
        match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
        if match and 1 <= int(match[2]) <= 12:
            return int(match[1]), int(match[2])
        match = re.fullmatch(r"([A-Za-z]+)\s+([0-9]{4})", text)
        if match:
            name = match[1].lower()
            for full, number in _MONTHS.items():
                if len(name) >= 3 and full.startswith(name):
                    return int(match[2]), number
    raise UnitError(f"expected a month such as 2018-06 or June 2018, got {_describe(raw)}")


def parse_month_of_year(raw: object) -> int:
    """`October` or `Oct` -> 10: a month that recurs every year (when a contract's uplift applies)."""
    if isinstance(raw, str):
        name = raw.strip().lower()
        for full, number in _MONTHS.items():
            if len(name) >= 3 and full.startswith(name):
                return number
    raise UnitError(f"expected the name of a month, such as October, got {_describe(raw)}")


def financial_year_of(year: int, month: int) -> int:
    """The financial year (by the calendar year its April falls in) that a month belongs to."""
    return year if month >= 4 else year - 1


def month_label(year: int, month: int) -> str:
    return _dt.date(year, month, 1).strftime("%B %Y")


def _describe(raw: object) -> str:
    """What was written, as a message quotes it: in full where short, by its length where not."""
    if isinstance(raw, dict):
        return "a mapping"
    if isinstance(raw, list):
        return "a list"
    if raw is None:
        return "nothing"
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10**_QUOTED_DIGITS:
        return f"a whole number {_digit_count(abs(raw)):,} digits long, far too large for any figure"
    if isinstance(raw, str) and len(raw) > _QUOTED_CHARACTERS:
        return f"{raw[:_QUOTED_CHARACTERS // 2]!r}... ({len(raw):,} characters)"
    return repr(raw)


#: Longer numbers and text are described by their length, so that every message stays one readable line.
_QUOTED_DIGITS, _QUOTED_CHARACTERS = 20, 60


def _digit_count(number: int) -> int:
    """The decimal digits of a whole number of any size (`str()` refuses one above 4,300 digits, and a
    number written in hexadecimal can be longer)."""
    digits = max(1, int(number.bit_length() * math.log10(2)))  # the count, or one short of it
    return digits + (number >= 10**digits)
