"""A catalogue of the ways a finance officer can get a scenario file wrong.

Each case starts from the valid MINIMAL scenario in conftest.py and changes one
thing. For every case, both `costmodel validate` and `costmodel run` must:

- exit 1;
- say, on stderr, `file:LINE: field.path: message`, with the line and field of
  the mistake and a message a finance officer can act on;
- show no traceback;
- (run) write nothing at all.

The expected line of each case is worked out from the text the case builds,
not copied from the program's output. Where a case names `at`, the test first
checks that the expected line of the built file contains that text, so a change
to MINIMAL that moves lines makes the catalogue fail loudly rather than drift.
Line numbers below refer to MINIMAL as printed with numbers:

     1 metadata:                 16 options:
     2   id: minimal             17   - id: in-house
     3   title: Minimal scenario 18     name: In-house
     4   authority: Test Council 19     family: in_house
     5   author: costmodel tests 20     baseline: true
     6   date: 2025-01-01        21     staffing:
     7   status: draft           22       - id: social-worker
     8 timeline:                 23         title: Social worker
     9   first_year: 2018/19     24         count: 10
    10   years: 5                25         salary: 35,000
    11   price_base: 2017/18     26   - id: trust
    12 assumptions:              27     name: Trust
    13   general_inflation: 2%   28     family: trust
    14   pay_awards: 2%          29     non_pay:
    15   pension_rate: 20%       30       - id: purchases
                                 31         name: Purchases
                                 32         amount: 100,000
                                 33         vat_share: 100%
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from costmodel.cli import cli
from costmodel.limits import DEFAULT

# --------------------------------------------------------------------------- building bad files


def replace(old: str, new: str) -> Callable[[str], str]:
    """Replace text that occurs exactly once in the scenario (so the edit is unambiguous)."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the base scenario"
        return text.replace(old, new)

    return edit


def insert_after(line: int, new: str) -> Callable[[str], str]:
    """Insert `new` (one or more whole lines) after line `line` (1-based; 0 = at the top)."""

    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        assert 0 <= line <= len(lines)
        return "".join(lines[:line]) + new + "".join(lines[line:])

    return edit


def delete_lines(first: int, last: int | None = None) -> Callable[[str], str]:
    """Delete lines `first` to `last` inclusive (1-based)."""

    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        end = last if last is not None else first
        assert 1 <= first <= end <= len(lines)
        return "".join(lines[: first - 1] + lines[end:])

    return edit


def constant(content: str | bytes) -> Callable[[str], str | bytes]:
    return lambda text: content


def as_bytes(edit: Callable[[str], str], encoding: str) -> Callable[[str], bytes]:
    return lambda text: edit(text).encode(encoding)


# A published figure for the in-house option's social workers, appended after
# line 33; its `option:` is on line 36 and its `post:` on line 37.
PUBLISHED = """\
published_figures:
  - name: Social workers' pay
    option: {option}
    post: {post}
    basis: full_year
    amount: 350,000
"""

# A set-up line for the trust option, appended after line 33: `setup:` is line
# 34, the item starts on line 35, and its timing key(s) from line 37.
SETUP = """\
    setup:
      - name: Procurement
        amount: 250,000
{when}"""

# An exit cost for the trust option, appended after line 33: `exit_costs:` is line 34, the item starts
# on line 35, its `kind` is line 36 and its `year` line 38; `extra` lines follow from line 39.
EXIT = """\
    exit_costs:
      - name: Notice of ending the partnership
        kind: {kind}
        amount: 325,000
        year: 2019/20
{extra}"""

# A published figure checking that set-up line for a full year: appended after SETUP
# (lines 34 to 37), so `published_figures:` is line 38 and its `basis` line 42.
SETUP_CHECK = """\
published_figures:
  - name: Procurement, a year
    option: trust
    line: procurement
    basis: full_year
    amount: 250,000
"""

# Ten levels of ten aliases each: a billion strings if anything expanded it.
# Appended after line 33, so the first anchor is on line 35.
ALIAS_BOMB = "lol:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 10)
)

# Padding after a valid scenario, to take the file past the size limit.
PADDING = "# " + "x" * 98 + "\n"

# An appraisal of the two options, appended after line 33: "appraisal:" is line 34, the long list's
# entries lines 36 and 37, "criteria:" line 38 and its one criterion line 39.
APPRAISAL = """\
appraisal:
  long_list:
    - {id: in-house, name: In-house, category: in_house, option: in-house, scores: {outcomes: {score: 3, reason: a plan}}}
    - {id: trust, name: Trust, category: new_delivery_vehicle, option: trust, scores: {outcomes: {score: 4, reason: new}}}
  criteria:
    - {id: outcomes, name: Outcomes for children, weight: 100%}
"""


# The trust's change to placements and the scenario's placements, appended after line 33: `from:` is
# line 36, `ramp:` line 39, `placements:` line 40, the first placement's `growth` line 43 and its
# `unit_cost` line 44, the second's `price_year` line 48.
PLACEMENTS = """\
    placement_changes:
      - name: Fewer in residential care
        from: residential
        to: foster
        change: 15%
        ramp: {2018/19: 100%}
placements:
  - name: Residential
    children: 12
    growth: 2%
    unit_cost: iow-2017-private-childrens-home
  - name: Foster
    children: 60
    weekly_cost: 637
    price_year: 2017/18
"""


def with_placements(old: str = "", new: str = "") -> Callable[[str], str]:
    """The scenario with the placements above appended, `old` replaced by `new` in them."""
    return lambda text: text + (PLACEMENTS.replace(old, new, 1) if old else PLACEMENTS)


# Contracts with indexation clauses: a named index inserted after line 15 (lines 16 and 17), and the
# trust's contract appended after what was line 33 (now 35): `price:` is line 38, `uplift:` line 40
# and `break:` line 41.
INDICES = """\
  indices:
    cpi: {value: {2018/19: 2%, 2019/20: 3%}, source: OBR (illustrative)}
"""
CONTRACT = """\
    indexed_contracts:
      - name: Provider contract
        price: 1,000,000
        last_year: 2022/23
        uplift: {index: cpi, margin: 0.5%, floor: 0%, cap: 4%}
        break: {year: 2020/21, exercised: true}
"""


def with_contract(old: str = "", new: str = "") -> Callable[[str], str]:
    """The scenario with the index and the contract above, `old` replaced by `new` in the contract."""

    def edit(text: str) -> str:
        lines = text.splitlines(keepends=True)
        return "".join(lines[:15]) + INDICES + "".join(lines[15:]) + (CONTRACT.replace(old, new, 1) if old
                                                                       else CONTRACT)

    return edit


