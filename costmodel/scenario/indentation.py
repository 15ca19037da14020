"""Which line of a YAML file that does not parse is out of line, in words a finance officer can act on.

ruamel's parser says where it gave up (`expected <block end>, but found '?'`), which is
often the line after the mistake, and never says "indentation". This follows the file's
block structure line by line, as a person reads it: each line's column against the keys
and list items above it. It runs only on a file the YAML reader has refused, and names:

- a key or list item between the columns of the keys or list items above it;
- a key in line with the '-' of the list item it belongs to, or a '-' in line with keys;
- a key indented further than the key above it, which YAML reads as more of that key's text;
- a line of a `>` or `|` text indented less than the text's first line;
- a line that is not a key (no ': ') where a key must be: it may be text that lost its
  indentation or a key that lost its colon, and the message says both.

Anything it does not follow (text in quotes or brackets over several lines, tags, anchors,
`?` keys, tabs, a second document, a key with spaces in it) leaves the reader's own message,
as does a ': ' inside plain text, which is not an indentation mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A line where YAML needs a key or a list item holds neither: said here and by yamlread when it reads the parser.
MISSING_COLON = "this line has neither a key with ':' nor a list item's '- '; a key is written name: value"

#: A key as scenario files write them (salary, first_year, 2018/19): a line that starts so and would
#: continue the text above is a mis-indented key, not a colon in a sentence.
_KEYLIKE = re.compile(r"[a-z0-9_][a-z0-9_/-]*:(?:\s|$)")
_QUOTED = r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'"""
_QUOTED_KEY = re.compile(rf"(?P<key>{_QUOTED})\s*:(?:\s+|$)")
_PLAIN_KEY = re.compile(r"""(?P<key>(?:[^\s\-?:,\[\]{}#&*!|>'"%@`]|[-?:](?=\S))[^#]*?)\s*:(?:\s+|$)""")
#: A quoted text inside [ ] or { }: a quote opens one only where a value can begin.
_FLOW_QUOTED = re.compile(rf"(?<![^\s,\[{{:])(?:{_QUOTED})")
#: `>` or `|`, with or without a chomping sign; with an indentation digit it is not followed.
_BLOCK_INDICATOR = re.compile(r"[|>][-+]?(?:\s+#.*)?")
_COLON_IN_TEXT = re.compile(r":(?:\s|$)")


def diagnose(text: str, up_to: int) -> tuple[int, str] | None:
    """The first line at or before line `up_to` (where the parser gave up) that is out of line, and
    why; None if that is not what is wrong there, or the file is written in a way this does not follow."""
    reader = _Reader(text.split("\n"))
    try:
        for number, line in enumerate(reader.lines[:up_to], 1):
            reader.take(number, line)
    except _Found as found:
        return found.line, found.message
    except _NotFollowed:
        return None
    return None


