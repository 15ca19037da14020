"""Scenario file -> `Scenario`, or every problem in it with its line.

Four passes, each adding problems rather than stopping: read the bytes, parse
the YAML, check the schema, then check what refers to what across the file.
"""

from __future__ import annotations

import difflib
import os
import re
import typing
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path

from pydantic import BaseModel, ValidationError

from . import schema
from .problems import Problem, ScenarioError, format_path
from .ranges import correlation_matrix, ranged_figures, ranged_inputs
from .schema import (LINE_SECTIONS, ONE_OFF_SECTIONS, OUT_OF_CARE, PARTNERSHIP_SECTIONS, Figure, Option, Scenario,
                     slugify)
from ..limits import LARGE, RAISE, Limits, TooLarge, megabytes, read_bounded
from ..scale import without_cycle_collection
from .establishment import Establishment, EstablishmentFile, FileProblem, read_establishment
from .posts import Staffing, build_posts
from .text import text_problems
from .units import financial_year_label, financial_year_of, month_label
from .yamlread import Lines, RawRow, ReadError, decode, line_of, read_yaml, resolve_row


def load_scenario(path: str | os.PathLike, limits: Limits | None = None) -> Scenario:
    """Read and check a scenario file. Raises `ScenarioError` listing every problem.

    With `limits`, a file of more bytes or lines than they allow is refused before it is parsed;
    without, the file is still read no further than the largest limit (`--allow-large`)."""
    name = str(path)
    try:
        raw = read_bounded(path, (limits or LARGE).scenario_bytes, "a scenario", refuse_nul=True)
    except TooLarge as exc:
        raise ScenarioError([Problem(name, 1, "", str(exc))]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(name, None, "", "is a folder, not a scenario file")]) from None
    except FileNotFoundError:
        raise ScenarioError([Problem(name, None, "", "no such file")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(name, None, "", f"cannot be read: {exc.strerror or exc}")]) from None
    return load_scenario_bytes(raw, name, limits)


def peek_id(path: str | os.PathLike, limits: Limits | None = None) -> str | None:
    """A scenario's metadata id, read from the file's events up to it and no further (metadata comes
    first in a scenario); None for a file that does not give one plainly so (it is loaded to say why)."""
    from .yamlread import CParser

    if CParser is None:
        return None
    try:
        raw = read_bounded(path, (limits or LARGE).scenario_bytes, "a scenario", refuse_nul=True)
        if limits is not None and size_problem(raw, limits) is not None:
            return None
        parser = CParser(decode(raw))
        open_: list[list] = []  # each collection open: [a mapping?, a key comes next?, its key now]
        while True:
            event = parser.get_event()
            kind = type(event).__name__
            if kind in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"):
                if open_ and open_[-1][0]:
                    frame = open_[-1]
                    if frame[1]:
                        if kind != "ScalarEvent":
                            return None
                        frame[1], frame[2] = False, event.value
                        continue
                    frame[1] = True  # this is the key's value; a key comes next
                if kind == "ScalarEvent":
                    if len(open_) == 2 and open_[0][0] and open_[1][0] and open_[0][2] == "metadata" \
                            and open_[1][2] == "id":
                        # A slug is text whatever YAML makes of other scalars; anything else, the loader says.
                        value = event.value
                        plain = re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", value) and not value.isdigit() \
                            and value not in ("null", "true", "false") and event.tag is None
                        return value if plain else None
                else:
                    open_.append([kind == "MappingStartEvent", True, None])
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                open_.pop()
                if not open_:
                    return None
            elif event is None or kind in ("StreamEndEvent", "AliasEvent"):
                return None
    except Exception:  # anything unusual in the file: the loader reads it, and says what is wrong
        return None


#: Called with a file's data as read, before any of it is checked (which for a county's establishment
#: takes longer than reading it): for a limit a caller can judge from the data alone. It raises to refuse.
BeforeChecking = Callable[[object], None]


def load_scenario_text(text: str, name: str = "<scenario>", limits: Limits | None = None,
                       before_checking: BeforeChecking | None = None, folder: str | os.PathLike | None = None
                       ) -> Scenario:
    return load_scenario_bytes(text.encode("utf-8"), name, limits, before_checking, folder)


def load_scenario_bytes(raw: bytes, name: str, limits: Limits | None = None,
                        before_checking: BeforeChecking | None = None, folder: str | os.PathLike | None = None
                        ) -> Scenario:
    """A scenario from its bytes. An establishment file it names (staffing_from) is read from `folder`,
    by default the folder of the file `name`s."""
    if limits is not None:
        problem = size_problem(raw, limits)
        if problem is not None:
            raise ScenarioError([Problem(name, 1, "", problem)])
    with without_cycle_collection():
        return _load(raw, name, before_checking, folder, limits or LARGE)


def size_problem(raw: bytes, limits: Limits) -> str | None:
    """Why a scenario of these bytes is beyond the limits, before parsing any of it; None if within."""
    if len(raw) > limits.scenario_bytes:
        return (f"the file is {len(raw) / 1e6:.1f} MB; a scenario is at most {megabytes(limits.scenario_bytes)} "
                f"({RAISE})")
    lines = raw.count(b"\n") + (not raw.endswith(b"\n"))
    if lines > limits.scenario_lines:
        return f"the file has {lines:,} lines; a scenario is at most {limits.scenario_lines:,} lines ({RAISE})"
    return None