def with_appraisal(old: str = "", new: str = "") -> Callable[[str], str]:
    """The scenario with the appraisal above appended, `old` replaced by `new` in it."""
    return lambda text: text + (APPRAISAL.replace(old, new, 1) if old else APPRAISAL)


@dataclass(frozen=True)
class Bad:
    id: str
    make: Callable[[str], str | bytes]
    line: int
    field: str  # "" for a problem with the whole file, which has no field
    phrase: str  # a key phrase of the message, as a finance officer needs to read it
    at: str | None = None  # text that must be on `line` of the built file (a check on the catalogue)


CASES = [
    # ---- the file itself
    Bad("yaml-syntax-error", replace("title: Minimal scenario", "title: Minimal: scenario"),
        3, "", "text that contains ': ' must be in quotes", at="title: Minimal: scenario"),
    Bad("unclosed-quote", replace("title: Minimal scenario", 'title: "Minimal scenario'),
        3, "", "a quotation mark on this line is never closed", at='"Minimal'),
    Bad("tab-indentation", replace("  title: Minimal scenario", "\ttitle: Minimal scenario"),
        3, "", "indent YAML with spaces", at="\ttitle"),
    # A tab after the spaces that indent a post's key: the line is named as indented with a tab.
    Bad("tab-in-the-indentation-of-a-post", replace("        count: 10", "      \tcount: 10"),
        24, "", "this line is indented with a tab character", at="\tcount"),
    Bad("empty-file", constant(""), 1, "", "the file is empty"),
    Bad("whitespace-only-file", constant("  \n\n\t\n   \n"), 1, "", "the file is empty"),
    Bad("binary-nul-bytes", as_bytes(replace("author: costmodel tests", "author: costmodel\x00tests"), "utf-8"),
        5, "", "not a text file", at="author"),
    Bad("latin-1-pound-sign", as_bytes(replace("salary: 35,000", "salary: £35,000"), "latin-1"),
        25, "", "save it as UTF-8", at="salary"),
    Bad("file-over-8-mb", lambda text: text + PADDING * (DEFAULT.scenario_bytes // len(PADDING) + 1),
        1, "", "a scenario is at most 8 MB (for a file you trust, add --allow-large)"),
    # 100 x 2**20 bytes of padding = 104,857,600 bytes, plus the scenario: 104.9 MB.
    Bad("file-of-100-mb", lambda text: text + PADDING * (100 * 2**20 // len(PADDING)),
        1, "", "the file is 104.9 MB"),
    Bad("top-level-is-a-list", lambda text: "- " + text.replace("\n", "\n  ").rstrip() + "\n",
        1, "", "a scenario is a mapping of keys", at="- metadata:"),
    Bad("duplicate-key", insert_after(3, "  title: Another title\n"),
        4, "", 'duplicate key "title"', at="title: Another title"),
    Bad("anchor-and-alias", replace("general_inflation: 2%\n  pay_awards: 2%",
                                    "general_inflation: &rate 2%\n  pay_awards: *rate"),
        13, "", "anchors and aliases", at="&rate"),
    Bad("alias-bomb", insert_after(33, ALIAS_BOMB), 35, "", "anchors and aliases", at="&l0"),
    # `<<` would merge the keys in braces into metadata, out of sight: a YAML 1.1 habit.
    Bad("merge-key", insert_after(1, "  <<: {title: Merged title}\n"),
        2, "", "merge keys (<<) are not allowed", at="<<"),
    # Brackets 5,000 deep on line 24: ruamel takes ~20 s over this unless refused while parsing.
    Bad("nested-too-deeply", replace("count: 10", "count: " + "[" * 5000 + "10" + "]" * 5000),
        24, "", "nested more than", at="count: [[["),
    # ---- text a workbook cannot hold, or a terminal would act on (written as YAML escapes in quotes)
    Bad("control-character-u0001-in-a-name", replace("name: In-house", 'name: "In\\x01house"'),
        18, "options[0].name", "the control character U+0001 (character 3)", at="name:"),
    Bad("control-character-u000b-in-a-name", replace("name: In-house", 'name: "In\\vhouse"'),
        18, "options[0].name", "the control character U+000B (character 3)", at="name:"),
    Bad("control-character-u001f-in-a-name", replace("name: In-house", 'name: "In\\x1fhouse"'),
        18, "options[0].name", "the control character U+001F (character 3)", at="name:"),
    Bad("noncharacter-ufffe-in-a-name", replace("name: In-house", 'name: "In\\uFFFEhouse"'),
        18, "options[0].name", "U+FFFE (character 3), which is not a character", at="name:"),
    Bad("half-a-surrogate-pair-in-a-name", replace("name: Trust", 'name: "Tr\\ud800ust"'),
        27, "options[1].name", "U+D800 (character 3), which is not a character", at="name:"),
    # An escape sequence that would set a terminal's title and clear its screen.
    Bad("escape-sequence-in-the-title", replace("title: Minimal scenario", 'title: "Minimal\\e]0;x\\a\\e[2J"'),
        3, "metadata.title", "the control character U+001B (character 8)", at="title:"),
    Bad("carriage-return-in-a-post-title", replace("title: Social worker", 'title: "Social\\rworker"'),
        23, "options[0].staffing[0].title", "the control character U+000D (character 7)", at="title:"),
    # "Trojan Source": a right-to-left override shows "Trust 000,05£" as "Trust £50,000" and the like.
    Bad("bidi-override-escaped-in-a-name", replace("name: In-house", 'name: "In\\u202Ehouse"'),
        18, "options[0].name", "U+202E, a right-to-left override (character 3), a control of bidirectional text",
        at="name:"),
    Bad("bidi-isolate-raw-in-a-post-title", replace("title: Social worker", "title: Social\u2067 worker"),
        23, "options[0].staffing[0].title", "U+2067, a right-to-left isolate (character 7)", at="title:"),
    # In a comment it reaches the Scenario sheet, which an auditor reads as the file.
    # `  author: costmodel tests  # ` is 29 characters, so the override is character 30.
    Bad("bidi-override-raw-in-a-comment", replace("author: costmodel tests", "author: costmodel tests  # \u202e"),
        5, "metadata.author", "the line holds U+202E, a right-to-left override (character 30)", at="author:"),
    Bad("tab-in-a-name", replace("name: Trust", 'name: "Tr\\tust"'),
        27, "options[1].name", "a tab (character 3); a name or title is one line", at="name:"),
    Bad("line-break-in-a-name", replace("name: Trust", 'name: "Tr\\nust"'),
        27, "options[1].name", "a line break (character 3); a name or title is one line", at="name:"),
    # Line 5 becomes `  author: costmodel tests  # ` (29 characters) and 32,760 x: 32,789, past a cell's 32,767.
    Bad("line-longer-than-a-workbook-cell", replace("author: costmodel tests", "author: costmodel tests  # " + "x" * 32_760),
        5, "metadata.author", "the line is 32,789 characters long; a workbook cell holds at most 32,767", at="author:"),
    # Readers of a workbook take x005F_ for half of Excel's escape of an underscore, and drop it.
    # `  author: costmodel tests  # _` is 30 characters, so the x is character 31.
    Bad("excel-underscore-escape-in-a-comment", replace("author: costmodel tests", "author: costmodel tests  # _x005F_"),
        5, "metadata.author", "holds x005F_ (character 31)", at="author:"),
    # ---- keys
    Bad("unknown-top-level-key", replace("\noptions:\n", "\noptoins:\n"),
        16, "optoins", "did you mean 'options'?", at="optoins:"),
    Bad("unknown-key-in-post", replace("salary: 35,000", "salry: 35,000"),
        25, "options[0].staffing[0].salry", "did you mean 'salary'?", at="salry"),
    Bad("unknown-key-in-figure", replace("salary: 35,000", "salary: {value: 35000, sorce: para 35.20}"),
        25, "options[0].staffing[0].salary", "did you mean 'source'?", at="sorce"),
    Bad("missing-metadata-title", delete_lines(3),
        1, "metadata.title", "required key is missing", at="metadata:"),
    Bad("missing-top-level-section", delete_lines(8, 11),
        1, "timeline", "required key is missing", at="metadata:"),
    Bad("empty-title", replace("title: Minimal scenario", 'title: ""'),
        3, "metadata.title", "must not be empty", at='title: ""'),
    Bad("missing-post-salary", delete_lines(25),
        22, "options[0].staffing[0].salary", "required key is missing", at="- id: social-worker"),
    Bad("period-misspelt", insert_after(25, "        period: after_golive\n"),
        26, "options[0].staffing[0].period", "'after_go_live'", at="after_golive"),
    Bad("status-not-allowed", replace("status: draft", "status: final"),
        7, "metadata.status", "expected one of 'draft' or 'published'", at="final"),
    Bad("option-id-with-capitals", replace("- id: trust", "- id: Trust"),
        26, "options[1].id", "lower-case letters", at="id: Trust"),
    # ---- wrong types
    Bad("text-where-number-expected", replace("count: 10", "count: ten"),
        24, "options[0].staffing[0].count", "expected a number, got 'ten'", at="count: ten"),
    # Shaped like an octal number or a decimal point to YAML's patterns, with no digits for its reader to read.
    Bad("number-shape-with-no-digits", replace("count: 10", "count: 0o_"),
        24, "options[0].staffing[0].count", "0o_ is shaped like a number, so YAML reads it as one", at="count: 0o_"),
    Bad("decimal-point-with-no-digits", replace("salary: 35,000", "salary: ._"),
        25, "options[0].staffing[0].salary", "._ is shaped like a number", at="salary: ._"),
    Bad("key-shaped-like-a-number", insert_after(7, "  0o_: draft\n"),
        8, "metadata.0o_", "0o_ is shaped like a number", at="0o_: draft"),
    Bad("list-where-mapping-expected",
        replace("timeline:\n  first_year: 2018/19\n  years: 5\n  price_base: 2017/18\n",
                "timeline: [2018/19, 5, 2017/18]\n"),
        8, "timeline", "expected a mapping of keys", at="timeline: ["),
    Bad("mapping-where-list-expected", replace("      - id: purchases\n        name: Purchases\n"
                                               "        amount: 100,000\n        vat_share: 100%\n",
                                               "      id: purchases\n      name: Purchases\n"
                                               "      amount: 100,000\n      vat_share: 100%\n"),
        29, "options[1].non_pay", "expected a list", at="non_pay:"),
    # ---- amounts
    Bad("letter-o-for-zero", replace("salary: 35,000", "salary: 88,2O2"),
        25, "options[0].staffing[0].salary", "letter O", at="88,2O2"),
    Bad("misplaced-thousands-comma", replace("salary: 35,000", "salary: 3,5000"),
        25, "options[0].staffing[0].salary", "expected an amount in pounds, got '3,5000'", at="3,5000"),
    Bad("absurd-salary-10bn", replace("salary: 35,000", "salary: £10,000,000,000"),
        25, "options[0].staffing[0].salary", "£10,000,000,000 is outside £0 to £1,000,000", at="salary"),
    Bad("negative-amount", replace("amount: 100,000", "amount: -100,000"),
        32, "options[1].non_pay[0].amount", "-£100,000 is outside", at="amount: -100,000"),
    Bad("rate-where-amount-expected", replace("salary: 35,000", "salary: 15%"),
        25, "options[0].staffing[0].salary", "that is a rate", at="15%"),
    Bad("range-low-above-central", replace("salary: 35,000", "salary: {value: 50000, low: 60000}"),
        25, "options[0].staffing[0].salary", "low (£60,000) is above the central value (£50,000)", at="low: 60000"),
    # A count of a million is absurd, but its range is checked before its limits: written out, not 1e+06.
    Bad("count-range-low-above-central", replace("count: 10", "count: {value: 1000000, low: 1234567, high: 2000000}"),
        24, "options[0].staffing[0].count", "low (1,234,567) is above the central value (1,000,000)", at="low: 1234567"),
    Bad("count-above-its-limit", replace("count: 10", "count: 200000"),
        24, "options[0].staffing[0].count", "count 200,000 is outside 0 to 100,000", at="count: 200000"),
    Bad("comma-amount-in-flow-mapping",
        replace("      - id: social-worker\n        title: Social worker\n        count: 10\n        salary: 35,000\n",
                "      - {id: social-worker, title: Social worker, count: 10, salary: 35,000}\n"),
        # Inside { } this is `salary: 35` and a key `000` with no value; reported at the amount it split.
        22, "options[0].staffing[0].salary", 'is read as 35 followed by a key 000; quote the amount ("35,000")',
        at="salary: 35,000}"),
    Bad("comma-amount-in-flow-figure", replace("salary: 35,000", "salary: {value: 35,000, source: para 35.20}"),
        25, "options[0].staffing[0].salary.value", 'quote the amount ("35,000") or write it without commas (35000)',
        at="value: 35,000"),
    # 1,000,000 in { } leaves two keys 000, a duplicate, which used to stop the reading at once.
    Bad("comma-amounts-in-one-ranged-figure",
        replace("salary: 35,000", "salary: {value: 900,000, low: 800,000, high: 1,000,000}"),
        25, "options[0].staffing[0].salary.high", "so 1,000,000 is read as 1 followed by keys 000 and 000",
        at="high: 1,000,000}"),
    Bad("comma-amount-low-of-a-ranged-figure",
        replace("salary: 35,000", "salary: {value: 900,000, low: 800,000, high: 1,000,000}"),
        25, "options[0].staffing[0].salary.low", 'quote the amount ("800,000") or write it without commas (800000)',
        at="low: 800,000"),
    Bad("comma-amounts-in-a-flow-post",
        replace("      - id: social-worker\n        title: Social worker\n        count: 10\n        salary: 35,000\n",
                "      - {id: social-worker, title: Social worker, count: 1,000, salary: 35,000}\n"),
        22, "options[0].staffing[0].count", "so 1,000 is read as 1 followed by a key 000", at="count: 1,000"),
    # ---- rates
    Bad("rate-range-low-above-central", replace("pension_rate: 20%", "pension_rate: {value: 3%, low: 5%, high: 6%}"),
        15, "assumptions.pension_rate", "low (5%) is above the central value (3%)", at="low: 5%"),
    Bad("yearly-rate-range-high-below-central",
        replace("general_inflation: 2%", "general_inflation: {value: 2%, low: 1%, high: 1.5%}"),
        13, "assumptions.general_inflation.value", "high (1.5%) is below the central value (2%)", at="high: 1.5%"),
    Bad("bare-15-for-a-rate", replace("pension_rate: 20%", "pension_rate: 15"),
        15, "assumptions.pension_rate", "write 15%", at="pension_rate: 15"),
    Bad("probability-above-1", insert_after(33, "    failure_risk:\n      annual_probability: 150%\n      cost: 3m\n"),
        35, "options[1].failure_risk.annual_probability", "a probability is between 0 and 1", at="150%"),
    Bad("vacancy-above-100pc", insert_after(25, "        vacancy: 120%\n"),
        26, "options[0].staffing[0].vacancy", "vacancy 120% is outside 0% to 100%", at="vacancy"),
    Bad("fte-above-1", insert_after(25, "        fte: 1.5\n"),
        26, "options[0].staffing[0].fte", "FTE is the share of a full-time post", at="fte"),
    # ---- years and the timeline
    Bad("financial-year-as-2018", replace("first_year: 2018/19", "first_year: 2018"),
        9, "timeline.first_year", "write financial years as 2018/19", at="first_year: 2018"),
    Bad("financial-year-2018-20", replace("first_year: 2018/19", "first_year: 2018/20"),
        9, "timeline.first_year", "'2018/20' is not a financial year", at="2018/20"),
    Bad("horizon-0-years", replace("years: 5", "years: 0"),
        10, "timeline.years", "at least 1", at="years: 0"),
    Bad("horizon-101-years", replace("years: 5", "years: 101"),
        10, "timeline.years", "at most 100", at="years: 101"),
    Bad("price-base-two-years-early", replace("price_base: 2017/18", "price_base: 2016/17"),
        11, "timeline.price_base", "the price base must be the first year (2018/19) or the year before",
        at="2016/17"),
    Bad("post-starts-after-horizon", insert_after(25, "        first_year: 2025/26\n"),
        26, "options[0].staffing[0].first_year", "2025/26 is outside the horizon (2018/19 to 2022/23)",
        at="2025/26"),
    Bad("last-year-before-first-year",
        insert_after(25, "        first_year: 2020/21\n        last_year: 2019/20\n"),
        27, "options[0].staffing[0].last_year", "last_year is before first_year", at="last_year"),
    Bad("setup-year-before-horizon", insert_after(33, SETUP.format(when="        year: 2016/17\n")),
        37, "options[1].setup[0].year", "2016/17 is outside the horizon", at="year: 2016/17"),
    Bad("setup-year-and-years", insert_after(33, SETUP.format(
        when="        year: 2018/19\n        years: [2018/19, 2019/20]\n")),
        35, "options[1].setup[0]", "exactly one of year, years or profile", at="- name: Procurement"),
    Bad("setup-profile-not-100pc", insert_after(33, SETUP.format(
        when="        profile: {2018/19: 50%, 2019/20: 40%}\n")),
        37, "options[1].setup[0].profile", "add up to 90%, not 100%", at="profile:"),
    Bad("go-live-month-13", insert_after(28, "    go_live: 2018-13\n"),
        29, "options[1].go_live", "expected a month such as 2018-06", at="2018-13"),
    Bad("baseline-yes", replace("baseline: true", "baseline: yes"),
        20, "options[0].baseline", "expected true or false", at="baseline: yes"),
    Bad("date-in-words", replace("date: 2025-01-01", "date: early 2025"),
        6, "metadata.date", "expected a date such as 2017-11-09", at="early 2025"),
    Bad("no-such-day", replace("date: 2025-01-01", "date: 2025-02-30"),
        6, "metadata.date", "no such date: the day is out of range", at="2025-02-30"),
    Bad("no-such-month", replace("date: 2025-01-01", "date: 2025-13-01"),
        6, "metadata.date", "no such date: the month is out of range", at="2025-13-01"),
    Bad("quoted-bare-rate", replace("pension_rate: 20%", 'pension_rate: "20"'),
        15, "assumptions.pension_rate", "write 20% if you meant 20 per cent", at='"20"'),
    Bad("amount-in-words", replace("amount: 100,000", "amount: 1.3 million"),
        32, "options[1].non_pay[0].amount", "write 1.3m", at="1.3 million"),
    Bad("negative-levy-allowance", insert_after(15, "  apprenticeship_levy:\n    allowance: -5,000\n"),
        17, "assumptions.apprenticeship_levy.allowance", "outside", at="-5,000"),
    Bad("full-year-check-of-one-off-setup", insert_after(33, SETUP.format(when="        year: 2018/19\n")
                                                         + SETUP_CHECK),
        42, "published_figures[0].basis", "one-off and have no full-year figure", at="basis: full_year"),
    Bad("yaml-1-1-directive", insert_after(0, "%YAML 1.1\n---\n"),
        1, "", "scenarios are YAML 1.2", at="%YAML 1.1"),
    Bad("count-with-decimal-comma", replace("count: 10", 'count: "1,5"'),
        24, "options[0].staffing[0].count", "commas may only separate thousands", at='"1,5"'),
    Bad("table-by-year-with-bare-year", replace("pay_awards: 2%", "pay_awards: {value: {2018: 2%}}"),
        14, "assumptions.pay_awards.value.2018", "write financial years as 2018/19", at="2018: 2%"),
    Bad("setup-profile-year-outside-horizon", insert_after(33, SETUP.format(
        when="        profile: {2018/19: 50%, 2030/31: 50%}\n")),
        37, "options[1].setup[0].profile.2030/31", "2030/31 is outside the horizon", at="2030/31"),
    Bad("published-figure-empty-posts", insert_after(33, PUBLISHED.format(option="in-house", post="x")
                                                     .replace("post: x", "posts: []")),
        37, "published_figures[0].posts", "must list at least one", at="posts: []"),
    Bad("per-head-figure-of-no-posts", lambda text: insert_after(33, PUBLISHED.format(
        option="in-house", post="social-worker").replace("basis:", "each: true\n    basis:"))(
        text.replace("count: 10", "count: 0")),
        38, "published_figures[0].each", "a count of 0", at="each: true"),
    Bad("range-with-low-equal-to-high", replace("salary: 35,000", "salary: {value: 35000, low: 35000, high: 35000}"),
        25, "options[0].staffing[0].salary", "low and high are equal", at="high: 35000"),
    Bad("normal-that-would-draw-negatives", replace("salary: 35,000", "salary: {value: 35000, sd: 20000, distribution: normal}"),
        25, "options[0].staffing[0].salary", "would draw values below zero", at="sd: 20000"),
    Bad("normal-without-sd", replace("salary: 35,000", "salary: {value: 35000, distribution: normal}"),
        25, "options[0].staffing[0].salary", "needs sd", at="distribution: normal"),
    Bad("sd-on-a-triangular", replace("salary: 35,000", "salary: {value: 35000, low: 30000, high: 40000, sd: 10}"),
        25, "options[0].staffing[0].salary", "sd is for a normal or lognormal", at="sd: 10"),
    Bad("unknown-distribution", replace("salary: 35,000", "salary: {value: 35000, distribution: gamma}"),
        25, "options[0].staffing[0].salary", "expected one of triangular", at="gamma"),
    Bad("pert-without-high", replace("salary: 35,000", "salary: {value: 35000, low: 30000, distribution: pert}"),
        25, "options[0].staffing[0].salary", "needs both low and high", at="pert"),
    Bad("range-on-ni-threshold", insert_after(15, "  employer_ni:\n    thresholds: {2018/19: {value: 8424, low: 8000, high: 9000}}\n"),
        17, "assumptions.employer_ni.thresholds.2018/19", "not drawn in simulations", at="thresholds"),
    Bad("correlation-of-an-unranged-figure", lambda text: text + "correlations:\n  - {between: [\"options[0].staffing[0].salary\", \"options[1].non_pay[0].amount\"], coefficient: 0.5}\n",
        35, "correlations[0].between[0]", "no figure with a range", at="between"),
    # ---- options and what refers to what
    Bad("two-baselines", insert_after(28, "    baseline: true\n"),
        29, "options[1].baseline", "only one option can be the baseline", at="baseline: true"),
    Bad("no-baseline", delete_lines(20), 16, "options", "no option is marked baseline", at="options:"),
    Bad("duplicate-option-ids", replace("- id: trust", "- id: in-house"),
        26, "options[1].id", "option id 'in-house' is used twice", at="- id: in-house"),
    Bad("staffing-same-as-an-unknown-option", insert_after(28, "    staffing_same_as: in-hose\n"),
        29, "options[1].staffing_same_as", "no option 'in-hose'; did you mean 'in-house'?", at="in-hose"),
    Bad("staffing-same-as-beside-its-own-posts", insert_after(20, "    staffing_same_as: trust\n"),
        21, "options[0].staffing_same_as", "not both", at="staffing_same_as: trust"),
    Bad("staffing-same-as-itself", insert_after(28, "    staffing_same_as: trust\n"),
        29, "options[1].staffing_same_as", "from itself", at="staffing_same_as: trust"),
    Bad("staffing-same-as-an-option-without-posts",
        lambda text: insert_after(20, "    staffing_same_as: trust\n")(delete_lines(21, 25)(text)),
        21, "options[0].staffing_same_as", "option 'trust' lists no posts", at="staffing_same_as: trust"),
    # ---- the options appraisal
    Bad("appraisal-weights-not-100", with_appraisal("weight: 100%", "weight: 90%"),
        38, "appraisal.criteria", "the weights add up to 90%; they must add up to 100%", at="criteria:"),
    Bad("appraisal-score-off-the-scale", with_appraisal("score: 3,", "score: 6,"),
        36, "appraisal.long_list[0].scores.outcomes.score", "score 6 is off the scale (0 to 5)", at="score: 6"),
    Bad("appraisal-score-for-an-unknown-criterion", with_appraisal("{outcomes: {score: 3", "{outcome: {score: 3"),
        36, "appraisal.long_list[0].scores.outcome", "did you mean 'outcomes'?", at="outcome:"),
    Bad("appraisal-costed-option-missing-from-the-long-list",
        with_appraisal("    - {id: trust, name: Trust, category: new_delivery_vehicle, option: trust, scores: "
                       "{outcomes: {score: 4, reason: new}}}\n", ""),
        35, "appraisal.long_list", "costed option 'trust' is not on the long list", at="long_list:"),
    Bad("appraisal-unknown-category", with_appraisal("category: in_house", "category: in-house"),
        36, "appraisal.long_list[0].category", "'new_delivery_vehicle'", at="category: in-house"),
    Bad("appraisal-shortlisted-but-not-costed", with_appraisal("category: in_house, option: in-house, ",
                                                               "category: in_house, "),
        36, "appraisal.long_list[0]", "a shortlisted option must be costed", at="id: in-house"),
    Bad("appraisal-negative-weight", with_appraisal("weight: 100%", "weight: -10%"),
        39, "appraisal.criteria[0].weight", "between 0% and 100%", at="weight: -10%"),
    Bad("appraisal-weight-with-a-range", with_appraisal("weight: 100%", "weight: {value: 100%, low: 90%, high: 100%}"),
        39, "appraisal.criteria[0].weight", "not drawn in simulations", at="weight:"),
    # ---- placements and an option's change to them
    Bad("placement-unknown-unit-cost", with_placements("private-childrens-home", "private-home"),
        44, "placements[0].unit_cost", "did you mean 'iow-2017-private-childrens-home'?", at="private-home"),
    Bad("placement-bare-growth", with_placements("growth: 2%", "growth: 2"),
        43, "placements[0].growth", "write 2% if you meant 2 per cent", at="growth: 2"),
    Bad("placement-weekly-cost-without-a-price-year", with_placements("    price_year: 2017/18\n", ""),
        45, "placements[1]", "give weekly_cost and the price_year it is at", at="name: Foster"),
    Bad("placement-change-from-an-unknown-placement", with_placements("from: residential", "from: residental"),
        36, "options[1].placement_changes[0].from", "no placement 'residental'; did you mean 'residential'?",
        at="residental"),
    Bad("placement-change-misspelt-from", with_placements("from: residential", "form: residential"),
        36, "options[1].placement_changes[0].form", "unknown key 'form'; did you mean 'from'?", at="form:"),
    Bad("placement-change-ramp-outside-the-horizon", with_placements("{2018/19: 100%}", "{2030/31: 100%}"),
        39, "options[1].placement_changes[0].ramp.2030/31", "outside the horizon", at="ramp:"),
    # ---- the lines a budget has (issue 17): pay progression, on-costs as a rate, ramps, exit costs
    Bad("post-on-costs-two-ways", replace("salary: 35,000", "salary: 35,000\n        on_costs: 9,000\n"
                                          "        on_cost_rate: 28%"),
        27, "options[0].staffing[0].on_cost_rate", "give on_costs (an amount per post) or on_cost_rate",
        at="on_cost_rate: 28%"),
    Bad("post-top-of-scale-below-its-salary", replace("salary: 35,000", "salary: 35,000\n        pay_drift: 2%\n"
                                                      "        salary_max: 30,000"),
        27, "options[0].staffing[0].salary_max", "the top of the scale (£30,000) is below the salary (£35,000)",
        at="salary_max: 30,000"),
    Bad("post-bare-pay-drift", replace("salary: 35,000", "salary: 35,000\n        pay_drift: 2"),
        26, "options[0].staffing[0].pay_drift", "write 2% if you meant 2 per cent", at="pay_drift: 2"),
    Bad("ramp-share-above-100pc", insert_after(33, "        ramp: {2018/19: 50%, 2019/20: 150%}\n"),
        34, "options[1].non_pay[0].ramp", "ramp share 150% is outside 0% to 100%", at="ramp:"),
    Bad("exit-cost-unknown-kind", insert_after(33, EXIT.format(kind="notce_period", extra="")),
        36, "options[1].exit_costs[0].kind", "'notice_period'", at="notce_period"),
    Bad("exit-cost-year-outside-the-horizon", insert_after(33, EXIT.format(kind="notice_period", extra="")
                                                           .replace("2019/20", "2030/31")),
        38, "options[1].exit_costs[0].year", "2030/31 is outside the horizon", at="year: 2030/31"),
    Bad("exit-cost-misspelt-capital", insert_after(33, EXIT.format(kind="notice_period", extra="        capitel: true\n")),
        39, "options[1].exit_costs[0].capitel", "did you mean 'capital'?", at="capitel"),
    Bad("exit-cost-capital-not-a-flag", insert_after(33, EXIT.format(kind="notice_period", extra="        capital: yes\n")),
        39, "options[1].exit_costs[0].capital", "expected true or false", at="capital: yes"),
    Bad("exit-cost-without-a-kind", insert_after(33, EXIT.format(kind="notice_period", extra="")
                                                 .replace("        kind: notice_period\n", "")),
        35, "options[1].exit_costs[0].kind", "required key is missing", at="- name: Notice"),
    # ---- contracts with indexation clauses
    Bad("contract-cap-below-the-floor", with_contract("cap: 4%", "cap: -1%"),
        40, "options[1].indexed_contracts[0].uplift.cap", "the cap (-1%) is below the floor (0%)", at="cap: -1%"),
    Bad("contract-mix-not-adding-to-100", with_contract("index: cpi, margin", "mix: {pay: 70%, cpi: 20%}, margin"),
        40, "options[1].indexed_contracts[0].uplift.mix", "add up to 90%, not 100%", at="mix:"),
    Bad("contract-index-not-given", with_contract("index: cpi", "index: rpi"),
        40, "options[1].indexed_contracts[0].uplift.index", "no index 'rpi'", at="index: rpi"),
    Bad("contract-index-misspelt", with_contract("index: cpi", "index: cpl"),
        40, "options[1].indexed_contracts[0].uplift.index", "did you mean 'cpi'?", at="index: cpl"),
    Bad("contract-break-outside-the-term", with_contract("year: 2020/21", "year: 2024/25"),
        41, "options[1].indexed_contracts[0].break.year", "must fall within the term (2018/19 to 2022/23)",
        at="year: 2024/25"),
    Bad("contract-bare-margin", with_contract("margin: 0.5%", "margin: 2"),
        40, "options[1].indexed_contracts[0].uplift.margin", "write 2% if you meant 2 per cent", at="margin: 2"),
    Bad("contract-break-not-saying-whether-taken", with_contract(", exercised: true", ""),
        41, "options[1].indexed_contracts[0].break.exercised", "required key is missing", at="break:"),
    Bad("only-one-option", delete_lines(26, 33), 16, "options", "at least two options", at="options:"),
    Bad("unknown-option-family", replace("family: trust", "family: charity"),
        28, "options[1].family", "'community_interest_company'", at="charity"),
    Bad("published-figure-unknown-option", insert_after(33, PUBLISHED.format(option="council", post="social-worker")),
        36, "published_figures[0].option", "no option 'council' (known: in-house, trust)", at="option: council"),
    Bad("published-figure-unknown-post", insert_after(33, PUBLISHED.format(option="in-house", post="social-worer")),
        37, "published_figures[0].post", "did you mean 'social-worker'?", at="post: social-worer"),
    # ---- inputs that were faults ("could not finish") rather than errors
    # A whole number too big for a float (above about 1.8e308) overflowed where it was read as one.
    Bad("count-of-400-digits", replace("count: 10", "count: " + "9" * 400),
        24, "options[0].staffing[0].count", "a whole number 400 digits long, far too large", at="count: 999"),
    Bad("salary-of-400-digits", replace("salary: 35,000", "salary: " + "9" * 400),
        25, "options[0].staffing[0].salary", "a whole number 400 digits long, far too large", at="salary: 999"),
    Bad("rate-of-400-digits", replace("pension_rate: 20%", "pension_rate: " + "9" * 400 + "%"),
        15, "assumptions.pension_rate", "(401 characters), far too large", at="pension_rate: 999"),
    Bad("amount-of-400-digits-in-millions", replace("amount: 100,000", "amount: " + "9" * 400 + "m"),
        32, "options[1].non_pay[0].amount", "(401 characters), far too large", at="amount: 999"),
    # Python reads no whole number of more than 4,300 digits (it raised ValueError while reading).
    Bad("whole-number-of-4301-digits", replace("count: 10", "count: " + "9" * 4301),
        24, "options[0].staffing[0].count", "a whole number 4,301 digits long is far too long", at="count: 999"),
    Bad("years-of-4301-digits", replace("years: 5", "years: " + "9" * 4301),
        10, "timeline.years", "a whole number 4,301 digits long is far too long", at="years: 999"),
    # Tags ask ruamel for a type or a constructor; a scenario has no use for any, and some failed inside it.
    Bad("int-tag-on-nan", replace("count: 10", "count: !!int .nan"),
        24, "options[0].staffing[0].count", "a YAML tag (!!int) is not allowed", at="!!int .nan"),
    Bad("omap-tag", replace("count: 10", "count: !!omap [a: 1]"),
        24, "options[0].staffing[0].count", "a YAML tag (!!omap) is not allowed", at="!!omap"),
    Bad("omap-tag-on-a-section", replace("timeline:\n", "timeline: !!omap\n"),
        8, "timeline", "a YAML tag (!!omap) is not allowed", at="timeline: !!omap"),
    Bad("bool-tag-on-text", replace("baseline: true", "baseline: !!bool maybe"),
        20, "options[0].baseline", "a YAML tag (!!bool) is not allowed", at="!!bool"),
    Bad("float-tag-on-text", replace("salary: 35,000", "salary: !!float lots"),
        25, "options[0].staffing[0].salary", "a YAML tag (!!float) is not allowed", at="!!float"),
    Bad("local-tag", replace("title: Social worker", "title: !social Social worker"),
        23, "options[0].staffing[0].title", "a YAML tag (!social) is not allowed", at="!social"),
    Bad("python-object-tag", replace("salary: 35,000", "salary: !!python/object:os.system x"),
        25, "options[0].staffing[0].salary", "a YAML tag (!!python/object:os.system)", at="!!python"),
    # ruamel stopped on a version it does not know with an AssertionError and no line.
    Bad("yaml-1-3-directive", insert_after(0, "%YAML 1.3\n---\n"),
        1, "", "scenarios are YAML 1.2", at="%YAML 1.3"),
    Bad("go-live-in-year-0", insert_after(28, "    go_live: 0000-06\n"),
        29, "options[1].go_live", "the year 0 is out of range (1900 to 2200)", at="0000-06"),
    # Shown as two lines with no line number; invisible in most editors.
    Bad("control-character-u0001", replace("title: Social worker", "title: Social\x01worker"),
        23, "options[0].staffing[0].title", "the control character U+0001", at="title: Social"),
    # pydantic took `true` as 1 year.
    Bad("years-true", replace("years: 5", "years: true"),
        10, "timeline.years", "expected a whole number, got true", at="years: true"),
]

IDS = [case.id for case in CASES]


# --------------------------------------------------------------------------- running them


@pytest.fixture
def bad_file(request, tmp_path, minimal_text, write_scenario) -> tuple[Path, Bad]:
    case: Bad = request.param
    content = case.make(minimal_text)
    assert content != minimal_text, "the case must change the base scenario"
    if isinstance(content, bytes):
        path = tmp_path / "scenario.yaml"
        path.write_bytes(content)
        built = content.decode("utf-8", errors="replace")
    else:
        path = write_scenario(content)
        built = content
    if case.at is not None:
        lines = built.split("\n")
        assert case.line <= len(lines) and case.at in lines[case.line - 1], (
            f"catalogue error: line {case.line} of the built file is "
            f"{lines[case.line - 1] if case.line <= len(lines) else '(past the end)'!r}, not one with {case.at!r}")
    return path, case


def expected_prefix(path: Path, case: Bad) -> str:
    field = f" {case.field}:" if case.field else ""
    return f"{path}:{case.line}:{field} "


def assert_reported(result, path: Path, case: Bad) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    # Every problem names the file and a line; the only other line is validate's count of bad files.
    for line in result.stderr.splitlines():
        assert re.match(rf"{re.escape(str(path))}:[0-9]+: ", line) or re.fullmatch(
            r"[0-9]+ of [0-9]+ scenario files have problems", line), f"no file:line in {line!r}"
    prefix = expected_prefix(path, case)
    problems = [line for line in result.stderr.splitlines() if line.startswith(prefix)]
    assert problems, f"no problem reported as {prefix!r}...; stderr was:\n{result.stderr}"
    assert any(case.phrase in line for line in problems), (
        f"no problem at {prefix!r} says {case.phrase!r}; stderr was:\n{result.stderr}")


@pytest.mark.parametrize("bad_file", CASES, ids=IDS, indirect=True)
def test_validate_reports_the_line(bad_file):
    path, case = bad_file
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert_reported(result, path, case)
    assert result.stdout == ""


@pytest.mark.parametrize("bad_file", CASES, ids=IDS, indirect=True)
def test_run_reports_the_line_and_writes_nothing(bad_file, tmp_path):
    path, case = bad_file
    out_path = tmp_path / "results.xlsx"
    before = sorted(tmp_path.rglob("*"))
    # Processor time, not the clock: what refusing costs this process, whatever else the machine runs.
    started = time.process_time()
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(out_path)])
    elapsed = time.process_time() - started
    assert_reported(result, path, case)
    assert not out_path.exists()
    assert sorted(tmp_path.rglob("*")) == before
    # Bad input is refused while reading: even the alias bomb and the 50 MB file fail fast.
    assert elapsed < 5, f"took {elapsed:.1f} s of processor time to refuse"


