"""Text that a workbook can hold whole and a terminal shows as written.

Every string of a scenario reaches a workbook (cells, charts, notes, the file's properties)
and a terminal (the tables and messages of the command line). The parts of a workbook are XML
1.0, which cannot carry most control characters, U+FFFE, U+FFFF or half of a UTF-16 surrogate
pair; a terminal takes control characters (ESC above all) as commands. YAML refuses them
written raw, but lets them in through escapes in double quotes ("\\x01", "\\e", "\\uFFFE"). So a
scenario's text may hold a tab and a line break, and no other control character; a name or a
title is one line. Each line of the file must also fit in one cell of the Scenario sheet, which
carries the file's text line by line so that `verify` can re-run it: Excel's cell holds at most
32,767 characters, and a longer line would be cut and the published workbook fail `verify`.
Nor may a line hold `x005F_`: Excel writes `_x005F_` for an underscore that would otherwise
start one of its escapes, and a reader of the workbook (openpyxl, which `verify` uses) drops
every `x005F_` it finds, so the line read back would not be the line written.

Nor may the file hold a control of bidirectional text (U+202A to U+202E, U+2066 to U+2069),
raw or escaped, in a value or a comment: it makes text show in another order than it is
stored, so a councillor reading the workbook, or an auditor reading the file, would see other
words or figures than costmodel reads (the "Trojan Source" trick).

Such text is refused at its line and field, before anything is written.
"""

from __future__ import annotations

import re

from .problems import Problem, format_path
from .yamlread import Lines, line_of

#: The most characters Excel holds in a cell (counted, as Excel counts them, in UTF-16 units).
CELL_CHARACTERS = 32_767
#: Half of Excel's escape for an underscore (`_x005F_`), which readers drop wherever they find it.
EXCEL_UNDERSCORE = "x005F_"
#: Keys whose text is one line: a name or title is shown in a table row, a chart's legend, a heading.
ONE_LINE = frozenset({"name", "title", "authority", "author"})

# Control characters (C0 but tab and line feed, DEL, C1), surrogates, and the two noncharacters XML refuses.
_NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPOKEN = {"\t": "a tab", "\n": "a line break"}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_NAMES = {"\u202a": "a left-to-right embedding", "\u202b": "a right-to-left embedding",
               "\u202c": "a pop of directional formatting", "\u202d": "a left-to-right override",
               "\u202e": "a right-to-left override", "\u2066": "a left-to-right isolate",
               "\u2067": "a right-to-left isolate", "\u2068": "a first-strong isolate",
               "\u2069": "a pop of directional isolate"}


def text_problems(data: object, text: str, lines: Lines, file: str) -> list[Problem]:
    """Every string of the parsed scenario that a workbook could not hold or a terminal would act
    on, and every line of `text` that the Scenario sheet could not give back whole, each at its
    line and field."""
    problems = [Problem(file, line_of(lines, loc), format_path(loc), message) for loc, message in walk_text(data, ())]
    # A raw bidirectional control in a value is that value's problem, told once; in a comment, the line's.
    told = {problem.line for problem in problems if "bidirectional" in problem.message}
    problems += [problem for problem in _line_problems(text, lines, file)
                 if not (problem.line in told and "bidirectional" in problem.message)]
    return problems


def walk_text(node: object, loc: tuple):
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                wrong = why_unfit(key, one_line=True, what="a key")
                if wrong:
                    yield loc + (key,), "the key " + wrong
            if isinstance(value, str):
                wrong = why_unfit(value, one_line=key in ONE_LINE)
                if wrong:
                    yield loc + (key,), wrong
            else:
                yield from walk_text(value, loc + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str):
                wrong = why_unfit(value, one_line=False)
                if wrong:
                    yield loc + (index,), wrong
            else:
                yield from walk_text(value, loc + (index,))


def _bidi(value: str) -> str | None:
    found = _BIDI.search(value)
    if found is None:
        return None
    character = found.group()
    return (f"holds U+{ord(character):04X}, {_BIDI_NAMES[character]} (character {found.start() + 1}), a control of "
            "bidirectional text that shows it in another order than it is stored, so a reader would see other words "
            "than costmodel reads; remove it")


def why_unfit(value: str, one_line: bool, what: str = "a name or title") -> str | None:
    """Why this text cannot be kept as it is, in words; None if it can."""
    found = (_NOT_ONE_LINE if one_line else _NOT_TEXT).search(value)
    if found is None:
        return _bidi(value)
    character, at = found.group(), found.start() + 1
    if character in _SPOKEN:
        return f"holds {_SPOKEN[character]} (character {at}); {what} is one line of text"
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff" or character in "\ufffe\uffff":
        return f"holds {code} (character {at}), which is not a character; remove it"
    return (f"holds the control character {code} (character {at}), which a workbook cannot hold and a "
            "terminal would act on; remove it")


def _line_problems(text: str, lines: Lines, file: str) -> list[Problem]:
    """Each line of the file that the Scenario sheet could not carry and give back as written."""
    # The whole text at once: a county's establishment is 100,000 lines. Every bidirectional control is
    # outside ASCII, and most files are within it: Python knows that of a text without looking; the search
    # takes 20 ms for 10 MB.
    if max(map(len, text.split("\n"))) <= CELL_CHARACTERS // 2 and (text.isascii() or _BIDI.search(text) is None) \
            and EXCEL_UNDERSCORE not in text:
        return []
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        # A character outside the Basic Multilingual Plane is two of Excel's; only a line of more
        # than half the limit can be over it.
        if len(line) > CELL_CHARACTERS // 2 and len(line.encode("utf-16-le")) // 2 > CELL_CHARACTERS:
            found.append((number, f"the line is {len(line.encode('utf-16-le')) // 2:,} characters long; a workbook "
                                  f"cell holds at most {CELL_CHARACTERS:,}, so the Scenario sheet could not carry it "
                                  "for verify: break it over several lines"))
        bidi = _bidi(line)
        if bidi:
            found.append((number, f"the line {bidi}"))
        escape = line.find(EXCEL_UNDERSCORE)
        if escape >= 0:
            found.append((number, f"the line holds {EXCEL_UNDERSCORE} (character {escape + 1}), which a workbook's "
                                  "readers take for part of Excel's escape of an underscore and drop, so the Scenario "
                                  "sheet could not give the line back for verify: write it another way"))
    if not found:
        return []
    # The field of each line: the deepest key that starts on it, if one does (not on a comment's line).
    deepest: dict[int, tuple] = {}
    for loc, at in lines.items():
        if loc and len(loc) > len(deepest.get(at, ())):
            deepest[at] = loc
    return [Problem(file, number, format_path(deepest.get(number, ())), message) for number, message in found]