def _load(raw: bytes, name: str, before_checking: BeforeChecking | None = None,
          folder: str | os.PathLike | None = None, limits: Limits = LARGE) -> Scenario:
    try:
        text = decode(raw)
        data, lines, reading_problems = read_yaml(text, raw_staffing=True)
    except ReadError as exc:
        raise ScenarioError([Problem(name, exc.line, format_path(exc.path), exc.message)]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem(name, 1, "", "a scenario is a mapping of keys (metadata, timeline, "
                                                  "assumptions, options); this file is not")])
    if before_checking is not None:
        before_checking(data)
    # Mistakes the reader noted and read past (an amount split by its commas in { }), reported with the rest.
    problems = [Problem(name, line_of(lines, loc), format_path(loc), message) for loc, message in reading_problems]
    # The posts are read a column at a time (posts.py), apart from the rest of the file.
    folder = Path(os.path.dirname(name) if folder is None else folder)
    try:
        taken, file_problems = _take_posts(data, name, lines, folder, limits)
        unfit = text_problems(data, text, lines, name) + file_problems
        fill_ids(data)
        built = {index: _build(index, rows, found, name, lines) for index, (rows, found) in taken.items()}
    except ReadError as exc:
        # A post written on one line holding a value only YAML's full reader reads, and it cannot: the file
        # does not read, said alone, as when every post was read as YAML before anything was checked.
        raise ScenarioError([Problem(name, exc.line, format_path(exc.path), exc.message)]) from None
    # The posts' problems are the schema's, found apart: with them, as with any the schema finds, the
    # whole-file checks that need no validated model are made too.
    refused = [problem for _, post_problems in built.values() for problem in post_problems]
    # A figure whose amount was split by its commas is explained once, by the reader's note, not again
    # as 'expected a rate' for the amount it was meant to be.
    explained = {problem.path for problem in problems}
    problems += [problem for problem in refused if problem.path not in explained]
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems += [problem for problem in _schema_problems(exc, name, lines) if problem.path not in explained]
        refused = True
    if refused:
        reported = {problem.path for problem in problems}
        # Every problem in the file at once: the whole-file checks too, where the schema has not said them.
        problems += [Problem(name, line_of(lines, loc), format_path(loc), message)
                     for loc, message in _raw_problems(data) if format_path(loc) not in reported]
        raise ScenarioError(problems + unfit) from None
    _attach_lines(scenario, (), lines)
    establishments = []
    for index, (posts, _) in built.items():
        scenario.options[index].staffing = posts
        found = taken[index][1]
        if found is not None:
            establishments.append(EstablishmentFile(scenario.options[index].id, scenario.options[index].staffing_from.file,
                                                    found.sha256, len(posts)))
    found_in = {index: found for index, (_, found) in taken.items() if found is not None}
    problems += unfit + [_placed(loc, message, name, lines, found_in) for loc, message in settle(scenario)]
    if problems:
        raise ScenarioError(problems)
    scenario._establishments = establishments
    scenario._source_path = name
    scenario._source_text = text
    # The lines of the file's sections, for messages about a whole section (the model review); not
    # every post's every key, nor every post (a post's figures carry their own lines), which for a
    # county's establishment would be hundreds of thousands kept for nothing.
    scenario._source_lines = {loc: line for loc, line in lines.items()
                              if len(loc) <= SECTION_DEPTH and not (len(loc) == 4 and loc[2] == "staffing")}
    return scenario


#: How many keys deep a section's line is kept once the file is loaded (options[1].staffing is three).
SECTION_DEPTH = 4


# --------------------------------------------------------------------------- posts

def _take_posts(data: dict, name: str, lines: Lines, folder: Path, limits: Limits):
    """Each option's posts, taken out of the data to be read a column at a time: those the scenario
    lists, and those of an establishment file it names (staffing_from), read now.

    Returns {option index: (rows, the Establishment read or None)} and the problems of the files."""
    taken: dict[int, tuple[list, Establishment | None]] = {}
    problems: list[Problem] = []
    options = data.get("options")
    for index, option in enumerate(options if isinstance(options, list) else []):
        if not isinstance(option, dict):
            continue
        if "staffing_from" not in option:
            if isinstance(option.get("staffing"), list):
                taken[index] = (option["staffing"], None)
                option["staffing"] = []
            continue
        if isinstance(option.get("staffing"), list):
            # Listed as well as read from a file (a problem said below): its posts read as YAML, for the schema.
            option["staffing"] = [resolve_row(row, line_of(lines, ("options", index, "staffing", j)),
                                              ("options", index, "staffing", j))
                                  if type(row) is RawRow else row for j, row in enumerate(option["staffing"])]
        loc = ("options", index, "staffing_from")
        here = (line_of(lines, loc), format_path(loc))
        for other, words in (("staffing", "list the posts under staffing"),
                             ("staffing_same_as", "name another option's with staffing_same_as")):
            if other in option:
                problems.append(Problem(name, *here, f"{words} or read them from a file with staffing_from, not both"))
        try:
            spec = schema.StaffingFrom.model_validate(schema.file_or_mapping(option["staffing_from"]))
        except ValidationError:
            continue  # the schema says what is wrong with it, at its place
        if "staffing" in option or "staffing_same_as" in option:
            continue
        try:
            found = read_establishment(spec, folder, os.path.dirname(name), limits)
        except FileProblem as exc:
            if exc.line is not None:
                shown = os.path.normpath(os.path.join(os.path.dirname(name), spec.file))
                problems.append(Problem(shown, exc.line, "", exc.message))
            else:
                problems.append(Problem(name, *here, exc.message))
            continue
        problems += [Problem(found.shown, line, column, message) for line, column, message in found.problems]
        if not found.problems:
            taken[index] = (found.rows, found)
    return taken, problems


def _build(index: int, rows: list, found: Establishment | None, name: str, lines: Lines):
    """An option's posts (posts.py), and every problem with them at its place: the scenario's line, or
    the establishment file's line and column."""
    prefix = ("options", index, "staffing")
    if found is None:
        where = f"options[{index}].staffing"
        item_lines = [lines.get(prefix + (j,)) for j in range(len(rows))]
        # A post written over several lines has a line for each key; one written on one line in { }
        # (as a large list is) has its keys on the item's line, which the reader keeps alone.
        keyed = {loc[3:]: line for loc, line in lines.items()
                 if len(loc) == 5 and loc[2] == "staffing" and loc[:3] == prefix}
        built = build_posts(rows, item_lines, keyed, where, prefix)
        problems = [problem for j, exc in built.refused for problem in _schema_problems(exc, name, lines, prefix + (j,))]
        problems += [Problem(name, line_of(lines, prefix + (j,) + loc), format_path(prefix + (j,) + loc), message)
                     for j, loc, message in built.text]
        for j in built.by_schema:
            if built.posts[j] is not None:
                _attach_lines(built.posts[j], prefix + (j,), lines)
        return built.posts, problems
    built = build_posts(rows)
    problems = []
    for j, exc in built.refused:
        for error in exc.errors(include_url=False, include_input=False):
            loc = _clean_loc(error["loc"])
            message = ("the cell is empty, and every post has one" if error["type"] == "missing"
                       else _message(error, prefix + (j,) + loc))
            problems.append(Problem(found.shown, found.lines[j], found.column(loc[0] if loc else None, j), message))
    problems += [Problem(found.shown, found.lines[j], found.column(loc[0] if loc else None, j), message)
                 for j, loc, message in built.text]
    return built.posts, sorted(set(problems))


