"""A list of posts -> `Staffing`, read a field at a time: a county's establishment in under a second.

A post the schema would accept as written, plain figures and text, is checked here by the schema's
own parts (its figure readers, its limits, its slug and its text rules), each distinct value once
for the whole list (a county's 100,000 posts have a few hundred distinct counts, FTEs and rates),
and its `Post` is made only when something asks for it (`Staffing`); what checking and projecting
need of the list is read from the rows. A post written on one line of the scenario comes as written
(`yamlread.RawRow`): each distinct value is read once, as YAML and then as the figure. Any other post
(a figure with a range or a source, pay progression, months, a mistake of any kind) goes through the
schema in full, so every problem is the schema's own message, at its own place. Both ways give the
same post; tests/scenario/test_establishment.py holds them to it.
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from pydantic import ValidationError

from .schema import POST_LIMITS, Figure, Period, Post, Slug, figure_reader, read_financial_year, slugify
from .text import ONE_LINE, walk_text as _walk_text, why_unfit as _wrong
from .units import parse_amount, parse_number, parse_rate
from .yamlread import PlainRow, RawRow, as_yaml, plain_text, resolve_row

#: The figures of a post read here, each with its reader: the schema's Amount, Rate and Number are these.
_FIGURES = {
    "count": figure_reader("number", parse_number),
    "fte": figure_reader("number", parse_number),
    "salary": figure_reader("pounds", parse_amount),
    "agency_share": figure_reader("rate", parse_rate),
    "agency_premium": figure_reader("rate", parse_rate),
    "vacancy": figure_reader("rate", parse_rate),
    "on_costs": figure_reader("pounds", parse_amount),
    "on_cost_rate": figure_reader("rate", parse_rate),
}
#: Every key a post may have that this path reads; a post with any other goes through the schema.
_TEXT = ("id", "title", "source", "note")
FAST_KEYS = frozenset(_FIGURES) | frozenset(_TEXT) | {"first_year", "last_year", "period"}
_PERIODS = frozenset(typing.get_args(Period))
#: schema.Slug's pattern (matched whole, as pydantic's ^...$).
_SLUG = re.compile(next(m.pattern for m in typing.get_args(Slug)[1].metadata if getattr(m, "pattern", None)))
_TITLE_MOST = next(m.max_length for m in Post.model_fields["title"].metadata if hasattr(m, "max_length"))
#: A character that text.py may refuse: only text holding one is looked at closely.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
#: Keys of a Post's figures that may be absent, and the default each then takes.
_DEFAULTED = ("count", "fte", "agency_share", "agency_premium", "vacancy")
_FIELDS = tuple(Post.model_fields)
_set = object.__setattr__


class Staffing(Sequence):
    """An option's posts, each made as a `Post` only when something asks for it.

    A county lists 100,000 posts. Made at once, with a `Figure` of its own for each written figure
    (it carries its line and path, which the workbook and `import` cite), they were some 490,000
    objects and took longer than projecting them. What checking and projecting a list need of it is
    read straight from the rows as written (`values_of`): each post's id, period, years and the value
    of each figure. A post is made, exactly as the schema would make it, when it is asked for by index
    or by iterating, and kept: the same post is the same object every time it is asked for.

    Not a `list`: code that reads a list's storage directly (list equality, `copy`, pydantic's
    serializer) would see posts not made yet as missing. Everything here goes through `__getitem__`.
    """

    __slots__ = ("_posts", "_rows", "_make", "_values", "_made", "by_schema")
    __hash__ = None  # a list of posts is compared by its posts, as a list is

    def __init__(self, posts: Iterable = (), by_schema: Iterable[int] | None = None, rows: list | None = None,
                 make=None):
        #: Each post, or None where it is not made yet.
        self._posts = list(posts)
        #: For a post not made yet, what it is made of: (the row as written, its figures as read).
        self._rows = rows
        self._make = make  # (index, row, figures read) -> the Post
        self._values: dict[str, tuple] = {}  # each field of the rows read so far (values_of)
        #: Where the posts made so far are: their fields are read from them, as they are now.
        self._made = [index for index, post in enumerate(self._posts) if post is not None]
        #: The indices of posts the schema made in full (every post, unless told): only they can give a
        #: figure a range.
        self.by_schema = tuple(range(len(self._posts)) if by_schema is None else by_schema)

    def __len__(self) -> int:
        return len(self._posts)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._posts)))]
        post = self._posts[index]
        if post is None:
            index = range(len(self._posts))[index]  # a negative index, counted from the end
            if self._rows is None or self._rows[index] is None:
                return None  # a post the schema refused: the loader reports it, and goes no further
            row, figures = self._rows[index]
            post = self._posts[index] = self._make(index, row, figures)
            self._rows[index] = None
            self._made.append(index)
        return post

    def __iter__(self) -> Iterator:
        for index, post in enumerate(self._posts):
            yield self[index] if post is None else post

    def __eq__(self, other) -> bool:
        if isinstance(other, Staffing):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        if isinstance(other, list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"Staffing({list(self)!r})"

    def __copy__(self) -> Staffing:
        return Staffing(list(self), self.by_schema)

    def __deepcopy__(self, memo: dict) -> Staffing:
        return Staffing(copy.deepcopy(list(self), memo), self.by_schema)

    def __reduce__(self):
        return Staffing, (list(self), self.by_schema)

    def ranged_candidates(self) -> list:
        """The posts that can give a figure a range: a walk looking for ranges (ranges.py) looks at them
        alone, not at a county's every post."""
        return [self[index] for index in self.by_schema if index < len(self)]

    @classmethod
    def of(cls, posts) -> Staffing:
        """`posts` as a Staffing: an option's posts given as a plain list (by assignment, which the schema
        does not check) are taken as they are."""
        return posts if isinstance(posts, Staffing) else cls(posts)

    def values_of(self, name: str) -> tuple:
        """Each post's field `name`: a figure's value (None where the post has none), any other field as
        the post holds it. A post not made yet is read from its row, each field once (a row does not
        change); a post made is read as it is now, changed or not since, as a list of posts would be."""
        from_rows = self._values.get(name)
        if from_rows is None:
            from_rows = self._values[name] = self._from_rows(name)
        if not self._made:
            return from_rows
        out = list(from_rows)
        posts = self._posts
        for index in self._made:
            out[index] = _field(posts[index], name)
        return tuple(out)

    def _from_rows(self, name: str) -> tuple:
        """Field `name` of each post not made yet, read from its row (None for the others)."""
        rows = self._rows or [None] * len(self._posts)
        if name in _FIGURE_AT:
            at, default = _FIGURE_AT[name], _DEFAULT_VALUES.get(name)
            return tuple(None if row is None else default if row[1][at] is None else row[1][at]["value"]
                         for row in rows)
        if name in _YEARS:
            at = name == "last_year"
            return tuple(None if row is None else row[1][-1][at] for row in rows)
        if name == "period":
            return tuple(None if row is None else row[0].get("period", "after_go_live") for row in rows)
        if name in _TEXT:
            return tuple(None if row is None else row[0].get(name) for row in rows)
        return (None,) * len(rows)  # what a post read from its row never has: months, a scale


