"""YAML text -> plain Python data, with the line of every key and list item.

YAML 1.2 through ruamel.yaml, so `no` stays a string and `1e6` is a number.
Anchors and aliases are refused while parsing, before anything is expanded,
so an alias bomb costs nothing. Duplicate keys, merge keys (`<<`), tags
(`!!omap`, `!!int`) and a %YAML directive for any version but 1.2 are refused,
as are a control character and a whole number too long to read, each at its
line. Text shaped like a date that is not one (2017-02-30) stays text, for
the schema to report at its field.

Two readers give the same data. The fast one builds it straight from the
events of ruamel's C parser (libyaml), about thirty times faster than the
pure-Python reader, which matters for a county's establishment list of many
thousand posts. libyaml follows YAML 1.1 in a few corners (a ':' inside a
plain value in braces, as in a web address; U+2028 as a line break), so a file
it refuses, or one holding such a character, is read by the pure-Python reader,
whose data and messages are the ones a finance officer sees.

Inside { } a comma separates entries, so `{value: 900,000}` is `value: 900` and a
key `000` with no value, and `1,000,000` gives two keys `000`, a duplicate. Both
readers put such an amount back together as it was written and note the mistake
without stopping, so a file with many of them is read to its end and every one is
reported, each at its own line, beside every other problem in the file.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections.abc import Callable
from typing import NamedTuple

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError

from ..limits import LARGE
from .indentation import MISSING_COLON, diagnose as diagnose_indentation
from .units import UnitError

try:  # ruamel.yaml's C extension; without it (on PyPy, say) every file takes the pure-Python reader
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover - installed with costmodel on CPython
    try:
        from ruamel.yaml.clib._ruamel_yaml import CParser  # type: ignore[no-redef]
    except ImportError:
        CParser = None

#: The most any scenario may be, even with --allow-large (costmodel/limits.py has the usual limit):
#: refused before parsing.
MAX_BYTES = LARGE.scenario_bytes
#: Characters libyaml takes as line breaks and the pure reader, like an editor, does not: a
#: file holding one is read by the pure reader, so every line number stays the editor's.
_LIBYAML_LINE_BREAKS = ("\u2028", "\u2029", "\x85")
#: A scenario nests about eight levels deep (options, a post, a figure, a table by
#: year). Far deeper is not a scenario, and ruamel's scanner and composer slow
#: down sharply with depth (20 seconds for 10 kB of brackets), so refuse it
#: while parsing, before the slow part.
MAX_DEPTH = 30
#: Python reads a whole number of at most 4,300 digits (and longer ones in time that grows with the
#: square of their length); no figure comes near, so a longer one is refused with its line.
MAX_DIGITS = 4300

Lines = dict[tuple, int]

NO_ANCHORS = "YAML anchors and aliases (& and *) are not allowed in a scenario; write the values out"
#: `<<` merges another mapping's keys in, out of sight of the reader: a YAML 1.1 habit, refused.
NO_MERGE_KEYS = "YAML merge keys (<<) are not allowed in a scenario; write the keys out"
TOO_DEEP = f"the YAML is nested more than {MAX_DEPTH} levels deep; a scenario needs far fewer"
NOT_YAML_1_2 = "scenarios are YAML 1.2; remove the %YAML directive"


class Reading(NamedTuple):
    data: object
    lines: Lines
    #: Mistakes that did not stop the reading, each (path, message), reported with the file's other problems.
    problems: list[tuple[tuple, str]]


#: The tail of an amount split by a comma in { }: a plain key of up to three digits with no value...
_SPLIT_TAIL = re.compile(r"[0-9]{1,3}")
#: ...straight after an entry whose plain value starts as an amount does (900, £1, -1,000 once rejoined, and
#: 1OO with letters O, which the schema then reports too).
_SPLIT_HEAD = re.compile(r"[-+]?£?[0-9]\S*")
_SPLIT_TAG = "tag:costmodel,2024:split-amount"


def split_amount_message(written: str) -> str:
    """What a finance officer reads for `{value: 900,000}`: what YAML made of it, and the two ways to write it."""
    head, *tails = written.split(",")
    keys = ("a key " if len(tails) == 1 else "keys ") + " and ".join(tails)
    return (f'inside {{ }} a comma separates entries, so {written} is read as {head} followed by {keys}; '
            f'quote the amount ("{written}") or write it without commas ({written.replace(",", "")})')


class ReadError(Exception):
    """A problem found while reading the YAML: its line, and the path of the key or item it is in
    where there is one (() for one with the whole file)."""

    def __init__(self, line: int | None, message: str, path: tuple = ()):
        self.line = line
        self.message = message
        self.path = path
        super().__init__(message)


def _tag_refused(tag: object, line: int, path: tuple) -> ReadError:
    """A tag on a node: `!!merge` is a merge key in disguise; any other asks for a type or a
    constructor (`!!omap`, `!!int`, `!!python/...`) that a scenario has no use for."""
    if str(tag).endswith(":merge"):
        return ReadError(line, NO_MERGE_KEYS, path)
    written = str(tag).replace("tag:yaml.org,2002:", "!!")
    return ReadError(line, f"a YAML tag ({written}) is not allowed in a scenario; write the value plainly, "
                           "without it", path)


def _too_long(digits: int, line: int, path: tuple) -> ReadError:
    return ReadError(line, f"a whole number {digits:,} digits long is far too long for any figure; check what "
                           "was typed or pasted here", path)


def _digits_of(value: str) -> int:
    """How many decimal digits a plain scalar holds, if it is written as a whole number in base 10."""
    digits = value.replace("_", "").lstrip("+-")
    return len(digits) if digits.isdigit() else 0


def _key_text(event, resolver) -> str | None:
    """A key as the data holds it (`1_000` as 1000), for the path of a problem found while reading."""
    from ruamel.yaml.nodes import ScalarNode

    if type(event).__name__ != "ScalarEvent":
        return None
    if event.style or len(event.value) > MAX_DIGITS:
        return event.value
    try:
        return str(_plain_scalar(str(resolver.resolve(ScalarNode, event.value, (True, False))), event.value))
    except (_Unusual, ValueError):
        return event.value


def _place(frames: list[list], key: Callable[[], str | None]) -> tuple[tuple, bool]:
    """The path of the node now starting, and whether it is a mapping's key, given the collections
    open around it (each [its path, whether a key comes next (None in a list), the key awaiting its
    value, its items so far]). `key()` gives the node's text as a key (None for a collection)."""
    if not frames:
        return (), False
    frame = frames[-1]
    if frame[1] is None:
        frame[3] += 1
        return frame[0] + (frame[3] - 1,), False
    if frame[1]:
        frame[1], frame[2] = False, key()
        return (frame[0] + (frame[2],) if frame[2] is not None else frame[0]), True
    frame[1] = True
    return (frame[0] + (frame[2],) if frame[2] is not None else frame[0]), False