def _placed(loc: tuple, message: str, name: str, lines: Lines, found_in: dict) -> Problem:
    """A problem of the whole scenario at its place: for a post read from an establishment file, the
    file's line and column."""
    if len(loc) > 3 and loc[0] == "options" and loc[1] in found_in and loc[2] == "staffing" \
            and isinstance(loc[3], int):
        found = found_in[loc[1]]
        return Problem(found.shown, found.lines[loc[3]], found.column(loc[4] if len(loc) > 4 else None, loc[3]),
                       message)
    return Problem(name, line_of(lines, loc), format_path(loc), message)


# --------------------------------------------------------------------------- ids

_ID_SOURCES = {"staffing": "title", **{section: "name" for section in LINE_SECTIONS}}


def fill_ids(data: dict) -> None:
    """Give every post and line an id from its title or name where none is written."""
    options = data.get("options")
    placements = data.get("placements")
    for item in placements if isinstance(placements, list) else []:
        if isinstance(item, dict) and "id" not in item and isinstance(item.get("name"), str):
            item["id"] = slugify(item["name"])
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, dict):
            continue
        sections = [(option.get(key), label) for key, label in _ID_SOURCES.items()]
        sections.append((option.get("placement_changes"), "name"))
        partnership = option.get("partnership")
        if isinstance(partnership, dict):
            sections += [(partnership.get(section), "title" if section == "partner_posts" else "name")
                         for section in PARTNERSHIP_SECTIONS]
        for items, label in sections:
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and "id" not in item and isinstance(item.get(label), str):
                    item["id"] = slugify(item[label])


# --------------------------------------------------------------------------- schema errors

_TYPE_WORDS = {
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a mapping of keys",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long for this field; put long explanations in a note",
    "too_short": "must list at least one",
    "date_type": "expected a date such as 2017-11-09",
    "date_parsing": "expected a date such as 2017-11-09",
    "date_from_datetime_parsing": "expected a date such as 2017-11-09",
    "date_from_datetime_inexact": "expected a date such as 2017-11-09 (no time of day)",
}


def _schema_problems(exc: ValidationError, name: str, lines: Lines, prefix: tuple = ()) -> list[Problem]:
    """The schema's errors in words, each at its line; `prefix` is where the model validated is in the file."""
    errors = [(prefix + _clean_loc(e["loc"]), e) for e in exc.errors(include_url=False, include_input=False)]
    # A misspelt key (salry) is also a missing one (salary); its "did you mean" says both, once.
    misspelt = set()
    for loc, error in errors:
        if error["type"] == "extra_forbidden":
            for meant in difflib.get_close_matches(str(loc[-1]), _allowed_keys(loc[:-1]), n=1, cutoff=0.6):
                misspelt.add(loc[:-1] + (meant,))
    problems = []
    seen = set()
    for loc, error in errors:
        if error["type"] == "missing" and loc in misspelt:
            continue
        message = _message(error, loc)
        key = (loc, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(name, line_of(lines, loc), format_path(loc), message))
    return problems


#: pydantic's own steps in an error's location (a union's branch, a validator), not the YAML's keys.
_PYDANTIC_STEP = re.compile(r"^(function-(before|after|wrap|plain)|dict|list|tuple|union|tagged-union|"
                            r"nullable|default|chain|lax-or-strict|json-or-python)\[.*\]$")


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's union and validator markers, keeping the YAML path."""
    out = []
    for part in loc:
        if isinstance(part, str) and _PYDANTIC_STEP.match(part):
            continue
        if part in ("int", "float", "str", "bool", "Figure", "rate", "table", "[key]"):
            continue
        out.append(part)
    return tuple(out)


def _message(error: dict, loc: tuple) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden" and not loc:
        return "unknown key"
    if kind == "extra_forbidden" and schema.split_by_comma(loc[-1]):
        return schema.unknown_key_message(loc[-1], [])
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        return schema.unknown_key_message(loc[-1], allowed) if allowed else f"unknown key '{loc[-1]}'"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}"
    if kind == "string_pattern_mismatch":
        return "expected an id of lower-case letters, digits, '-' or '_' (e.g. in-house)"
    if kind == "too_short" and loc and loc[-1] == "options":
        return "a scenario needs at least two options"
    problem = error.get("ctx", {}).get("error", "")
    if kind == "date_from_datetime_parsing" and "outside expected range" in str(problem):
        # Written as a date, but no such day (2017-02-30) or month (2017-13-01).
        return f"no such date: the {str(problem).split()[0]} is out of range; expected a date such as 2017-11-09"
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    # Limits on plain numbers (such as timeline.years), in words rather than pydantic's "Input should be".
    ctx = error.get("ctx", {})
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys the schema accepts at `loc`, for a 'did you mean' hint."""
    model: object = Scenario
    for part in loc:
        model = _unwrap(model)
        if isinstance(part, int):
            args = typing.get_args(model)
            model = args[-1] if args else model
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(part)
            if field is None:
                return []
            model = field.annotation
        else:
            return []
    model = _unwrap(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        # As written in the file: a key that is a Python word (`from`) has its field under an alias.
        return [f.alias or k for k, f in model.model_fields.items() if k not in ("line", "unit", "precision")]
    return []


def _unwrap(annotation: object) -> object:
    """Optional[X] -> X; Annotated[X, ...] -> X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else args[0]
        else:
            return annotation