def _field(post: Post | None, name: str):
    """A made post's field, a figure by its value; nothing for a post the schema refused."""
    value = None if post is None else getattr(post, name)
    return value.value if isinstance(value, Figure) else value


@dataclass
class Built:
    """What a list of posts came to: the posts (None where one failed), and each failure."""

    posts: list
    #: (index of the post, the schema's error): the loader puts each in words, at its place.
    refused: list[tuple[int, ValidationError]] = field(default_factory=list)
    #: (index, where in the post (a path of keys), message): text a workbook could not hold (text.py's rules).
    text: list[tuple[int, object, str]] = field(default_factory=list)
    #: Indices of the posts made by the schema in full: only they can have a figure with a range.
    by_schema: list[int] = field(default_factory=list)


#: A figure read here, before its line and path: every other field as the schema leaves it.
_FIGURE_BLANK = {"value": 0.0, "unit": "", "low": None, "high": None, "distribution": None, "sd": None, "draw": None,
                 "source": None, "note": None, "precision": None, "line": None, "path": None}
_WRITTEN = frozenset(("value", "unit", "precision"))
_PLACED = frozenset(("value", "unit", "precision", "line", "path"))


class _Values:
    """Each distinct value of a key read once: (key, type, value) -> the figure's fields, or None if refused."""

    def __init__(self):
        self.seen: dict = {}
        #: The figure made of each value read (by the id of what it read as), where a figure has no line.
        self.shared: dict = {}
        # The fields a figure or a post was given, one set for all that were given the same: a county's posts
        # have a few dozen such sets, not hundreds of thousands (about a third of their memory). pydantic
        # copies the set when it copies a model, and changes it only when a field is assigned, as nothing
        # does to a loaded post's figures or to the post.
        self.placed = set(_PLACED)
        self.written = set(_WRITTEN)
        self.keys: dict[tuple, set] = {}
        self.shapes: dict[tuple, _Shape | None] = {}  # each set of keys written, in order -> its shape
        #: For each figure and year, what each of its values as written (RawRow) reads as, or None if refused.
        self.written_as: dict[str, dict] = {key: {} for key in (*_FIGURE_KEYS, *_YEARS)}

    def shape_of(self, keys: tuple) -> _Shape | None:
        """The shape of a post writing `keys` (`_shape`), found once for each set of keys."""
        try:
            return self.shapes[keys]
        except KeyError:
            shape = self.shapes[keys] = _shape(keys)
            return shape

    def keys_of(self, row: dict) -> set:
        written = tuple(row)
        found = self.keys.get(written)
        if found is None:
            found = self.keys[written] = set(written)
        return found

    def figure(self, key: str, raw: object):
        if not isinstance(raw, (int, float, str)) or isinstance(raw, bool):
            return None  # a figure written as a mapping (with a source or a range): the schema reads it
        read = None
        try:
            values = _FIGURES[key](raw)
        except (ValueError, TypeError):
            values = None
        if values is not None:
            low, high = POST_LIMITS[key][:2]
            value = values["value"]
            if isinstance(value, float) and low <= value <= high:
                read = dict(_FIGURE_BLANK, value=value, unit=values["unit"], precision=values["precision"])
        self.seen[(key, type(raw), raw)] = read
        return read

    def year(self, raw: object):
        if not isinstance(raw, (int, str)) or isinstance(raw, bool):
            return None
        cache_key = ("year", type(raw), raw)
        try:
            return self.seen[cache_key]
        except KeyError:
            pass
        read = None
        try:
            read = read_financial_year(raw)
        except (ValueError, TypeError):
            read = None
        self.seen[cache_key] = read
        return read