def decode(raw: bytes) -> str:
    """Bytes -> text, accepting a UTF-8 byte order mark and Windows line endings.

    Problems with the whole file are reported at line 1 (or the line of the bad
    byte), so that every problem has a line an editor can jump to.
    """
    if not raw.strip():
        raise ReadError(1, "the file is empty")
    if len(raw) > MAX_BYTES:
        raise ReadError(1, f"the file is {len(raw) / 1e6:.1f} MB; a scenario is at most {MAX_BYTES // (1024 * 1024)} MB")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ReadError(line, "this is not a text file (it contains NUL bytes)")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ReadError(line, f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_yaml(text: str, raw_staffing: bool = False) -> Reading:
    """Parse YAML text into dicts, lists and scalars, a map from path to line, and the mistakes
    that did not stop the reading (amounts split by a comma inside { }).

    With `raw_staffing` (the loader's), the posts of an option's staffing list written one a line may be
    given as written (`RawRow`, read by `resolve_row`): the loader reads each distinct value once."""
    if any(mark in text for mark in _LIBYAML_LINE_BREAKS):
        _refuse_separator_in_a_comment(text)
    elif CParser is not None:
        try:
            quick = _one_line_items(text)
            if quick is not None:
                try:
                    return _read_fast(*quick, raw_staffing=raw_staffing)
                except (_Unusual, YAMLError, ValueError, ReadError):
                    pass  # read as written, below, for the messages of the text itself
            return _read_fast(text)
        except (_Unusual, YAMLError, ValueError):
            # Something libyaml refuses or only the pure reader handles: it reads (or explains) it,
            # slowly for a large file, but with YAML 1.2's rules and its own messages.
            pass
    return _read_pure(text)


def _read_pure(text: str) -> Reading:
    from ruamel.yaml.resolver import VersionedResolver

    for directive in re.finditer(r"^%YAML\b[ \t]*([^\s#]*)", text, re.M):
        # A %YAML 1.1 directive would make `no` a boolean again, and ruamel stops with no line
        # at versions it does not know (1.3); scenarios are YAML 1.2.
        if directive[1] != "1.2":
            raise ReadError(text.count("\n", 0, directive.start()) + 1, NOT_YAML_1_2)
    resolver = VersionedResolver(version=(1, 2))
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    placed: dict[tuple[int, int], tuple] = {}  # (line, column) of each key and value -> its path, for _NotANumber
    try:
        frames: list[list] = []
        for event in yaml.parse(io.StringIO(text)):
            kind = type(event).__name__
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if kind in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"):
                path, is_key = _place(frames, lambda: _key_text(event, resolver))
                if kind == "ScalarEvent":
                    placed[(line, event.start_mark.column)] = path
                merge_key = is_key and kind == "ScalarEvent" and event.value == "<<" and not event.style \
                    and event.tag is None
                if merge_key:
                    raise ReadError(line, NO_MERGE_KEYS, path)
                if event.tag is not None:
                    raise _tag_refused(event.tag, line, path)
                if kind == "ScalarEvent" and not event.style and len(event.value) > MAX_DIGITS \
                        and _digits_of(event.value) > MAX_DIGITS:
                    raise _too_long(_digits_of(event.value), line, path)
            if kind == "AliasEvent" or getattr(event, "anchor", None):
                raise ReadError(line, NO_ANCHORS)
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                if len(frames) >= MAX_DEPTH:
                    raise ReadError(line, TOO_DEEP)
                frames.append([path, True if kind == "MappingStartEvent" else None, None, 0])
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                frames.pop()
        reader = YAML(typ="rt")
        reader.Constructor = _ScenarioConstructor
        document = reader.load(text)
    except _NotANumber as exc:
        raise ReadError(exc.at[0], exc.message, placed.get(exc.at, ())) from None
    except MarkedYAMLError as exc:
        raise _read_error(exc, text) from None
    except ReaderError as exc:
        # A character YAML does not allow anywhere (a control character pasted in): its line, not its offset.
        if not isinstance(exc.character, int) or not isinstance(exc.position, int):
            raise ReadError(None, "not valid YAML: " + " ".join(str(exc).split())) from None
        line = text.count("\n", 0, exc.position) + 1
        raise ReadError(line, f"this line holds the control character U+{exc.character:04X}, which YAML does not "
                              "allow (most editors do not show it); delete it", _path_on(text, line)) from None
    except YAMLError as exc:
        raise ReadError(None, "not valid YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise ReadError(None, "the YAML is nested too deeply") from None
    lines: Lines = {}
    if isinstance(document, (CommentedMap, CommentedSeq)):
        # The document's own line, for a problem such as a missing top-level key.
        lines[()] = document.lc.line + 1
    problems: list[tuple[tuple, str]] = []
    return Reading(_plain(document, (), lines, problems), lines, problems)


#: What YAML allows in a file (YAML 1.2, 5.1); anything else is refused wherever it stands.
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _path_on(text: str, line: int) -> tuple:
    """The innermost key or item on `line`, for a problem that the reader finds by its place in the
    text, not in the data: the text is read again with each character YAML refuses made a space.
    () where that does not read either (the character stood where a space changes the structure)."""
    try:
        lines = read_yaml(_NOT_PRINTABLE.sub(" ", text)).lines
    except ReadError:
        return ()
    return max((path for path, at in lines.items() if at == line), key=len, default=())


class _Unusual(Exception):
    """Something valid YAML may contain but a scenario seldom does (a tag, a second document)."""


class _NotANumber(Exception):
    """A plain value YAML's patterns take for a number that its reader cannot make one of (`0o_`, `._`),
    where it stands in the text; `_read_pure` says so at its field."""

    def __init__(self, node):
        super().__init__(node.value)
        self.value, self.at = node.value, (node.start_mark.line + 1, node.start_mark.column)

    @property
    def message(self) -> str:
        return (f"{self.value} is shaped like a number, so YAML reads it as one, but it holds no digits to read; "
                f"write the number, or put text in quotes")


class _ScenarioConstructor(RoundTripConstructor):
    """ruamel's round-trip constructor, but text shaped like a date that is not one stays text.

    `2017-02-30` would otherwise stop the reader with no line; as text, the scenario's schema
    reports it at its field and line, as it does any other date it cannot read.
    """

    def construct_yaml_timestamp(self, node, values=None):
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return node.value

    def construct_yaml_int(self, node):
        try:
            return super().construct_yaml_int(node)
        except (ValueError, IndexError):
            raise _NotANumber(node) from None

    def construct_yaml_float(self, node):
        try:
            return super().construct_yaml_float(node)
        except (ValueError, IndexError):
            raise _NotANumber(node) from None

    def construct_mapping(self, node, maptyp, deep=False):
        if node.flow_style:
            node.value = _rejoin_split_amounts(node.value)
        return super().construct_mapping(node, maptyp, deep)

    def construct_split_amount(self, node):
        return _SplitAmount(node.value)


class _SplitAmount(str):
    """An amount written with commas in { }, put back together; `_plain` reports it at its path."""


def _rejoin_split_amounts(pairs: list) -> list:
    """A flow mapping's (key, value) nodes, with each amount that its commas split joined again."""
    out: list = []
    for key_node, value_node in pairs:
        if out and _is_split_tail(key_node, value_node) and _is_split_head(out[-1][1]):
            head_key, head = out[-1]
            out[-1] = (head_key, ScalarNode(_SPLIT_TAG, f"{head.value},{key_node.value}", head.start_mark,
                                            key_node.end_mark))
        else:
            out.append((key_node, value_node))
    return out


def _is_split_tail(key_node, value_node) -> bool:
    return (isinstance(key_node, ScalarNode) and not key_node.style and _SPLIT_TAIL.fullmatch(key_node.value)
            is not None and isinstance(value_node, ScalarNode) and not value_node.style and value_node.value == "")


def _is_split_head(node) -> bool:
    return isinstance(node, ScalarNode) and not node.style and _SPLIT_HEAD.fullmatch(node.value) is not None


_ScenarioConstructor.add_constructor("tag:yaml.org,2002:timestamp", _ScenarioConstructor.construct_yaml_timestamp)
_ScenarioConstructor.add_constructor("tag:yaml.org,2002:int", _ScenarioConstructor.construct_yaml_int)
_ScenarioConstructor.add_constructor("tag:yaml.org,2002:float", _ScenarioConstructor.construct_yaml_float)
_ScenarioConstructor.add_constructor(_SPLIT_TAG, _ScenarioConstructor.construct_split_amount)


def _plain_scalar(tag: str, value: str) -> object:
    """A plain scalar's value under YAML 1.2's core schema, as ruamel's constructors give it."""
    kind = tag.rsplit(":", 1)[-1]
    if kind in ("str", "merge"):  # `<<` as a value is text (as a key, it was refused)
        return value
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    digits = value.replace("_", "")
    sign = -1 if digits[:1] == "-" else 1
    digits = digits.lstrip("+-")
    if kind == "int":
        for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
            if digits.startswith(prefix):
                return sign * int(digits[2:], base)
        return sign * int(digits)
    if kind == "float":
        if digits.lower() == ".inf":
            return sign * float("inf")
        return float("nan") if digits.lower() == ".nan" else sign * float(digits)
    if kind == "timestamp" and len(value) == 10:
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return value  # shaped like a date but not one (2017-02-30): the schema says so, at its field
    raise _Unusual  # a date and time: let the reader that always has read them say what it is


#: A list item written on one line in { } of plain keys and plain values of letters, digits and a few
#: marks (`- {id: p1, title: Social worker, fte: 0.8, salary: 34000, vacancy: 5%}`), as a large
#: establishment is written: read by a regular expression, not event by event. Anything else on the
#: line (a quote, a comment, a comma inside a value, a second space) and it is read by libyaml.
_ONE_LINE_ITEM = re.compile(r"( *)- \{(%s(?:, %s)*)\} *" % ((r"[a-z_][a-z0-9_]{0,63}: [A-Za-z0-9£](?:[A-Za-z0-9£ ._/%()+-]{0,1998}[A-Za-z0-9£._/%()+-])?",) * 2))
#: The same, found anywhere in a file's text, a line at a time.
_ONE_LINE_ITEMS = re.compile(f"^{_ONE_LINE_ITEM.pattern}$", re.M)
#: What separates a one-line item's keys from their values and its entries from each other.
_ENTRY_MARKS = re.compile(": |, ")
#: Keys that YAML reads as something other than text.
_NOT_TEXT_KEYS = frozenset(("null", "true", "false"))
#: Fewer one-line items than this and the file is read event by event as it always was.
ONE_LINE_FROM = 200
#: Stands in the text for a run of one-line items while libyaml reads the rest (a private-use
#: character: a file holding one is read as it is).
_RUN_MARK = "\ue000"
#: Lists whose items' keys need no line of their own: the loader takes an item's line for its keys.
_ITEM_LINE_ENOUGH = "staffing"


class PlainRow(dict):
    """A mapping whose text is known to hold nothing text.py refuses: a list item read from one line of
    plain keys and values (`_one_line_items`: letters, digits and a few marks), or a row of an
    establishment file whose whole text was checked at once."""


class RawRow(dict):
    """A one-line list item's keys and its values as written, not yet read as YAML (`_one_line_items`):
    the posts of an option's staffing list, handed to the loader as they are (`read_yaml(raw_staffing=
    True)`), so that each distinct value is read once for what a post makes of it (posts.py), not first
    as YAML and again as a figure. `resolve_row` reads one as YAML."""

    __slots__ = ("scalars",)  # the file's plain values, each read once (_PlainValues)


def resolve_row(row: RawRow, line: int | None = None, path: tuple = ()) -> dict:
    """A one-line item as YAML reads it: each value by YAML 1.2's rules, read once for the whole file; an item
    holding a value those rules leave to the full reader (`0o_`) read by it, a problem said at `line` and `path`."""
    try:
        return PlainRow(zip(row, map(row.scalars.__getitem__, row.values())))
    except _Unusual:
        pass
    try:
        return _read_pure("- {" + ", ".join(f"{key}: {value}" for key, value in row.items()) + "}\n").data[0]
    except ReadError as exc:
        raise ReadError(line, exc.message, path + tuple(exc.path[1:])) from None


def as_yaml(row: RawRow, value: str, unread: object = None) -> object:
    """A value of `row` as written, as YAML reads it; `unread` where only the full reader can (`0o_`)."""
    try:
        return row.scalars[value]
    except _Unusual:
        return unread


def plain_text(row: RawRow, value: str) -> bool:
    """Whether a value of `row` as written is text to YAML, and so the very text written."""
    return type(as_yaml(row, value)) is str


class _PlainValues(dict):
    """Each distinct plain value of the one-line items -> what YAML 1.2 reads it as, read once, by ruamel's
    own rules for it (`versioned_resolver`: each first character's patterns) without its resolver's
    per-call work: a county's posts have tens of thousands of distinct titles and salaries."""

    def __init__(self, by_first: dict):
        super().__init__()
        self.by_first = by_first
        # YAML 1.2 reads a plain value as anything but text only by patterns chosen by its first character
        # (true, null, a digit); most titles and every id start with none of those.
        self.text_first = None not in by_first
        # Each first character's patterns as one, where they can be (the same flags): a value none of them
        # matches is text, found in one match, not one for each (a county's titles starting T or F).
        self.any_of = {}
        for first, patterns in by_first.items() if self.text_first else ():
            flags = {pattern.flags for _, pattern in patterns}
            if len(flags) == 1:
                self.any_of[first] = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in patterns),
                                                flags.pop())

    def __missing__(self, value: str) -> object:
        if self.text_first and value[0] not in self.by_first:
            return value
        any_of = self.any_of.get(value[0])
        if any_of is not None and any_of.match(value) is None:
            return value
        patterns = self.by_first.get(value[0], []) + self.by_first.get(None, [])
        tag = next((tag for tag, pattern in patterns if pattern.match(value)), "tag:yaml.org,2002:str")
        try:
            self[value] = _plain_scalar(tag, value)
        except ValueError:
            raise _Unusual from None
        return self[value]