def _attach_lines(node: object, loc: tuple, lines: Lines) -> None:
    """Record on each Figure the line of the scenario file it was written on."""
    if isinstance(node, Figure):
        # Only figures written in the file get a line; defaults are shared and say their own source.
        if loc in lines:
            node.line = lines[loc]
            node.path = format_path(loc)
        elif loc and loc[-1] == "value" and loc[:-1] in lines and node.has_range:
            # A section's single ranged rate, written as {central: ..., low: ..., high: ...}.
            node.line = lines[loc[:-1]]
            node.path = format_path(loc)
        elif loc and loc[-1] == "fixed" and loc[:-1] in lines and isinstance(loc[-2], str) and loc[-2] == "uplift":
            # A contract's fixed uplift, written bare (uplift: 3%): the figure is the key as written.
            node.line = lines[loc[:-1]]
            node.path = format_path(loc[:-1])
        return
    if isinstance(node, BaseModel):
        if isinstance(node, schema.Post):
            node.month_lines.update({key: lines[loc + (key,)] for key in ("first_month", "last_month")
                                     if loc + (key,) in lines})
        for field, info in type(node).model_fields.items():
            # As the file spells the key: a Python word (`break`) has its field under an alias.
            _attach_lines(getattr(node, field), loc + (info.alias or field,), lines)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _attach_lines(item, loc + (index,), lines)
    elif isinstance(node, dict):
        for key, item in node.items():
            label = financial_year_label(key) if isinstance(key, int) and key > 1900 else key
            _attach_lines(item, loc + (label,), lines)


# --------------------------------------------------------------------------- cross-checks

def settle(scenario: Scenario) -> list[tuple[tuple, str]]:
    """Give options that name another's staffing that list, then every whole-scenario check.

    What every validated scenario goes through, whether read from a file or built in between
    two by `costmodel diff`. A broken staffing_same_as is reported beside every other problem
    (the options concerned are then checked with no posts)."""
    shared = list(_staffing_reference_problems(scenario))
    if not shared:
        _share_staffing(scenario)
    return shared + cross_check(scenario)


def cross_check(scenario: Scenario) -> list[tuple[tuple, str]]:
    """Problems no single field can see: baselines, ids, years, references."""
    out: list[tuple[tuple, str]] = []
    timeline = scenario.timeline
    first, last = timeline.first_year, timeline.first_year + timeline.years - 1
    horizon = f"{financial_year_label(first)} to {financial_year_label(last)}"

    if timeline.price_base not in (first - 1, first):
        out.append((("timeline", "price_base"),
                    f"the price base must be the first year ({financial_year_label(first)}) or the year before "
                    f"({financial_year_label(first - 1)}); got {financial_year_label(timeline.price_base)}"))

    options = scenario.options
    out.extend(_option_set_problems([option.id for option in options], [option.baseline for option in options]))
    ids_of: dict[int, dict] = {}  # the ids of a list of posts several options employ, gathered once
    for index, option in enumerate(options):
        out.extend(_check_option(option, ("options", index), first, last, horizon, ids_of))
        out.extend(_check_contract_sum(scenario, option, ("options", index, "contract_sum"), first, last, horizon))

    if timeline.price_base in (first - 1, first):
        # With a wrong price base, the rates it would need are a knock-on, not a problem of their own.
        out.extend(_check_rates(scenario, first, last))

    out.extend(_check_placements(scenario, first, last, horizon))
    out.extend(_check_contracts(scenario, first))

    option_by_id = {option.id: option for option in options}
    for index, check in enumerate(scenario.published_figures):
        out.extend(_check_published(check, ("published_figures", index), option_by_id, first, last, horizon,
                                    [placement.id for placement in scenario.placements]))
    out.extend(_check_draws(scenario))
    out.extend(_check_correlations(scenario))
    if scenario.appraisal is not None:
        out.extend(_check_appraisal(scenario.appraisal, scenario))
    return out


def _check_appraisal(appraisal, scenario: Scenario):
    """The long list, its gateway results and its scores, against each other and the costed options."""
    loc = ("appraisal",)
    for index, gateway in enumerate(appraisal.gateways):
        if gateway.envelope and scenario.assumptions.budget_envelope is None:
            yield (loc + ("gateways", index, "envelope"),
                   "the gateway is set against the budget envelope, but the scenario states none: give "
                   "assumptions.budget_envelope by year")
    for section in ("long_list", "gateways", "criteria"):
        seen: set[str] = set()
        for index, item in enumerate(getattr(appraisal, section)):
            if item.id in seen:
                yield loc + (section, index, "id"), f"id '{item.id}' is used twice in appraisal.{section}"
            seen.add(item.id)
    costed = [option.id for option in scenario.options]
    named: dict[str, int] = {}
    for index, entry in enumerate(appraisal.long_list):
        if entry.option is None:
            continue
        if entry.option not in costed:
            yield loc + ("long_list", index, "option"), _no_such("costed option", entry.option, costed)
        elif entry.option in named:
            yield (loc + ("long_list", index, "option"),
                   f"option '{entry.option}' is already long_list[{named[entry.option]}]")
        named.setdefault(entry.option, index)
    for option_id in costed:
        if option_id not in named:
            yield loc + ("long_list",), (f"costed option '{option_id}' is not on the long list; add it, with "
                                         f"option: {option_id}")

    low, high = appraisal.scale.low.value, appraisal.scale.high.value
    if low >= high:
        yield loc + ("scale",), (f"the scale's low ({schema.in_unit(low, 'number')}) must be below its high "
                                 f"({schema.in_unit(high, 'number')})")
    for index, criterion in enumerate(appraisal.criteria):
        if not 0.0 <= criterion.weight.value <= 1.0:
            yield loc + ("criteria", index, "weight"), "a weight is between 0% and 100%"
    if appraisal.criteria:
        total = sum(criterion.weight.value for criterion in appraisal.criteria)
        if abs(total - 1.0) > 5e-5:
            yield loc + ("criteria",), (f"the weights add up to {total * 100:.4g}%; they must add up to 100%")

    gateways = {gateway.id: gateway for gateway in appraisal.gateways}
    criteria = {criterion.id: criterion for criterion in appraisal.criteria}
    for index, entry in enumerate(appraisal.long_list):
        here = loc + ("long_list", index)
        for gateway_id in entry.gateways:
            gateway = gateways.get(gateway_id)
            if gateway is None:
                yield here + ("gateways", gateway_id), _no_such("gateway", gateway_id, gateways)
            elif gateway.affordability and entry.option is not None:
                yield here + ("gateways", gateway_id), (f"'{gateway_id}' is worked out from the projection for a "
                                                        f"costed option; remove the stated result")
        # Gateways are applied in order: after the first an option fails, the rest need no result.
        missing = []
        for gateway in appraisal.gateways:
            stated = entry.gateways.get(gateway.id)
            if stated is not None and stated.result == "fail":
                break
            if stated is None and not (gateway.affordability and entry.option is not None):
                missing.append(gateway.id)
        if missing:
            yield here + ("gateways",), f"no result for gateway{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        failed = [g for g, result in entry.gateways.items() if result.result == "fail"]
        if not failed and not missing and entry.option is None:
            yield here, ("passes every gateway, so it is on the shortlist, and a shortlisted option must be costed: "
                         "name its costed option with option:")
        for criterion_id, score in entry.scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                yield here + ("scores", criterion_id), _no_such("criterion", criterion_id, criteria)
            elif criterion.from_npc is not None:
                yield here + ("scores", criterion_id), (f"'{criterion_id}' is scored from net present cost; "
                                                        f"remove the stated score")
            elif not low <= score.score.value <= high:
                shown = [schema.in_unit(value, "number") for value in (score.score.value, low, high)]
                yield here + ("scores", criterion_id, "score"), (f"score {shown[0]} is off the scale "
                                                                 f"({shown[1]} to {shown[2]})")
        if failed:
            if entry.scores:
                yield here + ("scores",), (f"dropped at the gateways (fails {', '.join(failed)}), so it is not "
                                           f"scored; remove its scores")
            continue
        unscored = [c.id for c in appraisal.criteria if c.from_npc is None and c.id not in entry.scores]
        if unscored and entry.option is not None:
            yield here + ("scores",), f"no score for {', '.join(unscored)}"


