"""The fast YAML reader (libyaml's events) gives exactly what the pure-Python reader gives."""

from __future__ import annotations

import datetime
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from costmodel.scenario import yamlread
from costmodel.scenario.yamlread import ReadError, read_yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_the_c_parser_is_installed():
    # Without it every file takes the pure-Python reader, a hundred times slower on a large establishment.
    assert yamlread.CParser is not None


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_read_the_same_both_ways(path):
    text = path.read_text(encoding="utf-8")
    assert yamlread._read_fast(text) == yamlread._read_pure(text)


#: What a one-line item's value may be made of (yamlread._ONE_LINE_ITEM), and marks YAML gives a meaning.
_PLAIN_CHARACTERS = string.ascii_letters + string.digits + "£ ._/%()+-~"


def _resolved_one_pattern_at_a_time(resolver, value: str):
    """A plain value as YAML 1.2 reads it, each pattern its first character chooses tried in turn."""
    patterns = resolver.get(value[0], []) + resolver.get(None, [])
    tag = next((tag for tag, pattern in patterns if pattern.match(value)), "tag:yaml.org,2002:str")
    return yamlread._plain_scalar(tag, value)


@settings(max_examples=400, derandomize=True)
@given(st.text(_PLAIN_CHARACTERS, min_size=1, max_size=12).filter(lambda v: v[0] not in " -"))
def test_a_plain_value_read_once_for_the_file_is_what_yaml_s_patterns_make_of_it(value):
    from ruamel.yaml.resolver import VersionedResolver

    resolver = VersionedResolver(version=(1, 2)).versioned_resolver
    try:
        expected = _resolved_one_pattern_at_a_time(resolver, value)
    except (ValueError, yamlread._Unusual):
        with pytest.raises(yamlread._Unusual):
            yamlread._PlainValues(resolver)[value]
        return
    read = yamlread._PlainValues(resolver)[value]
    assert read == expected and type(read) is type(expected)


@pytest.mark.parametrize("value", ["true", "True", "Trueish", "TRUE", "false", "Falconer", "null", "Null", "NULL",
                                   "nullish", "No", "Team manager", "0o17", "0x1F", "1e3", "2019-04-01", "2019/20",
                                   "5%", "0o_", "Family support 3"])
def test_a_value_starting_as_a_pattern_does_is_read_as_the_patterns_read_it(value):
    test_a_plain_value_read_once_for_the_file_is_what_yaml_s_patterns_make_of_it.hypothesis.inner_test(value)


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
    except (yamlread.YAMLError, yamlread._Unusual):
        # libyaml follows YAML 1.1 in a few corners (a ':' inside a flow list, "[0:0]"), and a
        # plain "=" is a tag of its own: read_yaml then took the pure reader, as checked above.
        return
    assert fast == pure


def test_a_problem_in_a_small_file_gets_the_pure_readers_message():
    # The pure reader's wording for an unclosed quote, at the line where the quote opens (line 2).
    with pytest.raises(ReadError) as caught:
        read_yaml("a: 1\nb: 'never closed\nc: 3\n")
    assert caught.value.line == 2
    assert "a quotation mark on this line is never closed" in caught.value.message


def test_a_web_address_in_braces_is_read_as_yaml_1_2_reads_it():
    # libyaml refuses a ':' inside a plain value in braces (YAML 1.1); YAML 1.2 allows it, and
    # a post's source is often written so.
    text = "staffing:\n  - {id: p1, title: Social worker, source: https://www.gov.uk/pay-2018}\n"
    assert read_yaml(text) == yamlread._read_pure(text)
    assert read_yaml(text)[0]["staffing"][0]["source"] == "https://www.gov.uk/pay-2018"


def test_a_unicode_line_separator_in_a_note_does_not_move_the_lines_after_it():
    # U+2028, pasted in from a word processor, is a line break to libyaml but not to an editor:
    # "b" is on line 3 as the editor counts.
    text = 'a: {value: 1, note: "one\u2028two"}\nc: 2\nb: 3\n'
    data, lines, _ = read_yaml(text)
    assert lines[("b",)] == 3 and data["a"]["note"] == "one\u2028two"


@pytest.mark.parametrize("text, line, words", [
    ("a: 1\nb: 2\na: 3\n", 3, 'duplicate key "a"'),
    ("a: &x 1\nb: *x\n", 1, "anchors and aliases"),
    ("a: 1\nb: *x\n", 2, "anchors and aliases"),
    ("a: 1\nb:\n  <<: {c: 1}\n", 3, "merge keys (<<) are not allowed"),
    ("a:\n  - d: 1\n    <<: {c: 1}\n", 3, "merge keys (<<) are not allowed"),
])
def test_the_fast_reader_refuses_what_the_pure_reader_refuses_with_the_same_words(text, line, words):
    for reader in (yamlread._read_fast, yamlread._read_pure, read_yaml):
        with pytest.raises(ReadError) as caught:
            reader(text)
        assert (caught.value.line, words in caught.value.message) == (line, True), reader