class _Run(NamedTuple):
    line: int
    rows: list


def _one_line_items(text: str) -> tuple[str, list[_Run]] | None:
    """The text with each run of one-line items (at one indentation, line after line) put as one
    marked item and blank lines, and the items of each run read; None where there are too few."""
    if text.count("- {") < ONE_LINE_FROM or _RUN_MARK in text:
        return None
    from .text import EXCEL_UNDERSCORE  # a line holding it is text.py's to report, at its key

    from ruamel.yaml.resolver import VersionedResolver

    read = _PlainValues(VersionedResolver(version=(1, 2)).versioned_resolver)
    keys: dict[str, str] = {}
    # Every one-line item of the file, found in one pass over its text; its line counted from the last one's.
    pieces: list[str] = []
    runs: list[_Run] = []
    indent, after, counted, number, last = None, 0, 0, 0, -2
    underscore = EXCEL_UNDERSCORE in text
    split, interned, count = _ENTRY_MARKS.split, keys.setdefault, text.count
    for match in _ONE_LINE_ITEMS.finditer(text):
        start = match.start()
        # No item holds a line break, and one starts a line: the line after the last one read is one on.
        number += 1 if start == counted + 1 else count("\n", counted, start)
        counted = match.end()
        if underscore and EXCEL_UNDERSCORE in match[0]:
            continue
        # Each entry is `key: value`, neither holding ':' or ',' (the pattern says so).
        written = split(match[2])
        names = written[::2]
        # Each key as the first item to write it wrote it: one string for a county's posts, not one a post. The
        # values as written: read as YAML where the item is placed (_read_fast), or by the loader (a post).
        row = RawRow(zip(map(interned, names, names), written[1::2]))
        if len(row) * 2 != len(written) or not _NOT_TEXT_KEYS.isdisjoint(row):
            continue  # a key written twice (the reader says so), or one YAML reads as true or null
        row.scalars = read
        pieces.append(text[after:start])
        after = counted
        if last == number - 1 and indent == match[1]:
            runs[-1].rows.append(row)
        else:
            indent = match[1]
            runs.append(_Run(number + 1, [row]))
            pieces.append(f"{indent}- {_RUN_MARK}{len(runs) - 1}")
        last = number
    if sum(len(run.rows) for run in runs) < ONE_LINE_FROM:
        return None
    pieces.append(text[after:])
    return "".join(pieces), runs