#: Where a range would not be drawn in a simulation, so is refused rather than silently ignored.
_NOT_DRAWN = ("assumptions.employer_ni", "assumptions.discounting", ".profile", "published_figures", "correlations",
              "appraisal")


def _check_draws(scenario: Scenario):
    """Ranges that can be drawn, and drawn sensibly; figures sharing a draw name state one range."""
    first: dict[str, object] = {}
    for ranged in ranged_figures(scenario):
        figure = ranged.figure
        if any(part in (figure.path or "") for part in _NOT_DRAWN):
            yield (loc_of(figure.path), "a range here is not drawn in simulations (NI, discount rates, set-up "
                                         "profiles, published figures, correlations and the appraisal's weights "
                                         "and scores are fixed); give a single value")
            continue
        if figure.drawn_as == "normal" and figure.value - 3 * figure.sd < 0 and not (
                (figure.path or "").startswith(("assumptions.general_inflation", "assumptions.pay_awards",
                                                "assumptions.indices")) or ".uplift." in (figure.path or "")):
            # Costs, counts and shares cannot be negative; inflation, pay awards, indices and uplifts can.
            yield (loc_of(figure.path), "a normal distribution this wide would draw values below zero (central "
                                         "less 3 standard deviations); narrow it, or use lognormal, or low and high")
        if figure.draw is None:
            continue
        shape = (figure.unit, figure.value, figure.low, figure.high, figure.drawn_as, figure.sd)
        if figure.draw not in first:
            first[figure.draw] = (shape, figure.path)
        elif first[figure.draw][0] != shape:
            yield (loc_of(figure.path), f"draw '{figure.draw}' is also {first[figure.draw][1]}, with another range; "
                                         f"one quantity has one range")


def loc_of(path: str) -> tuple:
    """'options[1].staffing[0].salary' -> ('options', 1, 'staffing', 0, 'salary')."""
    out: list = []
    for name, index in re.findall(r"([^.\[\]]+)|\[([0-9]+)\]", path):
        out.append(int(index) if index else name)
    return tuple(out)


def _check_correlations(scenario: Scenario):
    if not scenario.correlations:
        return
    import numpy as np

    inputs = ranged_inputs(scenario)
    known = [ranged.path for ranged in inputs]
    seen = set()
    for index, pair in enumerate(scenario.correlations):
        for position, path in enumerate(pair.between):
            if path not in known:
                yield (("correlations", index, "between", position),
                       _no_such("figure with a range", path, known))
        key = frozenset(pair.between)
        if key in seen:
            yield ("correlations", index, "between"), "this pair is already correlated above"
        seen.add(key)
    if all(path in known for pair in scenario.correlations for path in pair.between):
        try:
            np.linalg.cholesky(correlation_matrix(inputs, scenario.correlations))
        except np.linalg.LinAlgError:
            yield ("correlations",), ("these correlations cannot all hold at once (the matrix is not positive "
                                      "definite); weaken some of them")


def _staffing_reference_problems(scenario: Scenario):
    """`staffing_same_as` names another option that lists its own posts."""
    by_id = {option.id: option for option in scenario.options}
    by_index = {option.id: index for index, option in enumerate(scenario.options)}
    before_go_live: dict[str, bool] = {}  # whether a list has a post only before go-live, found once a list
    for index, option in enumerate(scenario.options):
        target_id = option.staffing_same_as
        if target_id is None:
            if "staffing_transfers" in option.model_fields_set:
                yield (("options", index, "staffing_transfers"),
                       "staffing_transfers says whether the posts of another option (staffing_same_as) transfer; "
                       "this option lists its own")
            continue
        loc = ("options", index, "staffing_same_as")
        target = by_id.get(target_id)
        if option.staffing:
            yield loc, "list the posts under staffing or name another option's with staffing_same_as, not both"
        elif target is None:
            yield loc, _no_such("option", target_id, [other for other in by_id if other != option.id])
        elif target is option:
            yield loc, "an option cannot take its staffing from itself"
        elif target.staffing_same_as is not None:
            yield loc, (f"option '{target_id}' itself takes its staffing from '{target.staffing_same_as}'; "
                        f"name that option instead")
        elif not target.staffing:
            yield loc, f"option '{target_id}' lists no posts"
        elif option.staffing_transfers and target.go_live is not None:
            yield loc, (f"option '{target_id}' goes live part-way ({month_label(*target.go_live)}), so its posts are "
                        f"not employed all along and cannot transfer here at go-live; list this option's posts, "
                        f"or say staffing_transfers: false to fill the same posts from this option's go-live")
        elif target_id in before_go_live and not before_go_live[target_id]:
            continue
        elif before_go_live.setdefault(target_id, "before_go_live" in _values_of(target.staffing, "period")):
            for post_index, period in enumerate(_values_of(target.staffing, "period")):
                if period == "before_go_live":
                    yield (("options", by_index[target_id], "staffing", post_index, "period"),
                           f"a post that runs only before go-live cannot be shared with option '{option.id}' "
                           f"(staffing_same_as), which employs the posts all along or from its own go-live; list "
                           f"the posts in each option")


