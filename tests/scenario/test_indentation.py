"""A file that is out of line is refused at the line to fix, in plain words (scenario/indentation.py).

Each text below holds one mistake; the line expected is counted in the text (line 1 first), and
columns are counted as an editor counts them, from 1. Every case is read by both readers: the
fast one (libyaml) refuses it and hands it to the pure one, and the message must be the same.
"""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from costmodel.scenario import yamlread
from costmodel.scenario.indentation import MISSING_COLON, diagnose
from costmodel.scenario.yamlread import ReadError, read_yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
KEYS_RULE = "in YAML, keys that belong together start in the same column"


def refused(text: str) -> tuple[int, str]:
    """The line and message a user is shown, after checking that both readers give the same."""
    with pytest.raises(ReadError) as shown:
        read_yaml(text)
    with pytest.raises(ReadError) as pure:
        yamlread._read_pure(text)
    assert (shown.value.line, shown.value.message) == (pure.value.line, pure.value.message)
    return shown.value.line, shown.value.message.removeprefix("not valid YAML: ")


@pytest.mark.parametrize("text, line, message", [
    # `title:` is one column right of `id:`: YAML reads it as more of id's text, then finds its ': '.
    ("post:\n  id: a\n   title: b\n", 3,
     f"this line is indented differently from the keys above it (id: on line 2 starts in column 3; this one "
     f"in column 4); {KEYS_RULE}"),
    # `value 23%` lost its ':', so YAML reads it as the rate's text, and the key below it, in line with it,
    # cannot follow: the line without the ':' is named, and both readings are offered.
    ("rate:\n  value 23%\n  source: paper\n", 2,
     "this line has no ':', so YAML reads it as the text of rate: on line 1, and source: on line 3, in line "
     "with it, cannot follow; if this line is a key, put ':' after its name (name: value); if it is rate:'s "
     "text, source: must start in column 1, in line with rate:"),
    # one column left of `id:`, between it and `post:`: nearer `id:`
    ("post:\n    id: a\n   title: b\n", 3,
     f"this line is indented differently from the keys above it (id: on line 2 starts in column 5; this one "
     f"in column 4); {KEYS_RULE}"),
    # further in than a key whose value is in brackets, which cannot go on
    ("post:\n  id: [a]\n    title: b\n", 3,
     f"this line is indented differently from the keys above it (id: on line 2 starts in column 3; this one "
     f"in column 5); {KEYS_RULE}"),
    # column 4 is one from `c:` (column 5) and one from `b:` (column 3): both are named
    ("a:\n  b:\n    c: 1\n   d: 2\n", 4,
     f"this line is indented differently from the keys above it (c: on line 3 starts in column 5, and b: on "
     f"line 2 in column 3; this one in column 4); {KEYS_RULE}"),
    # The first key is the odd one out: the keys after line 3 line up with line 3, so line 2 is named.
    ("a:\n   b: 1\n  c: 2\n  d: 3\n", 2,
     f"this line is indented differently from the keys below it (c: on line 3 starts in column 3; this one "
     f"in column 4); {KEYS_RULE}"),
    # ... and after a '-' typed with two spaces
    ("a:\n  -  b: 1\n    c: 2\n    d: 3\n", 2,
     f"this list item's first key (b:, in column 6) is not in line with the keys below it (c: on line 3 "
     f"starts in column 5); {KEYS_RULE}"),
    # list items one column right of, or left of, the item above
    ("a:\n  - b: 1\n   - b: 2\n", 3,
     "this list item is indented differently from the list items above it (the '-' on line 2 is in column 3; "
     "this one in column 4); in YAML, the items of one list start in the same column"),
    ("a:\n  - b: 1\n - b: 2\n", 3,
     "this list item is indented differently from the list items above it (the '-' on line 2 is in column 3; "
     "this one in column 2); in YAML, the items of one list start in the same column"),
    # a key of a list item written in line with its '-'
    ("a:\n  - b: 1\n  c: 2\n", 3,
     "this line starts in column 3, in line with the '-' of the list item on line 2, so YAML reads it as "
     "outside that item; to make it part of the item, indent it to column 5, in line with b:"),
    ("a:\n  - one\n  c: 2\n", 3,
     "this line starts in column 3, in line with the '-' of the list item on line 2, so YAML reads it as "
     "outside that item; indent it further than the '-'"),
    # a '-' in line with keys: with no list about, with the list it is in, with two lists as near
    ("a:\n  b: 1\n  - c\n", 3,
     "this list item starts in column 3, in line with the keys above it (b: on line 2), so it belongs to no "
     "key; indent it further than the key whose list it is"),
    ("a:\n  - b: 1\n    - c: 2\n", 3,
     "this list item starts in column 5, in line with the keys above it (b: on line 2), so it belongs to no "
     "key; if it is another item of a list above, put its '-' in column 3, like the '-' on line 2"),
    ("a:\n  - b:\n      - c: 1\n    - d: 2\n", 4,
     "this list item starts in column 5, in line with the keys above it (b: on line 2), so it belongs to no "
     "key; if it is another item of a list above, put its '-' in column 7, like the '-' on line 3, or in "
     "column 3, like the '-' on line 2"),
    # a line of a > text indented less than its first line, after a key and after a '-'
    ("a: >\n    one\n  two\nb: 1\n", 3,
     "this line is indented less than the first line of a's text (line 2, column 5; this one in column 3); "
     "every line of a text written after '>' must start at least as far in"),
    ("a:\n  - |\n      one\n    two\n", 4,
     "this line is indented less than the first line of the list item's text (line 3, column 7; this one in "
     "column 5); every line of a text written after '|' must start at least as far in"),
    # the file's first line indented, and a later top-level key in column 1
    (" a: 1\n b: 2\nc: 3\n", 1,
     "this line starts in column 2, but line 3 below it starts in column 1, left of it; the keys at the top "
     "of a file start in column 1"),
    # A line that is not a key: a key without its ':', or text that lost its indentation.
    ("a: one\nb 2\n", 2,
     "this line is not a key (it has no ':') and is not indented further than a: on line 1 (column 1), so it "
     "is not part of a's value either; if it is a key, put ':' after its name; if it is part of a's value, "
     "indent it further than a:"),
    ("a: one\nb:2\n", 2,
     "this line is not a key (a key's ':' must be followed by a space) and is not indented further than a: on "
     "line 1 (column 1), so it is not part of a's value either; if it is a key, put a space after its ':'; if "
     "it is part of a's value, indent it further than a:"),
    ("a: >\n  one\ntwo\n", 3,
     "this line is not a key (it has no ':') and is not indented further than a: on line 1 (column 1), so it "
     "is not part of a's value either; if it is a key, put ':' after its name; if it is part of a's value, "
     "indent it in line with the text above it (column 3)"),
    ("a: >\nb 2\n", 2,
     "this line is not a key (it has no ':') and is not indented further than a: on line 1 (column 1), so it "
     "is not part of a's value either; if it is a key, put ':' after its name; if it is part of a's value, "
     "indent it further than a:"),
    ("a:\nb\nc: 1\n", 2,
     "this line is not a key (it has no ':') and is not indented further than a: on line 1 (column 1), so it "
     "is not part of a's value either; if it is a key, put ':' after its name; if it is part of a's value, "
     "indent it further than a:"),
    ("a:\n  - one\n  two\n", 3,
     "this line is not a key (it has no ':') and is not indented further than the '-' on line 2 (column 3), so "
     "it is not part of that list item either; if it is a key, put ':' after its name; if it is part of that "
     "list item, indent it further than the '-'"),
    # after a text over two lines, and after a text begun on the line after its key
    ("a: one\n  two\nb 2\n", 3,
     "this line is not a key (it has no ':') and is not indented further than a: on line 1 (column 1), so it "
     "is not part of a's value either; if it is a key, put ':' after its name; if it is part of a's value, "
     "indent it further than a:"),
    ("a:\n  one\nb 2\n", 3,
     "this line is not a key (it has no ':') and is not indented further than a: on line 1 (column 1), so it "
     "is not part of a's value either; if it is a key, put ':' after its name; if it is part of a's value, "
     "indent it further than a:"),
    # not after a text it could belong to: the first line, or after a value in brackets
    ("a\n  b: 1\n", 1, MISSING_COLON),
    ("a: [1]\nb 2\n", 2, MISSING_COLON),
    # Lists written in line with their key (`a:` then `- 1`) are followed: a key after one ends it.
    ("a:\n- b: 1\nc: 2\n d: 3\n", 4,
     f"this line is indented differently from the keys above it (c: on line 3 starts in column 1; this one in "
     f"column 2); {KEYS_RULE}"),
    ("---\na: 1\n b: 2\n", 3,
     f"this line is indented differently from the keys above it (a: on line 2 starts in column 1; this one in "
     f"column 2); {KEYS_RULE}"),
])
def test_the_line_out_of_line_is_named_in_plain_words(text, line, message):
    assert refused(text) == (line, message)