def _read_fast(text: str, runs: list[_Run] | None = None, raw_staffing: bool = False) -> Reading:
    """The same data, lines and problems as `_read_pure`, built from libyaml's events in one pass.

    With `runs`, the text is one `_one_line_items` made: each marked item is its run's items, read as
    YAML, but for those of an option's staffing list with `raw_staffing`, which are left as written
    (`RawRow`) for the loader to read."""
    from ruamel.yaml.resolver import VersionedResolver

    resolver = VersionedResolver(version=(1, 2))
    resolved: dict[str, object] = {}
    expanded = 0

    def expand(frame: list, event) -> None:
        """A run's items in place of its mark, each at its line."""
        nonlocal expanded
        value = event.value
        if event.style or not isinstance(frame[0], list) or not value[1:].isdigit() or int(value[1:]) >= len(runs):
            raise _Unusual  # the mark where no item of a list is (in a block of text, say)
        run = runs[int(value[1:])]
        if event.start_mark.line + 1 != run.line:
            raise _Unusual
        container, path = frame[0], frame[1]
        keys_too = not path or path[-1] != _ITEM_LINE_ENOUGH
        raw = raw_staffing and len(path) == 3 and path[0] == "options" and path[2] == "staffing"
        for offset, row in enumerate(run.rows):
            item = path + (len(container),)
            lines[item] = run.line + offset
            if keys_too:
                for key in row:
                    lines[item + (key,)] = run.line + offset
            container.append(row if raw else resolve_row(row, run.line + offset, item))
        expanded += 1

    def scalar(event, path: tuple) -> object:
        if event.anchor is not None:
            raise ReadError(event.start_mark.line + 1, NO_ANCHORS)
        if event.tag is not None:
            raise _tag_refused(event.tag, event.start_mark.line + 1, path)
        if event.style:  # quoted, literal or folded: text as written
            return event.value
        value = event.value
        if len(value) > MAX_DIGITS and _digits_of(value) > MAX_DIGITS:
            raise _too_long(_digits_of(value), event.start_mark.line + 1, path)
        if value not in resolved:
            resolved[value] = _plain_scalar(str(resolver.resolve(ScalarNode, value, (True, False))), value)
        return resolved[value]

    def plain(event) -> bool:
        return type(event).__name__ == "ScalarEvent" and not event.style and event.tag is None \
            and event.anchor is None

    def head_text(previous) -> str | None:
        """The last entry's value as written, if it can be the head of an amount split by its commas."""
        if previous is None:
            return None
        value = previous[1]
        if isinstance(value, str):  # an amount already joined again (1,000 before a second 000)
            return value
        return value.value if plain(value) and _SPLIT_HEAD.fullmatch(value.value) else None

    def add_key(frame: list, event) -> None:
        # A key: plain text, a number or a year; anything else the pure reader explains.
        if event.value == "<<" and not event.style and event.tag is None:
            raise ReadError(event.start_mark.line + 1, NO_MERGE_KEYS, frame[1] + ("<<",))
        key = scalar(event, frame[1] + (_key_text(event, resolver),))
        if not isinstance(key, (str, int, float)) or isinstance(key, bool):
            raise _Unusual
        key_text = str(key)
        container, path = frame[0], frame[1]
        if key_text in container:
            raise ReadError(event.start_mark.line + 1, "not valid YAML: " + _duplicate_key(key_text))
        lines[path + (key_text,)] = event.start_mark.line + 1
        frame[2] = key_text

    parser = CParser(text)
    lines: Lines = {}
    splits: dict[tuple, str] = {}
    # Each open collection: [container, its path, the key waiting for its value (mappings),
    # whether it is written in { }, (key, scalar event or joined amount) of its last entry if a scalar].
    stack: list[list] = []
    root = None
    documents = 0
    while True:
        event = parser.get_event()
        kind = type(event).__name__
        if kind == "ScalarEvent" or kind in ("MappingStartEvent", "SequenceStartEvent"):
            frame = stack[-1] if stack else None
            if runs is not None and kind == "ScalarEvent" and _RUN_MARK in event.value:
                if frame is None:
                    raise _Unusual
                expand(frame, event)
                continue
            if frame is not None and isinstance(frame[0], dict):
                pending = frame[2]
                if pending is None:
                    if kind != "ScalarEvent":
                        raise _Unusual
                    if frame[3] and event.value.isdigit() and plain(event) and _SPLIT_TAIL.fullmatch(event.value) \
                            and head_text(frame[4]) is not None:
                        frame[2] = event  # a split amount's tail if no value follows; a key if one does
                        continue
                    add_key(frame, event)
                    continue
                if not isinstance(pending, str):
                    if plain(event) and event.value == "":
                        head_key = frame[4][0]
                        joined = f"{head_text(frame[4])},{pending.value}"
                        frame[0][head_key] = joined
                        frame[4] = (head_key, joined)
                        frame[2] = None
                        splits[frame[1] + (head_key,)] = joined
                        continue
                    add_key(frame, pending)  # digits with a value after them: a key after all
            if frame is None:
                path = ()
            elif isinstance(frame[0], dict):
                path = frame[1] + (frame[2],)
            else:
                path = frame[1] + (len(frame[0]),)
            if kind == "ScalarEvent":
                value = scalar(event, path)
            else:
                if event.anchor is not None:
                    raise ReadError(event.start_mark.line + 1, NO_ANCHORS)
                if event.tag is not None:
                    raise _tag_refused(event.tag, event.start_mark.line + 1, path)
                if len(stack) >= MAX_DEPTH:
                    raise ReadError(event.start_mark.line + 1, TOO_DEEP)
                value = {} if kind == "MappingStartEvent" else []
            if frame is None:
                root = value
                lines[()] = event.start_mark.line + 1
            else:
                container, key = frame[0], frame[2]
                if isinstance(container, dict):
                    container[key] = value
                    frame[2] = None
                    if frame[3]:  # in { }: the head of an amount its commas split, if a tail follows
                        frame[4] = (key, event) if kind == "ScalarEvent" else None
                else:
                    lines[path] = event.start_mark.line + 1
                    container.append(value)
            if kind != "ScalarEvent":
                stack.append([value, path, None, kind == "MappingStartEvent" and bool(event.flow_style), None])
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()
        elif kind == "AliasEvent":
            raise ReadError(event.start_mark.line + 1, NO_ANCHORS)
        elif kind == "DocumentStartEvent":
            documents += 1
            if documents > 1 or getattr(event, "version", None) is not None:
                raise _Unusual
        elif kind == "StreamEndEvent" or event is None:
            break
    if not isinstance(root, (dict, list)) or (runs is not None and expanded != len(runs)):
        raise _Unusual
    return Reading(root, lines, [(path, split_amount_message(written)) for path, written in splits.items()])