class _Found(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


class _NotFollowed(Exception):
    """Written in a way this does not follow, or wrong other than by its layout: the reader's message stands."""


@dataclass
class _Level:
    """An open block mapping (its keys' column) or block list (its dashes' column)."""

    kind: str  # "map" or "seq"
    indent: int  # 0-based column
    first: int  # line of its first key or '-'
    line: int  # line of its last key or '-'
    key: str | None = None  # a mapping's last key
    dash_line: int | None = None  # a mapping whose first key follows a '-' on the same line: that line
    indentless: bool = False  # a list whose dashes are in line with its key (`key:` then `- item`)
    item_key: tuple[str, int] | None = None  # a list's last item's first key and its column


@dataclass
class _Value:
    """The value of the key (or '-') on the line above, which the next lines may belong to."""

    kind: str  # "open" (nothing after the ':' yet), "plain" text or "block" (> or |) text
    column: int  # its key's (or '-''s) 0-based column: lines indented further belong to it
    key: str | None  # None for a list item's own text
    line: int  # its key's (or '-''s) line
    indicator: str = ""  # a block text's `>` or `|`
    content: int | None = None  # the column of a block text's first line, and that line
    content_line: int | None = None
    from_key: bool = True  # `key:` (which may take a list in line with it), not a bare '-'


def _column(indent: int) -> int:
    return indent + 1  # as an editor counts


class _Reader:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.levels: list[_Level] = []
        self.pending: _Value | None = None

    def take(self, number: int, line: str) -> None:
        content = line.lstrip(" ")
        if not content.strip() or content.startswith("#"):
            return  # blank lines and comments say nothing about structure
        indent = len(line) - len(content)
        if indent == 0 and content.rstrip() == "---" and not self.levels and self.pending is None:
            return  # a document start before anything else
        if content[0] == "\t" or (indent == 0 and content.startswith(("---", "...", "%"))):
            raise _NotFollowed  # a tab (the reader says so), a second document, a directive
        value, self.pending = self.pending, None
        if value is not None and indent > value.column:
            if value.kind == "open":
                self._start(number, indent, content, value)
            elif value.kind == "block":
                if value.content is None:
                    value.content, value.content_line = indent, number
                elif indent < value.content:
                    raise _Found(number, _block_text_less_indented(value, indent))
                self.pending = value
            elif _COLON_IN_TEXT.search(_without_comment(content)):
                if value.kind == "plain" and value.content_line is not None and indent == value.content \
                        and _KEYLIKE.match(content):
                    raise _Found(value.content_line, _text_in_line_with_keys(value, number, _node(content)[1]))
                if value.key is not None and _KEYLIKE.match(content):
                    # More of the text above as YAML reads it, but written as a key: mis-indented.
                    self._misplaced_key(number, indent, self.levels[-1], _node(content)[1])
                raise _NotFollowed  # a ': ' in a sentence: the reader says to quote it
            else:
                self.pending = value  # the text goes on
            return
        if value is not None and value.kind == "open" and value.from_key and indent == value.column \
                and _is_dash(content):
            self.levels.append(_Level("seq", indent, number, number, indentless=True))
            self._item(number, indent, content)
            return
        self._place(number, indent, content, value)

    def _place(self, number: int, indent: int, content: str, ended: _Value | None) -> None:
        """A line that is not part of the value above: it must line up with a key or item above it."""
        node = _node(content)
        if node[0] == "text":
            self._stray(number, content, ended)
        popped = None
        while self.levels and self.levels[-1].indent > indent:
            popped = self.levels.pop()
        top = self.levels[-1] if self.levels else None
        if top is not None and top.indentless and top.indent == indent and node[0] != "dash":
            self.levels.pop()  # a key in line with `key:` ends the list written in line with it
            top = self.levels[-1]
        if top is None:
            if popped is None:
                self._start(number, indent, content, None)  # the document's first line
                return
            raise _Found(popped.first, f"this line starts in column {_column(popped.indent)}, but line {number} "
                                       f"below it starts in column {_column(indent)}, left of it; the keys at the "
                                       f"top of a file start in column 1")
        if top.indent == indent:
            if node[0] == "key" and top.kind == "map":
                top.line, top.key = number, node[1]
                self._after_key(number, indent, node[1], node[2])
            elif node[0] == "dash" and top.kind == "seq":
                self._item(number, indent, content)
            elif node[0] == "dash":
                # The list just above it, or the one it is in: the nearer, or both if they are as near.
                lists = [level for level in (popped, next((level for level in reversed(self.levels)
                                                           if level.kind == "seq"), None))
                         if level is not None and level.kind == "seq"]
                nearest = [level for level in lists
                           if abs(level.indent - indent) == min(abs(other.indent - indent) for other in lists)]
                raise _Found(number, _dash_in_line_with_keys(top, indent, nearest))
            else:
                raise _Found(number, _key_in_line_with_dash(top, indent))
            return
        # Between the columns of the keys or items above it (`popped` to its right, `top` to its left).
        candidates = [level for level in (popped, top) if level is not None]
        wanted = "seq" if node[0] == "dash" else "map"
        preferred = [level for level in candidates if level.kind == wanted] or candidates
        # The nearest column; on a tie the deeper level, whose keys are the lines just above, and the other too.
        reference = min(preferred, key=lambda level: abs(level.indent - indent))
        if reference.kind == "seq":
            raise _Found(number, _item_indented_differently(reference, indent, node[0] == "dash"))
        also = [level for level in preferred if level is not reference
                and abs(level.indent - indent) == abs(reference.indent - indent)]
        self._misplaced_key(number, indent, reference, node[1] if node[0] == "key" else None,
                            also[0] if also else None)

    def _start(self, number: int, indent: int, content: str, parent: _Value | None) -> None:
        """The first line of the document (a key or '-'), or of the value of `parent`'s key."""
        node = _node(content)
        if node[0] == "dash":
            self.levels.append(_Level("seq", indent, number, number))
            self._item(number, indent, content)
        elif node[0] == "key":
            self.levels.append(_Level("map", indent, number, number, key=node[1]))
            self._after_key(number, indent, node[1], node[2])
        elif (kind := _value(content)) == "plain":
            # Text on the line after `key:`, where a scenario writes keys: remembered, as it may be a key
            # that lost its ':' (`value 23%`), which the key below it shows.
            self.pending = _Value("plain", parent.column, parent.key, parent.line, content=indent,
                                  content_line=number if _KEYLIKE.match(content.split(" ", 1)[0] + ": ") else None)
        elif kind != "done":
            raise _NotFollowed  # `key:` and on the next line a > or | text

    def _item(self, number: int, dash: int, content: str) -> None:
        """A '-' in column `dash`, of the list at levels[-1], and what follows it on its line."""
        items = self.levels[-1]
        items.line, items.item_key = number, None
        rest = content[1:].lstrip(" ")
        column = len(content) - len(rest) + dash
        node = _node(rest) if rest and not rest.startswith("#") else None
        if node is None:
            self.pending = _Value("open", dash, None, number, from_key=False)
        elif node[0] == "key":
            self.levels.append(_Level("map", column, number, number, key=node[1], dash_line=number))
            items.item_key = (node[1], column)
            self._after_key(number, column, node[1], node[2])
        elif node[0] == "dash":
            raise _NotFollowed  # a list in a list on one line (- - x): not in a scenario
        elif (kind := _value(rest)) in ("plain", "block"):
            self.pending = _Value(kind, dash, None, number, indicator=rest.split()[0])

    def _after_key(self, number: int, column: int, key: str, value: str) -> None:
        kind = _value(value)
        if kind != "done":
            self.pending = _Value(kind, column, key, number, indicator=value.split()[0] if value.strip() else "")

    def _misplaced_key(self, number: int, indent: int, level: _Level, key: str | None,
                       also: _Level | None = None) -> None:
        """A line out of line with `level`'s keys. If `level` has one key so far and the key after this
        one lines up with this one, the odd line out is that first key: name it instead."""
        following = self._next_line(number)
        if key is not None and level.first == level.line and following is not None and following[0] == indent \
                and _KEYLIKE.match(following[1]):
            if level.dash_line == level.line:
                raise _Found(level.line, f"this list item's first key ({level.key}:, in column "
                                         f"{_column(level.indent)}) is not in line with the keys below it "
                                         f"({key}: on line {number} starts in column {_column(indent)}); "
                                         f"in YAML, keys that belong together start in the same column")
            raise _Found(level.line, f"this line is indented differently from the keys below it ({key}: on line "
                                     f"{number} starts in column {_column(indent)}; this one in column "
                                     f"{_column(level.indent)}); in YAML, keys that belong together start "
                                     f"in the same column")
        subject = "this line" if key is not None else "this list item"
        other = f", and {also.key}: on line {also.line} in column {_column(also.indent)}" if also else ""
        raise _Found(number, f"{subject} is indented differently from the keys above it ({level.key}: on line "
                             f"{level.line} starts in column {_column(level.indent)}{other}; this one in column "
                             f"{_column(indent)}); in YAML, keys that belong together start in the same column")

    def _stray(self, number: int, content: str, ended: _Value | None) -> None:
        """Text where a key or list item must be: a key without its ': ', or text that lost its indentation."""
        if content[0] in "[{\"'&*!|>%@`?:":
            raise _NotFollowed  # brackets, quotes, tags, `?` keys: not a line of plain text
        if ended is None:
            raise _Found(number, MISSING_COLON)
        owner = f"{ended.key}:" if ended.key is not None else "the '-'"
        whose = f"{ended.key}'s value" if ended.key is not None else "that list item"
        if ended.kind == "block" and ended.content is not None:
            how = f"in line with the text above it (column {_column(ended.content)})"
        else:
            how = f"further than {owner}"
        if ":" in _without_comment(content):
            not_key, fix = "a key's ':' must be followed by a space", "put a space after its ':'"
        else:
            not_key, fix = "it has no ':'", "put ':' after its name"
        # Leading with the key: a line without its ': ' is as likely as a line of a note that lost its indentation.
        raise _Found(number, f"this line is not a key ({not_key}) and is not indented further than {owner} on "
                             f"line {ended.line} (column {_column(ended.column)}), so it is not part of {whose} "
                             f"either; if it is a key, {fix}; if it is part of {whose}, indent it {how}")

    def _next_line(self, number: int) -> tuple[int, str] | None:
        """The indent and content of the first line after `number` that is not blank or a comment."""
        for line in self.lines[number:]:
            content = line.lstrip(" ")
            if content.strip() and not content.startswith("#"):
                return len(line) - len(content), content
        return None


def _block_text_less_indented(text: _Value, indent: int) -> str:
    whose = f"{text.key}'s" if text.key is not None else "the list item's"
    return (f"this line is indented less than the first line of {whose} text (line {text.content_line}, column "
            f"{_column(text.content)}; this one in column {_column(indent)}); every line of a text written "
            f"after '{text.indicator}' must start at least as far in")


def _text_in_line_with_keys(text: _Value, number: int, key: str) -> str:
    owner = f"{text.key}:" if text.key is not None else "the '-'"
    return (f"this line has no ':', so YAML reads it as the text of {owner} on line {text.line}, and {key}: on "
            f"line {number}, in line with it, cannot follow; if this line is a key, put ':' after its name "
            f"(name: value); if it is {owner}'s text, {key}: must start in column {_column(text.column)}, in "
            f"line with {owner}")


def _item_indented_differently(items: _Level, indent: int, is_item: bool) -> str:
    subject = "this list item" if is_item else "this line"
    return (f"{subject} is indented differently from the list items above it (the '-' on line {items.line} "
            f"is in column {_column(items.indent)}; this one in column {_column(indent)}); in YAML, the items "
            f"of one list start in the same column")


def _key_in_line_with_dash(items: _Level, indent: int) -> str:
    where = f"this line starts in column {_column(indent)}, in line with the '-' of the list item on line {items.line}"
    if items.item_key is None:
        return f"{where}, so YAML reads it as outside that item; indent it further than the '-'"
    key, column = items.item_key
    return (f"{where}, so YAML reads it as outside that item; to make it part of the item, indent it to "
            f"column {_column(column)}, in line with {key}:")


def _dash_in_line_with_keys(keys: _Level, indent: int, lists: list[_Level]) -> str:
    where = (f"this list item starts in column {_column(indent)}, in line with the keys above it ({keys.key}: on "
             f"line {keys.line}), so it belongs to no key")
    if not lists:
        return f"{where}; indent it further than the key whose list it is"
    columns = ", or ".join(f"in column {_column(items.indent)}, like the '-' on line {items.line}" for items in lists)
    return f"{where}; if it is another item of a list above, put its '-' {columns}"


def _is_dash(content: str) -> bool:
    return content == "-" or content.startswith("- ")


def _node(content: str) -> tuple:
    """("dash",), ("key", key, the rest of the line) or ("text",) for a line's content."""
    if _is_dash(content):
        return ("dash",)
    quoted = _QUOTED_KEY.match(content)
    if quoted:
        return ("key", quoted["key"], content[quoted.end():])
    plain = _PLAIN_KEY.match(content)
    if plain and re.search(r"\s", plain["key"]):
        raise _NotFollowed  # no scenario has a key with spaces: a sentence with a ': ' that YAML reads as a key
    return ("key", plain["key"], content[plain.end():]) if plain else ("text",)


def _value(value: str) -> str:
    """What the rest of a line after `key:` (or '- ') begins: "open" (nothing yet), "block" (> or |
    text), "plain" text, or "done" (quoted or in brackets, and closed on this line)."""
    value = value.strip()
    if not value or value.startswith("#"):
        return "open"
    if value[0] in "|>" and _BLOCK_INDICATOR.fullmatch(value):
        return "block"
    if value[0] in "\"'":
        quoted = re.match(_QUOTED, value)
        if quoted is None or value[quoted.end():].strip()[:1] not in ("", "#"):
            raise _NotFollowed  # over several lines, or something after the closing quote
        return "done"
    if value[0] in "[{":
        if not _flow_closed(value):
            raise _NotFollowed
        return "done"
    if value[0] in "|>&*!%@`" or _is_dash(value) or value[:2] in ("? ", ": ") \
            or _COLON_IN_TEXT.search(_without_comment(value)):
        raise _NotFollowed  # tags, anchors, ...; `title: Option 1: in-house`, which the reader says to quote
    return "plain"


def _without_comment(text: str) -> str:
    return re.split(r"\s#", text, maxsplit=1)[0]


def _flow_closed(value: str) -> bool:
    """Whether the brackets a value opens close at the end of its line (before any comment)."""
    text = _without_comment(_FLOW_QUOTED.sub('""', value)).rstrip()
    depth = 0
    for index, char in enumerate(text):
        depth += (char in "[{") - (char in "]}")
        if depth == 0:
            return index == len(text) - 1
    return False
