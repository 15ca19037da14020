"""YAML text -> plain Python data, with the line of every key and list item.

YAML 1.2 through ruamel.yaml, so `no` stays a string and `1e6` is a number.
Anchors and aliases are refused while parsing, before anything is expanded,
so an alias bomb costs nothing. Duplicate keys are refused.
"""

from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .units import UnitError

#: A scenario larger than this is not a hand-written file; refuse before parsing.
MAX_BYTES = 5 * 1024 * 1024
#: A scenario nests about eight levels deep (options, a post, a figure, a table by
#: year). Far deeper is not a scenario, and ruamel's scanner and composer slow
#: down sharply with depth (20 seconds for 10 kB of brackets), so refuse it
#: while parsing, before the slow part.
MAX_DEPTH = 30

Lines = dict[tuple, int]


class ReadError(Exception):
    def __init__(self, line: int | None, message: str):
        self.line = line
        self.message = message
        super().__init__(message)


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


def read_yaml(text: str) -> tuple[object, Lines]:
    """Parse YAML text into dicts, lists and scalars, and a map from path to line."""
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    try:
        depth = 0
        for event in yaml.parse(io.StringIO(text)):
            kind = type(event).__name__
            if kind == "DocumentStartEvent" and getattr(event, "version", None) not in (None, (1, 2)):
                # A %YAML 1.1 directive would make `no` a boolean again; scenarios are YAML 1.2.
                directive = next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith("%YAML"))
                raise ReadError(directive, "scenarios are YAML 1.2; remove the %YAML directive")
            if kind == "AliasEvent" or getattr(event, "anchor", None):
                raise ReadError(event.start_mark.line + 1,
                                "YAML anchors and aliases (& and *) are not allowed in a scenario; write the values out")
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ReadError(event.start_mark.line + 1,
                                    f"the YAML is nested more than {MAX_DEPTH} levels deep; a scenario needs far fewer")
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
        document = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or "not valid YAML").strip()
        if "quoted scalar" in (exc.context or "") and "end of stream" in problem and exc.context_mark is not None:
            # The reader only gives up at the end of the file; the quote was opened here.
            line = exc.context_mark.line + 1
            problem = "a quotation mark on this line is never closed"
        elif "duplicate key" in problem or type(exc).__name__ == "DuplicateKeyError":
            problem = _duplicate_message(str(exc))
        elif "\\t" in problem or "'\\t'" in problem:
            problem = "a tab character; indent YAML with spaces"
        elif "mapping values are not allowed" in problem or ("expected ','" in problem and "':'" in problem):
            problem += "; text that contains ': ' must be in quotes"
        raise ReadError(line, f"not valid YAML: {problem}") from None
    except YAMLError as exc:
        raise ReadError(None, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ReadError(None, "the YAML is nested too deeply") from None
    lines: Lines = {}
    if isinstance(document, (CommentedMap, CommentedSeq)):
        # The document's own line, for a problem such as a missing top-level key.
        lines[()] = document.lc.line + 1
    return _plain(document, (), lines), lines


def _duplicate_message(text: str) -> str:
    import re

    match = re.search(r'found duplicate key "([^"]*)"', text)
    if not match:
        return "duplicate key"
    if match[1].isdigit() and len(match[1]) <= 3:
        return (f'duplicate key "{match[1]}": inside {{ }} a comma separates entries, so an amount such as '
                f'1,300,000 there must be quoted ("1,300,000") or written without commas')
    return f'duplicate key "{match[1]}"'


def _plain(node: object, path: tuple, lines: Lines) -> object:
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                raise ReadError(node.lc.line + 1, f"a key must be plain text, got {key!r}")
            line = node.lc.key(key)[0] + 1
            key_text = str(key)
            lines[path + (key_text,)] = line
            out[key_text] = _plain(value, path + (key_text,), lines)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for index, value in enumerate(node):
            lines[path + (index,)] = node.lc.item(index)[0] + 1
            out_list.append(_plain(value, path + (index,), lines))
        return out_list
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
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


__all__ = ["ReadError", "UnitError", "decode", "read_yaml", "line_of", "Lines", "MAX_BYTES"]