def _read_error(exc: MarkedYAMLError, text: str) -> ReadError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    problem = (exc.problem or "not valid YAML").strip()
    if "quoted scalar" in (exc.context or "") and "end of stream" in problem and exc.context_mark is not None:
        # The reader only gives up at the end of the file; the quote was opened here.
        line = exc.context_mark.line + 1
        problem = "a quotation mark on this line is never closed"
    elif "duplicate key" in problem or type(exc).__name__ == "DuplicateKeyError":
        problem = _duplicate_message(str(exc))
    elif "\\t" in problem and mark is not None:  # ruamel: found character '\\t' that cannot start any token
        if text.split("\n")[mark.line][: mark.column].strip(" \t"):
            problem = f"a tab character in column {mark.column + 1}, where YAML needs a space; type a space instead"
        else:
            problem = "this line is indented with a tab character; indent YAML with spaces"
    elif line is not None and (found := diagnose_indentation(text, line)) is not None:
        # The parser's words (expected <block end>, but found '?') are for YAML's authors, and its line is
        # often the one after the mistake: say which line is out of line with what, in plain words.
        line, problem = found
    elif "mapping values are not allowed" in problem or ("expected ','" in problem and "':'" in problem):
        problem += "; text that contains ': ' must be in quotes"
    elif "could not find expected ':'" in problem and "simple key" in (exc.context or "") and exc.context_mark:
        # The parser notices on the next line; the text without its ':' is on the line the key began.
        line = exc.context_mark.line + 1
        problem = MISSING_COLON
    return ReadError(line, f"not valid YAML: {problem}")