def _made(values: dict, fields_set: set) -> Figure:
    figure = object.__new__(Figure)
    _set(figure, "__dict__", values)
    _set(figure, "__pydantic_fields_set__", fields_set)
    _set(figure, "__pydantic_extra__", None)
    _set(figure, "__pydantic_private__", None)
    return figure


def build_posts(rows: list, item_lines: list | None = None, key_lines: dict | None = None,
                where: str | None = None, place: tuple = ()) -> Built:
    """Each row (a post as a mapping of its keys) -> a `Post`, checked here and made when first asked
    for (`Staffing`), or made by the schema now.

    `item_lines` are the lines each post was written on in the scenario (None for posts read from an
    establishment file, whose figures have no line of the scenario), `key_lines` the lines of posts
    whose keys are on lines of their own ({(index, key): line}), and `where` the list's path (`place` as
    a path of keys, for a problem found reading a post as YAML); the schema's posts are given theirs by
    the loader."""
    values = _Values()
    # A figure not written is the schema's default, one for every post of the list (never changed once made).
    blank = _POST_BLANK | {key: Post.model_fields[key].default.model_copy(deep=True) for key in _DEFAULTED}
    built = Built([None] * len(rows))
    unmade: list = [None] * len(rows)
    keys_checked: set = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            if isinstance(row, str) and _wrong(row, one_line=False):
                built.text.append((index, (), _wrong(row, one_line=False)))
            built.by_schema.append(index)
            _by_schema(built, index, row)
            continue
        if type(row) is RawRow:
            figures = _accepted_as_written(row, values)
            if figures is not None:
                unmade[index] = (row, figures)
                continue
            # Something this path does not read as written: the post read as YAML, and on as any other.
            row = rows[index] = resolve_row(row, item_lines[index] if item_lines else None, place + (index,))
        for key, value in row.items() if type(row) is not PlainRow else ():
            if key not in keys_checked:
                if isinstance(key, str):
                    wrong = _wrong(key, one_line=True, what="a key")
                    if wrong:
                        built.text.append((index, (key,), "the key " + wrong))
                        continue
                keys_checked.add(key)
            if type(value) is str:
                if _SUSPECT.search(value) is not None:
                    wrong = _wrong(value, one_line=key in ONE_LINE)
                    if wrong:
                        built.text.append((index, (key,), wrong))
            elif isinstance(value, (dict, list)):
                built.text += [(index, loc, message) for loc, message in _walk_text(value, (key,))]
        if "id" not in row and isinstance(row.get("title"), str):
            row["id"] = slugify(row["title"])
        figures = _accepted(row, values)
        if figures is None:
            built.by_schema.append(index)
            _by_schema(built, index, row)
        else:
            unmade[index] = (row, figures)

    def make(index: int, row: dict, figures: tuple) -> Post:
        line = item_lines[index] if item_lines is not None else None
        return _direct(row, figures, index, values, blank, line, key_lines, where)

    built.posts = Staffing(built.posts, built.by_schema, unmade, make)
    return built