def _all_in_order(columns: dict, seen: Mapping, section: str, years: list, months: list, first: int,
                  last: int) -> dict | None:
    """A section's items' ids (each -> `section`) where, read a field at a time, none is used elsewhere in
    the option (`seen`) or twice among them, and every year and month is within the horizon: checked a
    whole column at once. None where something is to be said of an item."""
    ids = dict.fromkeys(columns["id"], section)
    if len(ids) != len(columns["id"]) or not seen.keys().isdisjoint(ids):
        return None
    for key in years:
        stated = [year for year in columns[key] if year is not None]
        if stated and not first <= min(stated) <= max(stated) <= last:
            return None
    for key in months:
        if any(month is not None for month in columns[key]):
            return None  # months are rare, and said of a post or two: each is looked at alone
    return ids


def _values_of(items, key: str) -> list:
    """Each item's field `key`: a list of posts read a field at a time (without making its posts)."""
    if isinstance(items, Staffing):
        return items.values_of(key)
    return [getattr(item, key) for item in items]


def _share_staffing(scenario: Scenario) -> None:
    """Give each option that says `staffing_same_as` the very list it names.

    The same objects, not copies: a post's figures are one quantity wherever they appear,
    so a simulation draws a post's salary once for every option employing it."""
    by_id = {option.id: option for option in scenario.options}
    for option in scenario.options:
        if option.staffing_same_as is not None:
            option.staffing = by_id[option.staffing_same_as].staffing


def _option_set_problems(ids: list, baselines: list) -> list[tuple[tuple, str]]:
    """Problems of the options taken together: how many, which is the baseline, ids used twice.

    Works on plain values, so it runs even when some option fails the schema."""
    out: list[tuple[tuple, str]] = []
    if len(ids) < 2:
        out.append((("options",), "a scenario needs at least two options to compare"))
    marked = [i for i, baseline in enumerate(baselines) if baseline is True]
    if not marked:
        out.append((("options",), "no option is marked baseline: true; mark the business-as-usual option"))
    for index in marked[1:]:
        out.append((("options", index, "baseline"),
                    f"only one option can be the baseline; '{ids[marked[0]]}' already is"))
    seen: set[str] = set()
    for index, option_id in enumerate(ids):
        if not isinstance(option_id, str):
            continue  # the schema reports an id that is not text
        if option_id in seen:
            out.append((("options", index, "id"), f"option id '{option_id}' is used twice"))
        seen.add(option_id)
    return out


def _raw_problems(data: dict) -> list[tuple[tuple, str]]:
    """The whole-file checks that need no validated model, for a file the schema has refused."""
    options = data.get("options")
    if not isinstance(options, list):
        return []
    ids = [option.get("id") if isinstance(option, dict) else None for option in options]
    baselines = [option.get("baseline") if isinstance(option, dict) else None for option in options]
    return _option_set_problems(ids, baselines)


def _in_horizon(year: int | None, loc: tuple, first: int, last: int, horizon: str):
    if year is not None and not first <= year <= last:
        yield loc, f"{financial_year_label(year)} is outside the horizon ({horizon})"


def _check_option(option: Option, loc: tuple, first: int, last: int, horizon: str, ids_of: dict | None = None):
    if option.go_live is not None:
        if financial_year_of(*option.go_live) > last:
            yield loc + ("go_live",), f"go-live is after the horizon ends ({financial_year_label(last)})"
    seen: MutableMapping[str, str] = {}
    for section in ("staffing",) + LINE_SECTIONS:
        shared = section == "staffing" and option.staffing_same_as is not None
        items = getattr(option, section)
        if shared:
            # Checked where listed; only its ids can clash here (its posts' ids are all there is so far).
            if ids_of is None or id(items) not in ids_of:
                ids = dict.fromkeys(_values_of(items, "id"), section)
                if ids_of is None:
                    seen = ids
                    continue
                ids_of[id(items)] = ids
            # Over the shared list's ids, not a copy of them (a county's, for each option employing it).
            seen = ChainMap({}, ids_of[id(items)])
            continue
        if not items:
            continue
        # The keys this section's items have, found once for the section (a county lists 100,000 posts),
        # and for posts without making one.
        fields = (schema.Post if isinstance(items, Staffing) else type(items[0])).model_fields
        years = [key for key in ("first_year", "last_year", "year") if key in fields
                 and not (section == "indexed_contracts" and key == "last_year")]  # a contract's term may run
        months = [key for key in ("first_month", "last_month") if key in fields]  # past the horizon
        ramps = "ramp" in fields
        one_off = section in ONE_OFF_SECTIONS
        # Read a field at a time: a county's posts are checked without making each one (posts.Staffing).
        columns = {key: _values_of(items, key) for key in ("id", *years, *months)}
        ids = None if ramps or one_off else _all_in_order(columns, seen, section, years, months, first, last)
        if ids is not None:
            # Nothing to say of any of them (as for nearly every list): their ids taken, none looked at alone.
            if seen:
                seen.update(ids)
            else:
                seen = ids
            continue
        for index, item_id in enumerate(columns["id"]):
            if item_id in seen:
                yield loc + (section, index, "id"), (f"id '{item_id}' is used twice in this option (also in "
                                                     f"{seen[item_id]}); give one of them an id")
            seen.setdefault(item_id, section)
            for key in years:
                year = columns[key][index]
                if year is not None and not first <= year <= last:
                    yield from _in_horizon(year, loc + (section, index, key), first, last, horizon)
            for key in months:
                month = columns[key][index]
                if month is not None and not first <= financial_year_of(*month) <= last:
                    yield loc + (section, index, key), f"{month_label(*month)} is outside the horizon ({horizon})"
            if not ramps and not one_off:
                continue
            item = items[index]
            item_loc = loc + (section, index)
            for year in (item.ramp or {}) if ramps else ():
                yield from _in_horizon(year, item_loc + ("ramp", financial_year_label(year)), first, last, horizon)
            if one_off:
                for index_in_list, year in enumerate(item.years or []):
                    yield from _in_horizon(year, item_loc + ("years", index_in_list), first, last, horizon)
                for year in (item.profile or {}):
                    yield from _in_horizon(year, item_loc + ("profile", financial_year_label(year)),
                                           first, last, horizon)
    partnership = option.partnership
    if partnership is not None:
        for key in ("first_year", "last_year"):
            yield from _in_horizon(getattr(partnership, key), loc + ("partnership", key), first, last, horizon)
        for sub in PARTNERSHIP_SECTIONS:
            for index, item in enumerate(getattr(partnership, sub)):
                if item.id in seen:
                    yield (loc + ("partnership", sub, index, "id"),
                           f"id '{item.id}' is used twice in this option; give one of them an id")
                seen.setdefault(item.id, sub)
    if option.failure_risk is not None:
        for key in ("first_year", "last_year"):
            yield from _in_horizon(getattr(option.failure_risk, key), loc + ("failure_risk", key), first, last, horizon)