_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")
_SEPARATOR_NAMES = {"\u2028": "a line separator", "\u2029": "a paragraph separator", "\x85": "a next-line character"}


def _refuse_separator_in_a_comment(text: str) -> None:
    """A line separator in a comment, refused at its line before the file is parsed.

    YAML ends a comment at U+2028 (YAML 1.1's rule, which ruamel keeps) though an editor shows no
    break there, so the rest of the comment would be read as YAML: at best a parser's error that
    says nothing of why, at worst a key (`# was 5% <U+2028> vacancy: 50%`) that nobody sees.
    In a value a separator is only text, and is kept.
    """
    for number, text_of_line in enumerate(text.split("\n"), start=1):
        if not any(mark in text_of_line for mark in _LIBYAML_LINE_BREAKS):
            continue
        comment = re.search(r"(?:^|[ \t])#", text_of_line)
        for at, character in enumerate(text_of_line, start=1):
            if character in _SEPARATOR_NAMES and comment is not None and at > comment.end():
                raise ReadError(number, f"this line holds U+{ord(character):04X}, {_SEPARATOR_NAMES[character]} "
                                        f"(character {at}), in a comment, often pasted in from a word processor: YAML "
                                        "ends the comment there, though an editor shows no break, and would read the "
                                        "rest as YAML; replace it with a space",
                                _path_on(_LINE_SEPARATORS.sub(" ", text), number))