@pytest.mark.parametrize("text", [
    "a:\n\tb: 1\n",  # a tab: the reader's message says so
    "a: 1\n---\nb: 1\n",  # a second document
    "%YAML 1.2\n---\na: 1\n",  # a directive
    "a: &x 1\n", "a: !tag 1\n", "a: *x\n", "a: `b`\n", "a: - b\n",  # anchors, tags, aliases, ...
    "? a\n: 1\n",  # a complex key
    'a: "one\n  two"\n',  # quoted text over two lines
    "a: 'one' two\n",  # something after the closing quote
    "a: [1,\n  2]\n",  # brackets over two lines
    "a: {b: 1} c\n",  # something after the closing bracket
    "a: |2\n    one\n  two\n",  # a | text with an indentation digit, whose lines may start left of the first
    "a:\n  >\n   one\n",  # a > text begun on the line after its key
    "a:\n  - - 1\n",  # a list in a list on one line
    "a: 1\nthe cost: 2\n",  # a sentence with a ': ' that YAML reads as a key
    "a: 1\n[b]\n", 'a: 1\n"b"\n',  # brackets or quotes where a key must be
    "a: Option 1: in-house\n",  # a ': ' inside plain text: to be quoted
    "a: one\n  Range: two\n",  # ... on the text's second line, not written as a key
    "a:\n  - one\n    b: 2\n",  # ... after a list item's own text
])
def test_what_it_does_not_follow_leaves_the_readers_message(text):
    # A mistake it would name follows (line n+3, one column right of line n+2), so a None shows it stopped.
    lines = text.count("\n")
    mistake = text + "z:\n  y: 1\n   x: 2\n"
    assert diagnose(mistake, lines + 3) is None