@pytest.mark.parametrize("text", ["a:\n  !!merge <<: {c: 1}\n", "a:\n  !!merge x: {c: 1}\n", "a: !!merge {c: 1}\n"])
def test_a_merge_asked_for_by_its_tag_is_refused_too(text):
    # A tagged node goes to the pure reader, which would merge it (or fail with no line).
    with pytest.raises(ReadError) as caught:
        read_yaml(text)
    assert "merge keys (<<) are not allowed" in caught.value.message and caught.value.line == text.count("\n")


def test_a_merge_sign_that_is_not_a_merge_key_is_plain_text():
    # Only a plain `<<` in a key's place merges; as a value, or quoted, it is text like any other.
    for reader in (yamlread._read_fast, yamlread._read_pure):
        assert reader('a: <<\n"<<": 1\n')[0] == {"a": "<<", "<<": 1}, reader


def test_text_shaped_like_a_date_that_is_not_one_stays_text_for_the_schema_to_report():
    # 2017-02-30 has no day 30 in February: both readers give the text, which the schema then
    # reports at its field (tests/scenario/test_bad_input.py); a real date is still a date.
    for reader in (yamlread._read_fast, yamlread._read_pure, read_yaml):
        data, lines, _ = reader("a: 2017-02-30\nb: 2017-02-28\n")
        assert data == {"a": "2017-02-30", "b": datetime.date(2017, 2, 28)}, reader
        assert lines[("a",)] == 1
    # A date and time goes to the pure reader (the fast one leaves times to it): hour 25 stays text.
    assert read_yaml("c: 2017-02-28 25:00:00\n")[0] == {"c": "2017-02-28 25:00:00"}


@pytest.mark.parametrize("text, data, split", [
    # value 900 and a key 000 with no value: one amount, put back together, reported at value's path.
    ("a: {value: 900,000, source: x}\n", {"a": {"value": "900,000", "source": "x"}}, [("a", "value")]),
    # two commas leave two keys 000, a duplicate that used to stop the reading
    ("a: {value: 1,000,000, low: £800,000, high: -1,200}\n",
     {"a": {"value": "1,000,000", "low": "£800,000", "high": "-1,200"}},
     [("a", "value"), ("a", "low"), ("a", "high")]),
    # over two lines, and in a list of posts
    ("a:\n  - {id: p, count: 1,000,\n     salary: 35,000 }\n", {"a": [{"id": "p", "count": "1,000", "salary": "35,000"}]},
     [("a", 0, "count"), ("a", 0, "salary")]),
    # not amounts split by a comma: a key 000 with a value, text before it, a list, a quoted amount
    ("a: {value: 35, 000: 4}\n", {"a": {"value": 35, "0": 4}}, []),
    ("a: {name: Smith, 000}\n", {"a": {"name": "Smith", "0": None}}, []),
    ("a: [1,000, 2]\nb: {value: '1,000'}\nc: 1,000\n", {"a": [1, 0, 2], "b": {"value": "1,000"}, "c": "1,000"}, []),
])
def test_an_amount_split_by_its_commas_in_braces_is_read_whole_and_noted_by_both_readers(text, data, split):
    fast, pure = yamlread._read_fast(text), yamlread._read_pure(text)
    assert fast == pure
    assert read_yaml(text) == pure
    assert pure.data == data
    assert [path for path, _ in pure.problems] == split
    for path, message in pure.problems:
        written = pure.data
        for part in path:
            written = written[part]
        assert f'quote the amount ("{written}") or write it without commas ({written.replace(",", "")})' in message


def test_a_key_of_digits_written_twice_is_still_a_duplicate():
    for reader in (yamlread._read_fast, yamlread._read_pure, read_yaml):
        with pytest.raises(ReadError) as caught:
            reader("a: {b: 1, 000: 1, 000: 2}\n")
        assert caught.value.line == 1 and 'duplicate key "0"' in caught.value.message, reader


def test_a_tab_that_is_not_indentation_is_not_called_indentation():
    # libyaml takes a tab after a ':' as a space; the pure reader, which reads this file because libyaml
    # refuses its line 4, does not. The tab is in column 3 of line 1, where a space was meant.
    text = "a:\t1\nb:\n  c: 1\n   d: 2\n"
    for reader in (yamlread._read_pure, read_yaml):
        with pytest.raises(ReadError) as caught:
            reader(text)
        assert caught.value.line == 1, reader
        assert caught.value.message == "not valid YAML: a tab character in column 3, where YAML needs a space; " \
                                       "type a space instead", reader