def _duplicate_message(text: str) -> str:
    import re

    match = re.search(r'found duplicate key "([^"]*)"', text)
    return _duplicate_key(match[1]) if match else "duplicate key"


def _duplicate_key(key: str) -> str:
    if key.isdigit() and len(key) <= 3:
        return (f'duplicate key "{key}": inside {{ }} a comma separates entries, so an amount such as '
                f'1,300,000 there must be quoted ("1,300,000") or written without commas')
    return f'duplicate key "{key}"'


def _plain(node: object, path: tuple, lines: Lines, problems: list) -> object:
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                raise ReadError(node.lc.line + 1, f"a key must be plain text, got {key!r}")
            line = node.lc.key(key)[0] + 1
            key_text = str(key)
            lines[path + (key_text,)] = line
            out[key_text] = _plain(value, path + (key_text,), lines, problems)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for index, value in enumerate(node):
            lines[path + (index,)] = node.lc.item(index)[0] + 1
            out_list.append(_plain(value, path + (index,), lines, problems))
        return out_list
    if isinstance(node, _SplitAmount):
        problems.append((path, split_amount_message(str(node))))
        return str(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, TaggedScalar) and str(node.tag).endswith(":merge"):
        return node.value  # `<<` in a value's place: YAML 1.2 text (as a key it was refused while parsing)
    return node


def line_of(lines: Lines, loc: tuple) -> int | None:
    """The line of `loc`, or of its nearest ancestor that has one (the document itself, last)."""
    loc = tuple(loc)
    while True:
        if loc in lines:
            return lines[loc]
        if not loc:
            return None
        loc = loc[:-1]


__all__ = ["ReadError", "Reading", "UnitError", "decode", "read_yaml", "line_of", "Lines", "MAX_BYTES",
           "split_amount_message"]
