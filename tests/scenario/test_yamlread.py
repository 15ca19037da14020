"""The fast YAML reader (libyaml's events) gives exactly what the pure-Python reader gives."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from costmodel.scenario import yamlread
from costmodel.scenario.yamlread import EXPLAIN_BYTES, ReadError, read_yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_the_c_parser_is_installed():
    # Without it every file takes the pure-Python reader, a hundred times slower on a large establishment.
    assert yamlread.CParser is not None


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_read_the_same_both_ways(path):
    text = path.read_text(encoding="utf-8")
    assert yamlread._read_fast(text) == yamlread._read_pure(text)


@pytest.mark.parametrize("scalar", [
    "1_000", "-0x1F", "0o17", "+.inf", "-1.5e3", "0", "007", "1.", "-.5", "1e6",
    "true", "FALSE", "no", "yes", "~", "null", "", "2017-11-09", "2017/18", "15%", "£1,300,000", "'15'",
    '"1e6"', "Minimal", "1.3m",
])
def test_each_kind_of_scalar_reads_the_same_both_ways(scalar):
    text = f"key: {scalar}\nlist:\n  - {scalar}\n"
    fast, pure = yamlread._read_fast(text), yamlread._read_pure(text)
    assert fast == pure
    assert type(fast[0]["key"]) is type(pure[0]["key"])


# Documents a scenario might hold: nested mappings and lists of text, numbers and flags,
# written out by ruamel in block and in flow style.
keys = st.text(string.ascii_lowercase + "_", min_size=1, max_size=8)
leaves = st.one_of(st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False),
                   st.booleans(), st.none(), st.text(string.printable.replace("\r", "").replace("\x0b", "")
                                                     .replace("\x0c", ""), max_size=12))
documents = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(keys, documents, min_size=1, max_size=5), st.sampled_from([False, None]))
def test_any_document_reads_the_same_both_ways(document, flow):
    import io

    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = flow
    buffer = io.StringIO()
    writer.dump(document, buffer)
    text = buffer.getvalue()
    try:
        pure = yamlread._read_pure(text)
    except ReadError:
        # ruamel's writer can emit text its own reader refuses (a flow mapping value '?0'); the user
        # must then be refused too, whichever reader runs.
        with pytest.raises(ReadError):
            read_yaml(text)
        return
    assert read_yaml(text) == pure
    try:
        fast = yamlread._read_fast(text)
    except yamlread.YAMLError:
        # libyaml follows YAML 1.1 in a few corners (a ':' inside a flow list, "[0:0]"); small files
        # then take the pure reader, as read_yaml just did.
        return
    assert fast == pure


def test_a_problem_in_a_small_file_gets_the_pure_readers_message():
    # The pure reader's wording for an unclosed quote, at the line where the quote opens (line 2).
    with pytest.raises(ReadError) as caught:
        read_yaml("a: 1\nb: 'never closed\nc: 3\n")
    assert caught.value.line == 2
    assert "a quotation mark on this line is never closed" in caught.value.message


def test_a_problem_deep_in_a_large_file_is_reported_at_its_line_without_re_reading():
    # 25,000 lines of posts (beyond EXPLAIN_BYTES), then an unclosed flow list on the line after them.
    posts = "".join(f"  - {{id: p{n:05d}, title: Post {n}, salary: 30000}}\n" for n in range(25_000))
    text = "staffing:\n" + posts + "broken: [1, 2\nnext: 3\n"
    assert len(text) > EXPLAIN_BYTES
    with pytest.raises(ReadError) as caught:
        read_yaml(text)
    # Line 1 is "staffing:", lines 2 to 25,001 the posts, line 25,002 the broken list; libyaml
    # notices at the next line, where the list should have been closed.
    assert caught.value.line in (25_002, 25_003)
    assert caught.value.message.startswith("not valid YAML")


@pytest.mark.parametrize("text, line, words", [
    ("a: 1\nb: 2\na: 3\n", 3, 'duplicate key "a"'),
    ("a: &x 1\nb: *x\n", 1, "anchors and aliases"),
    ("a: 1\nb: *x\n", 2, "anchors and aliases"),
])
def test_the_fast_reader_refuses_what_the_pure_reader_refuses_with_the_same_words(text, line, words):
    for reader in (yamlread._read_fast, yamlread._read_pure, read_yaml):
        with pytest.raises(ReadError) as caught:
            reader(text)
        assert (caught.value.line, words in caught.value.message) == (line, True), reader


def test_a_control_character_deep_in_a_large_file_is_reported_at_its_line():
    # libyaml's reader refuses control characters with a position, not a line; 30,000 lines of
    # comment (beyond EXPLAIN_BYTES) come before it, so it is on line 30,002.
    text = "# padding to make the file large enough not to be re-read\n" * 30_000 + "a: 1\nb: x\x1fy\n"
    assert len(text) > EXPLAIN_BYTES
    with pytest.raises(ReadError) as caught:
        read_yaml(text)
    assert caught.value.line == 30_002
    assert "control characters are not allowed" in caught.value.message
