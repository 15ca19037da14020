"""Text from a scenario or a workbook reaches the terminal as text, never as a command.

An escape sequence in a scenario's key, or in a cell of a workbook sent to `verify`, could set
the terminal's title (ESC ] 0 ; ... BEL), clear its screen (ESC [ 2 J) or move the cursor to
overwrite what was said (a carriage return). The command line shows each control character
escaped, as \\u001b, \\u0007 and \\u000d: readable, and the same form JSON uses.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from click.testing import CliRunner

import costmodel
from conftest import MINIMAL, ROOT
from costmodel.cli import cli
from costmodel.text import printable
from costmodel.workbook.writer import build_workbook
from workbookparts import parts_of, write_parts

#: Sets the window's title to "pwned", rings the bell, clears the screen and returns the cursor to the line's start.
SEQUENCE = "\x1b]0;pwned\x07\x1b[2J\r"
SHOWN = "\\u001b]0;pwned\\u0007\\u001b[2J\\u000d"


def _raw_controls(text: str) -> list[str]:
    """The control characters in printed text, but for the line breaks and tabs of its layout."""
    return [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]


def test_control_characters_are_shown_escaped_and_the_rest_as_it_is():
    assert printable("a\x1bb\x07c\x00\x7f\x85\x9bd") == "a\\u001bb\\u0007c\\u0000\\u007f\\u0085\\u009bd"
    # The layout's own line breaks and tabs, and text outside ASCII, are left alone.
    assert printable("£1,300,000\tÉcole\n“quoted” — 😀") == "£1,300,000\tÉcole\n“quoted” — 😀"


def test_an_escape_sequence_in_a_scenario_key_is_printed_escaped(tmp_path):
    # A YAML escape in a quoted key: the key is unknown, and reported, with its text.
    path = tmp_path / "scenario.yaml"
    key = '"ti\\e]0;pwned\\a\\e[2J\\rtle"'
    path.write_text(MINIMAL.replace("  title: Minimal scenario\n", f"  title: Minimal scenario\n  {key}: x\n"),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert _raw_controls(result.output) == []
    assert f"{path}:4: metadata.ti{SHOWN}tle: " in result.stderr, result.stderr


def test_an_escape_sequence_in_a_workbook_sent_to_verify_is_printed_escaped(tmp_path):
    published = tmp_path / "published.xlsx"
    published.write_bytes(build_workbook(costmodel.project(costmodel.load_scenario_text(MINIMAL, "minimal.yaml"))))
    parts = parts_of(published)
    # XML cannot carry ESC, but it can carry the C1 controls: OSC 0 ; pwned ST sets the title, CSI 2 J
    # clears the screen, on a terminal that reads them.
    hostile = "\x9d0;pwned\x9c\x9b2J"
    strings = parts["xl/sharedStrings.xml"].decode("utf-8")
    assert strings.count("<t>Trust</t>") == 1
    parts["xl/sharedStrings.xml"] = strings.replace("<t>Trust</t>", f"<t>Trust{hostile}</t>").encode("utf-8")
    tampered = write_parts(parts, tmp_path / "tampered.xlsx")
    result = CliRunner().invoke(cli, ["verify", str(tampered)])
    assert result.exit_code == 1
    assert _raw_controls(result.output) == []
    assert "published Trust\\u009d0;pwned\\u009c\\u009b2J, re-run Trust" in result.output, result.output
    # JSON on standard output is escaped the same way, which JSON reads back as the same text.
    as_json = CliRunner().invoke(cli, ["verify", str(tampered), "--json", "-"])
    assert _raw_controls(as_json.stdout) == []
    assert f"Trust{hostile}" in json.dumps(json.loads(as_json.stdout), ensure_ascii=False)


def test_a_file_name_in_a_usage_error_is_printed_escaped(tmp_path):
    """click's own messages (a bad command line) go through the same function: a file name from a
    shared folder, typed or globbed, is text from outside too."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "costmodel", "run", str(ROOT / "scenarios" / "template.yaml"),
                             "-o", str(tmp_path / f"book{SEQUENCE}.txt")], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert _raw_controls(result.stdout + result.stderr) == []
    assert f"book{SHOWN}.txt should end in .xlsx" in result.stderr, result.stderr
    assert "costmodel run [OPTIONS] SCENARIO" in result.stderr  # click's usage and hint are still shown
    assert list(tmp_path.iterdir()) == []


def test_every_message_the_command_line_prints_goes_through_one_function():
    """click.echo is called in one place, the function that escapes; a new message cannot bypass it."""
    tree = ast.parse((ROOT / "costmodel" / "cli.py").read_text(encoding="utf-8"))
    callers = []
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        node.func.attr in ("echo", "secho") and getattr(node.func.value, "id", None) == "click":
                    callers.append(function.name)
    assert callers == ["show"], callers
    # and nothing writes to the streams behind its back
    source = (ROOT / "costmodel" / "cli.py").read_text(encoding="utf-8")
    assert not re.search(r"\bprint\(|sys\.(stdout|stderr)\.write\(", source)