def _check_contract_sum(scenario: Scenario, option: Option, loc: tuple, first: int, last: int, horizon: str):
    """A contract sum by year runs from the go-live year; a company's needs corporation tax rates known."""
    settlement = option.contract_sum
    if settlement is None:
        return
    live_from = financial_year_of(*option.go_live) if option.go_live is not None else first
    for year in settlement.by_year or {}:
        year_loc = loc + ("by_year", financial_year_label(year))
        if not first <= year <= last:
            yield from _in_horizon(year, year_loc, first, last, horizon)
        elif year < live_from:
            yield year_loc, (f"{financial_year_label(year)} is before go-live ({financial_year_label(live_from)}): "
                             f"until then the council runs the service and pays its costs itself")
    if settlement.by_year and first <= live_from <= last and live_from not in settlement.by_year \
            and min(settlement.by_year) > live_from:
        yield loc + ("by_year",), (f"give the contract sum for the go-live year, {financial_year_label(live_from)} "
                                   f"(its part year), and each year after in which it changes")
    if option.pays_corporation_tax and not scenario.priced_with.corporation_tax["ct_main_rate"]:
        yield loc, (f"corporation tax rates had not been announced by {scenario.priced_with.as_known_at} in parameter "
                    f"set {scenario.priced_with.set.name}; give a later as_known_at, or corporation_tax: false")


def _check_placements(scenario: Scenario, first: int, last: int, horizon: str):
    """Placement ids, the types an option's changes name, and the years their tables give."""
    ids: list[str] = []
    line_ids = {line: option.id for option in scenario.options for line in _line_ids(option)}
    for index, placement in enumerate(scenario.placements):
        loc = ("placements", index)
        if placement.id in ids:
            yield loc + ("id",), f"placement '{placement.id}' is listed twice; give one of them an id"
        elif placement.id in line_ids:
            yield loc + ("id",), (f"id '{placement.id}' is also a line of option '{line_ids[placement.id]}'; "
                                  f"give one of them another id")
        elif placement.id == OUT_OF_CARE:
            yield loc + ("id",), f"'{OUT_OF_CARE}' is where a change moves children out of care; give another id"
        ids.append(placement.id)
        by_year = placement.children_by_year or {}
        for year in by_year:
            yield from _in_horizon(year, loc + ("children_by_year", financial_year_label(year)), first, last, horizon)
        if by_year and first not in by_year:
            yield loc + ("children_by_year",), (f"the table must give the number placed in the first year "
                                                f"({financial_year_label(first)})")
    for index, option in enumerate(scenario.options):
        seen = set(_line_ids(option))
        moved: dict[str, tuple[float, bool]] = {}
        for number, change in enumerate(option.placement_changes):
            loc = ("options", index, "placement_changes", number)
            if change.id in seen or change.id in ids:
                yield loc + ("id",), f"id '{change.id}' is used twice in this option; give one of them an id"
            seen.add(change.id)
            if change.from_ not in ids:
                yield loc + ("from",), _no_such("placement", change.from_, ids)
            if change.to != OUT_OF_CARE and change.to not in ids:
                yield loc + ("to",), _no_such("placement", change.to, ids + [OUT_OF_CARE])
            elif change.to == change.from_:
                yield loc + ("to",), "the children move from and to the same placement; name where they move to"
            for year in change.ramp:
                yield from _in_horizon(year, loc + ("ramp", financial_year_label(year)), first, last, horizon)
            # Children can move out of a placement only once: changes from one placement that move more than
            # all of them would cost children who are not there, and a simulation draws up to the highs.
            ranged = change.change.high is not None
            most = change.change.high if ranged else change.change.value
            earlier, earlier_ranged = moved.get(change.from_, (0.0, False))
            moved[change.from_] = (earlier + most, earlier_ranged or ranged)
            if earlier <= _ALL_OF_THEM < earlier + most:
                yield loc + ("change",), (f"with the option's other changes from '{change.from_}', "
                                          f"{(earlier + most) * 100:.4g}% of its children would move"
                                          f"{' at their highs' if earlier_ranged or ranged else ''}; "
                                          f"at most 100% of them can move")


#: All the children placed in a type, with room for a share written as 1/3 + 2/3.
_ALL_OF_THEM = 1.0 + 1e-9