@pytest.mark.parametrize("bad_file", CASES[::7], ids=IDS[::7], indirect=True)
def test_a_failed_run_leaves_an_existing_output_untouched(bad_file, tmp_path):
    path, case = bad_file
    existing = tmp_path / "last-week.xlsx"
    existing.write_bytes(Path(__file__).resolve().parents[2].joinpath("workbooks", "isle-of-wight-2017.xlsx")
                         .read_bytes())
    stamp = existing.stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(existing)])
    assert result.exit_code == 1
    assert existing.stat().st_mtime_ns == stamp
    assert existing.read_bytes() == Path(__file__).resolve().parents[2].joinpath(
        "workbooks", "isle-of-wight-2017.xlsx").read_bytes()


def test_a_byte_order_mark_and_windows_line_endings_work(tmp_path, minimal_text):
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + minimal_text.replace("\n", "\r\n").encode("utf-8"))
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 0, result.output
    # and a mistake in such a file is still reported at its own line
    path.write_bytes(b"\xef\xbb\xbf" + minimal_text.replace("salary: 35,000", "salary: 35,0O0")
                     .replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert f"{path}:25: options[0].staffing[0].salary:" in result.stderr


def test_the_base_scenario_is_valid(minimal_text, write_scenario):
    path = write_scenario(minimal_text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith(f"{path}: ok (2 options, 5 years")


def test_the_catalogue_is_large_and_each_case_named_once():
    assert len(CASES) >= 60
    assert len(set(IDS)) == len(IDS)


def test_a_misspelt_key_is_one_problem_not_two(write_scenario, minimal_text):
    """`salry` is an unknown key and leaves `salary` missing: one message says both."""
    path = write_scenario(minimal_text.replace("salary: 35,000", "salry: 35,000"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert problems == [f"{path}:25: options[0].staffing[0].salry: unknown key 'salry'; did you mean 'salary'?"]


def test_a_wrong_price_base_is_one_problem_without_knock_ons(write_scenario, minimal_text):
    path = write_scenario(minimal_text.replace("price_base: 2017/18", "price_base: 2015/16"))
    result = CliRunner().invoke(cli, ["validate", str(path)])
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert len(problems) == 1 and "timeline.price_base" in problems[0]


def test_every_problem_is_reported_even_when_the_schema_refuses_the_file(write_scenario, minimal_text):
    """A misspelt key (a schema problem) and a second baseline (a whole-file problem), reported together."""
    text = minimal_text.replace("salary: 35,000", "salry: 35,000").replace(
        "    family: trust\n", "    family: trust\n    baseline: true\n")
    path = write_scenario(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert problems == [
        f"{path}:25: options[0].staffing[0].salry: unknown key 'salry'; did you mean 'salary'?",
        f"{path}:29: options[1].baseline: only one option can be the baseline; 'in-house' already is",
    ]


# --------------------------------------------------------------------------- limits on the work

def _ranged_establishment(tmp_path) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from make_scenario import scenario_text

    path = tmp_path / "establishment.yaml"
    path.write_text(scenario_text(1_000, 2, 100).replace(
        "  general_inflation: {value: 2%, note: synthetic}",
        "  general_inflation: {value: 2%, low: 1%, high: 3%, note: synthetic}"), encoding="utf-8")
    return path


@pytest.mark.parametrize("command, phrase", [
    (["run"], "its workbook's Sensitivity and Risk sheets projects 10,085 draws of 204,700 line-years"),
    (["simulate", "--draws", "5000"], "the simulation projects 5,000 draws of 204,700 line-years"),
])
def test_work_beyond_the_limits_is_refused_before_it_starts(tmp_path, command, phrase):
    # 1,000 posts x 2 options x 100 years, and the options' other lines: 2,047 lines x 100 years = 204,700
    # line-years; 5,000 draws of it are 1,023,500,000, beyond the 200,000,000 limit.
    path = _ranged_establishment(tmp_path)
    started = time.process_time()
    result = CliRunner().invoke(cli, [command[0], str(path), *command[1:], "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code == 1 and phrase in result.stderr and "--allow-large" in result.stderr, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out.xlsx").exists()
    assert time.process_time() - started < 5


def test_a_scenario_of_more_lines_than_the_limit_is_refused_unless_allowed(tmp_path, minimal_text):
    path = tmp_path / "long.yaml"
    path.write_text(minimal_text + "# a comment\n" * 20_001, encoding="utf-8")
    refused = CliRunner().invoke(cli, ["validate", str(path)])
    assert refused.exit_code == 1 and f"{path}:1: the file has " in refused.stderr
    assert "a scenario is at most 20,000 lines (for a file you trust, add --allow-large)" in refused.stderr
    assert CliRunner().invoke(cli, ["validate", str(path), "--allow-large"]).exit_code == 0

def test_every_amount_split_by_its_commas_is_reported_with_the_other_problems(write_scenario, minimal_text):
    """Three split amounts in one figure (1,000,000 leaving a duplicate key 000), two more in another, a
    misspelt key and a letter O: every one reported in the same run, each at its own line and path."""
    text = (minimal_text
            .replace("count: 10", "cuont: 10")
            .replace("salary: 35,000", "salary: {value: 900,000, low: 800,000, high: 1,000,000}")
            .replace("amount: 100,000", "amount: {value: 1OO,000, source: para 22}")
            + "    failure_risk:\n      annual_probability: 5%\n      cost: {value: 6,500,000, low: 3,000,000, "
              "high: 10m}\n")
    path = write_scenario(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    split = "inside { } a comma separates entries, so "
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert problems == [
        f"{path}:24: options[0].staffing[0].cuont: unknown key 'cuont'; did you mean 'count'?",
        f'{path}:25: options[0].staffing[0].salary.high: {split}1,000,000 is read as 1 followed by keys 000 and '
        f'000; quote the amount ("1,000,000") or write it without commas (1000000)',
        f'{path}:25: options[0].staffing[0].salary.low: {split}800,000 is read as 800 followed by a key 000; '
        f'quote the amount ("800,000") or write it without commas (800000)',
        f'{path}:25: options[0].staffing[0].salary.value: {split}900,000 is read as 900 followed by a key 000; '
        f'quote the amount ("900,000") or write it without commas (900000)',
        # Split, and with letters O: both said.
        f"{path}:32: options[1].non_pay[0].amount: value: expected an amount in pounds, got '1OO,000' (letter O where 0 "
        f"was meant?)",
        f'{path}:32: options[1].non_pay[0].amount.value: {split}1OO,000 is read as 1OO followed by a key 000; '
        f'quote the amount ("1OO,000") or write it without commas (1OO000)',
        f'{path}:36: options[1].failure_risk.cost.low: {split}3,000,000 is read as 3 followed by keys 000 and '
        f'000; quote the amount ("3,000,000") or write it without commas (3000000)',
        f'{path}:36: options[1].failure_risk.cost.value: {split}6,500,000 is read as 6 followed by keys 500 and '
        f'000; quote the amount ("6,500,000") or write it without commas (6500000)',
    ]


def test_an_amount_split_by_its_commas_where_a_rate_is_due_is_explained_once(write_scenario, minimal_text):
    """A figure is told once what went wrong: the reader's note on the split amount, not also 'expected a
    rate' for the 900 it was read as (the amount meant, 900,000, is not a rate either, and quoting it
    will say so on the next run)."""
    text = minimal_text.replace("pay_awards: 2%", "pay_awards: {value: 900,000}")
    line = next(number for number, written in enumerate(text.splitlines(), 1) if "900,000" in written)
    path = write_scenario(text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert problems == [
        f'{path}:{line}: assumptions.pay_awards.value: inside {{ }} a comma separates entries, so 900,000 is read '
        f'as 900 followed by a key 000; quote the amount ("900,000") or write it without commas (900000)',
    ]