def _by_schema(built: Built, index: int, row: object) -> None:
    try:
        built.posts[index] = Post.model_validate(row)
    except ValidationError as exc:
        built.refused.append((index, exc))


#: A post made here before its own fields: every field as the schema leaves one not written.
_POST_BLANK = {key: None for key in _FIELDS} | {"period": "after_go_live"}
_FIGURE_KEYS = ("count", "fte", "salary", "agency_share", "agency_premium", "vacancy", "on_costs", "on_cost_rate")
#: Where each figure's reading is in what `_accepted` returns (its first year and last year come last).
_FIGURE_AT = {key: at for at, key in enumerate(_FIGURE_KEYS)}
_YEARS = ("first_year", "last_year")
#: The value of each figure a post may leave out, as the schema's default gives it.
_DEFAULT_VALUES = {key: Post.model_fields[key].default.value for key in _DEFAULTED}


class _Shape(NamedTuple):
    """What a set of keys (a post's, in the order written) says before any value is looked at."""

    #: Each figure's key written, with where its reading goes in what `_accepted` returns.
    figures: tuple[tuple[int, str], ...]
    texts: tuple[str, ...]  # source and note, where written
    period: bool
    first_year: bool
    last_year: bool


def _shape(keys: tuple) -> _Shape | None:
    """The shape of a post with `keys`; None where the schema must look at it (a key this path does not
    read, no title, id or salary, or both kinds of stated on-costs)."""
    if not FAST_KEYS.issuperset(keys) or not {"id", "title", "salary"}.issubset(keys) \
            or ("on_costs" in keys and "on_cost_rate" in keys):
        return None
    return _Shape(tuple((at, key) for at, key in enumerate(_FIGURE_KEYS) if key in keys),
                  tuple(key for key in ("source", "note") if key in keys),
                  "period" in keys, "first_year" in keys, "last_year" in keys)


def _accepted(row: dict, values: _Values) -> tuple | None:
    """What the schema would read of `row`, checked as it checks it: each figure of _FIGURE_KEYS as read
    (None where not written), then (first year, last year); None where the schema must look at it."""
    keys = tuple(row)
    shape = values.shape_of(keys)
    if shape is None:
        return None
    title, post_id = row["title"], row["id"]
    if type(title) is not str or not 1 <= len(title) <= _TITLE_MOST:
        return None
    if type(post_id) is not str or _SLUG.fullmatch(post_id) is None:
        return None
    for key in shape.texts:
        text = row[key]
        if not (text is None or type(text) is str):
            return None
    if shape.period:
        period = row["period"]
        if type(period) is not str or period not in _PERIODS:
            return None
    first_year = last_year = None
    if shape.first_year:
        first_year = values.year(row["first_year"])
        if first_year is None:
            return None
    if shape.last_year:
        last_year = values.year(row["last_year"])
        if last_year is None or (first_year is not None and last_year < first_year):
            return None
    seen = values.seen
    figures = [None] * len(_FIGURE_KEYS) + [(first_year, last_year)]
    for at, key in shape.figures:
        raw = row[key]
        try:
            read = seen[(key, type(raw), raw)]
        except (KeyError, TypeError):
            read = values.figure(key, raw)
        if read is None:
            return None
        figures[at] = read
    return tuple(figures)