def _check_contracts(scenario: Scenario, first: int):
    """The named indices, and each contract's term, uplifts, break and the indices its clause names."""
    indices = scenario.assumptions.indices
    for name in indices:
        if name in schema.BUILT_IN_INDICES or name == "none":
            why = schema.BUILT_IN_INDICES.get(name, "no index")
            yield ("assumptions", "indices", name), (f"'{name}' is {why}, always there by that name; give this "
                                                     f"index another name")
        else:
            yield from _index_table(indices[name].value, ("assumptions", "indices", name), first)
    known = list(schema.BUILT_IN_INDICES) + [name for name in indices if name not in schema.BUILT_IN_INDICES]
    for index, option in enumerate(scenario.options):
        for number, contract in enumerate(option.indexed_contracts):
            loc = ("options", index, "indexed_contracts", number)
            starts = contract.first_year if contract.first_year is not None else first
            term = f"{financial_year_label(starts)} to {financial_year_label(contract.last_year)}"
            if contract.first_year is None and contract.last_year < first:
                yield loc + ("last_year",), (f"the term ends ({financial_year_label(contract.last_year)}) before the "
                                             f"horizon begins ({financial_year_label(first)})")
                continue
            if contract.first_uplift is not None and not starts <= contract.first_uplift <= contract.last_year:
                yield loc + ("first_uplift",), (f"{financial_year_label(contract.first_uplift)} is outside the term "
                                                f"({term})")
            if contract.break_ is not None and not starts <= contract.break_.year < contract.last_year:
                yield loc + ("break", "year"), (f"the break ({financial_year_label(contract.break_.year)}) must fall "
                                                f"within the term ({term}), before its last year, which is its end")
            uplift = contract.uplift
            if uplift.index is not None and uplift.index not in known:
                yield loc + ("uplift", "index"), _no_index(uplift.index, known)
            for name in uplift.mix or {}:
                if name not in known:
                    yield loc + ("uplift", "mix", name), _no_index(name, known)


def _no_index(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"no index '{name}'; did you mean '{close[0]}'?"
    return (f"no index '{name}': a clause follows pay, general, or an index whose rates by year are given under "
            f"assumptions.indices (given: {', '.join(known[2:]) or 'none'})")


def _index_table(value, loc: tuple, first: int):
    """A named index's table by year gives a rate from the horizon's first year (an uplift can apply then)."""
    if isinstance(value, dict) and min(value) > first:
        yield loc + ("value",), (f"the table starts at {financial_year_label(min(value))}; it must give a rate from "
                                 f"{financial_year_label(first)}, the first year of the horizon")


def _check_rates(scenario: Scenario, first: int, last: int):
    assumptions = scenario.assumptions
    needed_from = min(first, scenario.timeline.price_base)
    for key in ("general_inflation", "pay_awards"):
        value = getattr(assumptions, key).value
        if isinstance(value, dict):
            earliest = min(value)
            if earliest > max(first, scenario.timeline.price_base + 1):
                yield ((("assumptions", key, "value")),
                       f"the table starts at {financial_year_label(earliest)}; it must give a rate from "
                       f"{financial_year_label(max(first, scenario.timeline.price_base + 1))}")
    envelope = assumptions.budget_envelope
    if envelope is not None:
        # A year before the first stated has no figure to carry forward: said, never guessed.
        if min(envelope.by_year) > first:
            yield (("assumptions", "budget_envelope", "by_year"),
                   f"the envelope starts at {financial_year_label(min(envelope.by_year))}; it must give the "
                   f"budget from the horizon's first year, {financial_year_label(first)}")
        outside = [year for year in envelope.by_year if not first <= year <= last]
        if outside:
            yield (("assumptions", "budget_envelope", "by_year", outside[0]),
                   f"{financial_year_label(outside[0])} is outside the horizon "
                   f"({financial_year_label(first)} to {financial_year_label(last)})")
    rates, thresholds = assumptions.employer_ni_tables(scenario.priced_with)
    for key, table in (("rates", rates), ("thresholds", thresholds)):
        if min(table) > needed_from:
            yield (("assumptions", "employer_ni", key),
                   f"employer NI {key} are needed from {financial_year_label(needed_from)}; "
                   f"the earliest given is {financial_year_label(min(table))}")


def _check_published(check, loc: tuple, option_by_id: dict, first: int, last: int, horizon: str,
                     placements: list[str] = ()):
    option = option_by_id.get(check.option)
    if option is None:
        yield loc + ("option",), _no_such("option", check.option, option_by_id)
        return
    yield from _in_horizon(check.year, loc + ("year",), first, last, horizon)
    post_ids = [post.id for post in option.staffing]
    if check.each and check.post in post_ids:
        post = next(p for p in option.staffing if p.id == check.post)
        if post.count.value == 0:
            yield loc + ("each",), f"post '{post.id}' has a count of 0, so there is no figure per head to check"
    wanted = [check.post] if check.post else list(check.posts or [])
    for post in wanted:
        if post not in post_ids:
            yield loc + ("post" if check.post else "posts",), _no_such("post", post, post_ids, f" in option '{option.id}'")
    if check.category is not None:
        from ..lines import CATEGORIES

        if check.category not in CATEGORIES:
            yield loc + ("category",), _no_such("category", check.category, list(CATEGORIES))
        elif check.category in ONE_OFF_CATEGORIES and check.basis == "full_year":
            yield loc + ("basis",), (f"{ONE_OFF_CATEGORIES[check.category]} costs are one-off and have no "
                                     f"full-year figure; check them with basis: horizon or a year")
    if check.line is not None:
        # The scenario's placements are lines of every option; an option's changes to them, of its own.
        line_ids = _line_ids(option) + list(placements) + [change.id for change in option.placement_changes]
        if check.line not in line_ids:
            yield loc + ("line",), _no_such("line", check.line, line_ids, f" in option '{option.id}'")
        elif check.basis == "full_year" and check.line in {item.id for item in option.setup + option.exit_costs}:
            what = "set-up and transition" if check.line in {item.id for item in option.setup} else "exit and break"
            yield loc + ("basis",), (f"{what} costs are one-off and have no full-year figure; "
                                     f"check them with basis: horizon or a year")


#: The categories of one-off costs, which have no full-year figure.
ONE_OFF_CATEGORIES = {"setup_and_transition": "set-up and transition", "setup_capital": "capital set-up",
                      "exit_costs": "exit and break", "exit_capital": "capital exit and break"}


def _line_ids(option: Option) -> list[str]:
    ids = []
    for section in LINE_SECTIONS:
        ids.extend(item.id for item in getattr(option, section))
    if option.partnership is not None:
        for section in PARTNERSHIP_SECTIONS:
            ids.extend(item.id for item in getattr(option.partnership, section))
    return ids


def _no_such(what: str, name: str, known, where: str = "") -> str:
    """"no post 'x' in option 'y'; did you mean 'z'?" (the name next to the word it names)."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"no {what} '{name}'{where}; did you mean '{close[0]}'?"
    listing = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "") if known else "none"
    return f"no {what} '{name}'{where} (known: {listing})"