@pytest.mark.parametrize("text, line, path, words", [
    ("a:\n  b: !!int .nan\n", 2, ("a", "b"), "a YAML tag (!!int) is not allowed"),
    ("a: [1, !!omap [b: 1]]\n", 1, ("a", 1), "a YAML tag (!!omap) is not allowed"),
    ("a: !!set {b}\n", 1, ("a",), "a YAML tag (!!set) is not allowed"),
    ("a:\n  - !local 3\n", 2, ("a", 0), "a YAML tag (!local) is not allowed"),
    ("a:\n  !!str b: 1\n", 2, ("a", "b"), "a YAML tag (!!str) is not allowed"),
    ("a: !!python/object:os.system x\n", 1, ("a",), "a YAML tag (!!python/object:os.system) is not allowed"),
    ("a: 1\nb: " + "9" * 4301 + "\n", 2, ("b",), "a whole number 4,301 digits long"),
    ("a:\n  - -" + "1_" * 4301 + "\n", 2, ("a", 0), "a whole number 4,301 digits long"),
])
def test_tags_and_numbers_too_long_to_read_are_refused_at_their_line_and_field_by_both_readers(text, line, path,
                                                                                                words):
    # ruamel's constructors failed inside on some of these (!!int .nan, !!omap), and Python refuses to
    # read a whole number of more than 4,300 digits: each was a fault, with no line.
    for reader in (yamlread._read_fast, yamlread._read_pure, read_yaml):
        with pytest.raises(ReadError) as caught:
            reader(text)
        assert (caught.value.line, caught.value.path, words in caught.value.message) == (line, path, True), reader


def test_a_whole_number_of_4300_digits_is_still_read_for_the_schema_to_judge():
    text = "a: " + "9" * 4300 + "\n"
    assert yamlread._read_fast(text) == yamlread._read_pure(text)
    assert read_yaml(text)[0]["a"] == 10**4300 - 1


@pytest.mark.parametrize("directive", ["%YAML 1.1", "%YAML 1.3", "%YAML 2.0"])
def test_a_yaml_directive_for_any_version_but_1_2_is_refused_at_its_line(directive):
    # ruamel stopped on 1.3 with an AssertionError; 1.1 would make `no` a boolean.
    text = f"# a comment\n{directive}\n---\na: no\n"
    with pytest.raises(ReadError) as caught:
        read_yaml(text)
    assert (caught.value.line, caught.value.message) == (2, "scenarios are YAML 1.2; remove the %YAML directive")
    assert read_yaml(text.replace(directive, "%YAML 1.2"))[0] == {"a": "no"}


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x9c"])
def test_a_control_character_is_named_at_its_line_and_field_in_one_line(character):
    # The pure reader's own message was two lines, with an offset for a line; libyaml refuses the file too.
    text = f"a: 1\nb:\n  - c: ok\n  - d: one{character}two\n"
    for reader in (yamlread._read_pure, read_yaml):
        with pytest.raises(ReadError) as caught:
            reader(text)
        assert (caught.value.line, caught.value.path) == (4, ("b", 1, "d")), reader
        assert f"the control character U+{ord(character):04X}" in caught.value.message
        assert "\n" not in caught.value.message


@pytest.mark.parametrize("separator, name", [("\u2028", "a line separator"), ("\u2029", "a paragraph separator")])
def test_a_line_separator_in_a_comment_is_named_at_its_line_not_left_to_the_parsers_words(separator, name):
    # YAML ends a comment at U+2028 though an editor shows no break, so "two" is read as YAML.
    # `  author: x  # one` is 2 + 9 + 4 + 3 = 18 characters, so the separator is character 19.
    text = f"metadata:\n  author: x  # one{separator}two\n  title: y\n"
    with pytest.raises(ReadError) as raised:
        read_yaml(text)
    assert raised.value.line == 2
    assert f"U+{ord(separator):04X}, {name} (character 19)" in str(raised.value)
    assert "replace it with a space" in str(raised.value)


def test_a_key_hidden_after_a_line_separator_in_a_comment_is_refused_not_read():
    # Parsed, `vacancy: 50%` would be a key no editor shows: the comment appears to run to the line's end.
    text = "post:\n  salary: 30000\n  vacancy: 5%  # was 4%\u2028  vacancy2: 50%\n"
    with pytest.raises(ReadError) as raised:
        read_yaml(text)
    assert raised.value.line == 3 and "in a comment" in str(raised.value)