def _accepted_as_written(row: RawRow, values: _Values) -> tuple | None:
    """`_accepted` of a one-line post's values as written, each distinct value read once (as YAML, then
    as what the post makes of it); None where any is not what `_accepted` would accept of the post YAML
    reads (then read as YAML, and looked at again). Text is taken only where YAML reads it as the very text
    written (not `null`, not `true`), so the row as written holds what the row as read would."""
    scalars = row.scalars
    # YAML reads a value as other than text only by patterns its first character chooses (a digit, t, n):
    # an id or a title starting with none of them is the text written, and nothing is looked up for it.
    if not scalars.text_first:
        return None  # a YAML whose patterns may take any value for other than text: each row read as YAML
    maybe_not_text = scalars.by_first
    keys = tuple(row)
    if "id" in row:
        post_id = row["id"]
        if post_id[0] in maybe_not_text and not plain_text(row, post_id):
            return None
    else:
        title = row.get("title")
        if title is None or not plain_text(row, title):
            return None
        post_id, keys = slugify(title), keys + ("id",)  # given as the loader gives any post one, at the end
    shape = values.shape_of(keys)
    if shape is None:
        return None
    title = row["title"]
    if not 1 <= len(title) <= _TITLE_MOST or (title[0] in maybe_not_text and not plain_text(row, title)) \
            or _SLUG.fullmatch(post_id) is None:
        return None
    for key in shape.texts:
        if not plain_text(row, row[key]):
            return None
    if shape.period and row["period"] not in _PERIODS:
        return None  # every period is text YAML reads as written
    first_year = last_year = None
    if shape.first_year:
        first_year = _as_written(values, "first_year", row["first_year"], row)
        if first_year is None:
            return None
    if shape.last_year:
        last_year = _as_written(values, "last_year", row["last_year"], row)
        if last_year is None or (first_year is not None and last_year < first_year):
            return None
    figures = [None] * len(_FIGURE_KEYS) + [(first_year, last_year)]
    written = values.written_as
    for at, key in shape.figures:
        raw = row[key]
        read = written[key].get(raw, _UNREAD)
        if read is _UNREAD:
            read = _as_written(values, key, raw, row)
        if read is None:
            return None
        figures[at] = read
    if "id" not in row:
        row["id"] = post_id  # the id, not a value as written
    return tuple(figures)


_UNREAD = object()


def _as_written(values: _Values, key: str, raw: str, row: RawRow) -> object:
    """What a post makes of the value `raw` written for `key` (a figure's reading, a year), read as YAML
    first; None where refused, or where YAML leaves it to the full reader. Kept, one per value written."""
    found = values.written_as[key]
    if raw in found:
        return found[raw]
    value = as_yaml(row, raw, _UNREAD)
    if value is _UNREAD:
        read = None
    else:
        if key in _YEARS:
            read = values.year(value)
        else:
            try:
                read = values.seen[(key, type(value), value)]
            except (KeyError, TypeError):
                read = values.figure(key, value)
    found[raw] = read
    return read


def _direct(row: dict, figures: tuple, index: int, values: _Values, blank: dict, line: int | None,
            key_lines: dict | None, where: str | None) -> Post:
    """The post the schema would make of `row`, which `_accepted` has read as `figures`."""
    fields = blank.copy()
    fields["id"], fields["title"] = row["id"], row["title"]
    for key in ("source", "note", "period"):
        if key in row:
            fields[key] = row[key]
    fields["first_year"], fields["last_year"] = figures[-1]
    shared, new, placed_set = values.shared, object.__new__, values.placed
    for key, read in zip(_FIGURE_KEYS, figures):
        if read is None:
            continue
        if line is None:
            # Not written in the scenario (a row of an establishment file): a figure with no line, path or
            # range, one for each distinct value and shared by every post giving it, as the defaults are.
            figure = shared.get(id(read))
            if figure is None:
                figure = shared[id(read)] = _made(read.copy(), values.written)
            fields[key] = figure
            continue
        placed = read.copy()
        placed["line"] = key_lines.get((index, key), line) if key_lines else line
        placed["path"] = f"{where}[{index}].{key}"
        figure = fields[key] = new(Figure)
        _set(figure, "__dict__", placed)
        _set(figure, "__pydantic_fields_set__", placed_set)
        _set(figure, "__pydantic_extra__", None)
        _set(figure, "__pydantic_private__", None)
    post = object.__new__(Post)
    _set(post, "__dict__", fields)
    _set(post, "__pydantic_fields_set__", values.keys_of(row))
    _set(post, "__pydantic_extra__", None)
    _set(post, "__pydantic_private__", {"_month_lines": {}})
    return post