def test_the_mistake_those_texts_end_with_is_named_after_a_plain_start():
    # The check on the test above: after a line it follows, the same mistake is named.
    assert diagnose("a: 1\nz:\n  y: 1\n   x: 2\n", 4) == (4, (
        f"this line is indented differently from the keys above it (y: on line 3 starts in column 3; this one "
        f"in column 4); {KEYS_RULE}"))


def test_a_colon_in_plain_text_gets_the_readers_advice_to_quote_it():
    assert refused("a: Option 1: in-house\n") == (1, "mapping values are not allowed here; text that contains ': ' "
                                                     "must be in quotes")
    assert refused("a: one\n  Range: two\n") == (2, "mapping values are not allowed here; text that contains ': ' "
                                                    "must be in quotes")


def test_a_key_without_its_colon_that_diagnosis_does_not_follow_is_named_at_its_own_line():
    # The quotes over two lines stop the diagnosis; the parser notices the missing ':' on line 4.
    assert refused('a: "one\n  two"\nb 2\nc: 3\n') == (3, MISSING_COLON)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_shipped_scenario_is_in_line_throughout(path):
    text = path.read_text(encoding="utf-8")
    assert diagnose(text, text.count("\n") + 1) is None


keys = st.text(string.ascii_lowercase + "_", min_size=1, max_size=8)
# Text of words, which the writer folds over lines when long, and of YAML's own signs, which it quotes.
words = st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=8), max_size=12).map(" ".join)
leaves = st.one_of(st.integers(-10**6, 10**6), st.booleans(), st.none(), words,
                   st.text(string.ascii_letters + string.digits + " .,:-#'\"\n", max_size=30))
documents = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(keys, inner, max_size=3)), max_leaves=15)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(keys, documents, min_size=1, max_size=4), st.sampled_from(["in line", "indented"]),
       st.integers(20, 80))
def test_nothing_is_named_in_a_file_yaml_reads(document, lists, width):
    """Whatever the YAML writer lays out (lists in line with their key or indented, long text folded over
    lines, text quoted over lines), a file that reads has no line out of line."""
    writer = YAML(typ="rt")
    writer.width = width
    if lists == "indented":
        writer.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    writer.dump(document, buffer)
    text = buffer.getvalue()
    try:
        yamlread._read_pure(text)
    except ReadError:
        return  # ruamel's writer can emit text its reader refuses
    assert diagnose(text, text.count("\n") + 1) is None, text


def _shifted(text: str):
    """Every line of `text` with a key or '-' moved one or two columns left or right."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        for shift in (-2, -1, 1, 2):
            if content and indent + shift >= 0:
                yield index + 1, "\n".join(lines[:index] + [" " * (indent + shift) + content] + lines[index + 1:])


def test_a_line_of_the_minimal_scenario_moved_is_named_or_pointed_to(minimal_text):
    """Each line of conftest's MINIMAL moved a column or two: the file still reads, or the message names the
    line moved, or names the line that it put out of line and points to the one moved."""
    moves, reads = 0, []
    for moved, text in _shifted(minimal_text):
        moves += 1
        try:
            read_yaml(text)
            reads.append(moved)
            continue
        except ReadError as refusal:
            line, message = refusal.line, refusal.message
        assert "column" in message, (moved, message)
        assert line == moved or re.search(rf"\bline {moved}\b", message), (moved, line, message)
    # 33 lines, 4 moves each, but the 4 section keys in column 1 cannot move left: 124 moves.
    assert moves == 33 * 4 - 4 * 2
    # Six still read: the last key of metadata, timeline and assumptions moved into column 1 is a key of
    # the file, and the section key after each moved into column 3 is a key of the section above.
    assert reads == [7, 8, 11, 12, 15, 16]
