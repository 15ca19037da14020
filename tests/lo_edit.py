"""Make LibreOffice itself attempt a reader's edits on a workbook, and report what it did with each.

A Python macro runs inside LibreOffice headless (a private profile, its script in the profile's
user/Scripts/python/). It opens the workbook hidden, recalculated on load, and for each edit moves
the cell cursor to the cell and enters the text through the dispatcher (`.uno:GoToCell`, then
`.uno:EnterString`), the way Calc writes what a user typed into a cell; then it records the
cell as it now is, and the watched cells, as Calc recalculated them. It writes its findings as
JSON and ends LibreOffice, so the wait is on the process's exit, bounded, never on time.

What LibreOffice 7.4 (Debian's nogui build) enforces through which path, found by trying:

- `cell.setValue` / `cell.setFormula` through the API ignore sheet protection: a locked formula
  cell on a protected sheet is overwritten. They prove nothing about a reader's edit.
- `.uno:EnterString` (Calc's ScViewFunc::EnterData, where typed text ends) refuses a locked cell
  on a protected sheet and leaves it as it was. The "protected cell" message it raises is
  cancelled at once in headless mode, so it does not block.
- Data validation is enforced only in Calc's cell input handler, as keys are typed, and that
  handler belongs to the current, visible view. A document opened hidden never becomes the
  current view (typed keys, sent through the UI-test service, reach no handler), and this build
  aborts (signal 6) as soon as a Calc window is shown. So `.uno:EnterString` writes a value
  outside a validation rule. What LibreOffice can be made to show instead is its own verdict
  on the value: Detective > Mark Invalid Data (`.uno:ShowInvalid`), which runs the rule's own
  test (the one the input handler refuses with) and circles each cell that breaks its rule.
  Each edit's result says which cells of its sheet are circled after it, and the rule
  LibreOffice read (type, operator, bounds, alert style, whether an error is shown, message).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from libreoffice import RECALCULATE_ON_LOAD, soffice

#: LibreOffice runs Python macros only with this (Debian: libreoffice-script-provider-python,
#: which brings python3-uno); .ci/run installs it.
SCRIPT_PROVIDER = Path("/usr/lib/libreoffice/program/pythonscript.py")

#: Opening, editing and closing one workbook takes seconds; a bound for a broken run, not a wait.
PATIENCE = 300.0

MACRO_NAME = "costmodel_edits.py"

#: The macro, run inside LibreOffice with its own Python and the uno bridge.
MACRO = r'''
import json
import os
import traceback

import uno
from com.sun.star.beans import PropertyValue


def _property(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _rule(cell):
    v = cell.Validation
    return {"type": v.Type.value, "operator": v.getOperator().value, "formula1": v.getFormula1(),
            "formula2": v.getFormula2(), "alert_style": v.ErrorAlertStyle.value,
            "show_error": bool(v.ShowErrorMessage), "error_title": v.ErrorTitle,
            "error_message": v.ErrorMessage}


def _state(cell):
    return {"formula": cell.getFormula(), "value": cell.getValue(), "string": cell.getString()}


def _circled(sheet):
    """The cells Detective > Mark Invalid Data circled on this sheet."""
    page = sheet.DrawPage
    out = []
    for i in range(page.getCount()):
        shape = page.getByIndex(i)
        if shape.ShapeType == "com.sun.star.drawing.EllipseShape":
            anchor = shape.Anchor
            if hasattr(anchor, "getCellAddress"):
                out.append(anchor.AbsoluteName.split(".")[-1].replace("$", ""))
    return sorted(out)


def _cell(doc, sheet, name):
    """A cell of the edit's sheet ("F30"), or of another ("in-house!F30")."""
    if "!" in name:
        other, name = name.rsplit("!", 1)
        sheet = doc.Sheets.getByName(other)
    return sheet.getCellRangeByName(name)


def edit(*args):
    request = json.loads(open(os.environ["COSTMODEL_LO_EDITS"], encoding="utf-8").read())
    report = {"edits": []}
    desktop = XSCRIPTCONTEXT.getDesktop()
    try:
        ctx = XSCRIPTCONTEXT.getComponentContext()
        dispatcher = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["book"]), "_blank", 0,
                                           (_property("Hidden", True),))
        if doc is None:
            raise RuntimeError("LibreOffice did not open " + request["book"])
        frame = doc.getCurrentController().getFrame()
        for one in request["edits"]:
            sheet = doc.Sheets.getByName(one["sheet"])
            cell = sheet.getCellRangeByName(one["cell"])
            found = {"sheet": one["sheet"], "cell": one["cell"], "text": one["text"],
                     "sheet_protected": bool(sheet.isProtected()),
                     "locked": bool(cell.getPropertyValue("CellProtection").IsLocked),
                     "rule": _rule(cell), "before": _state(cell)}
            dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0,
                                       (_property("ToPoint", "$'%s'.%s" % (one["sheet"], one["cell"])),))
            dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (_property("StringName", one["text"]),))
            found["after"] = _state(cell)
            found["watched"] = {name: _state(_cell(doc, sheet, name)) for name in one["watch"]}
            dispatcher.executeDispatch(frame, ".uno:ClearArrows", "", 0, ())
            dispatcher.executeDispatch(frame, ".uno:ShowInvalid", "", 0, ())
            found["circled_invalid"] = _circled(sheet)
            dispatcher.executeDispatch(frame, ".uno:ClearArrows", "", 0, ())
            report["edits"].append(found)
        doc.close(True)
    except Exception:
        report["error"] = traceback.format_exc()
    finally:
        with open(request["result"], "w", encoding="utf-8") as out:
            json.dump(report, out, indent=1)
        desktop.terminate()


g_exportedScripts = (edit,)
'''


@dataclass(frozen=True)
class Edit:
    """A reader typing `text` into one cell, and the cells whose values to read after it.

    A watched cell is on the edit's sheet ("B2") or names its own ("in-house!F30").
    """

    sheet: str
    cell: str
    text: str
    watch: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What LibreOffice did with one edit."""

    edit: Edit
    sheet_protected: bool
    locked: bool
    rule: dict
    before: dict
    after: dict
    watched: dict = field(default_factory=dict)
    circled_invalid: list = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.after["formula"] == self.before["formula"]

    def value(self, cell: str) -> float:
        return self.watched[cell]["value"]


def uno_macros() -> str:
    """soffice, able to run a Python macro; or a skip saying why (a failure where CI requires it)."""
    found = soffice()
    if SCRIPT_PROVIDER.exists():
        return found
    reason = (f"LibreOffice cannot run Python macros here ({SCRIPT_PROVIDER} is missing); .ci/run installs "
              "libreoffice-script-provider-python (with python3-uno), and CI requires it")
    if os.environ.get("COSTMODEL_REQUIRE_LIBREOFFICE"):
        pytest.fail(reason)
    pytest.skip(reason)


def edits_in_libreoffice(book: Path, edits: list[Edit], folder: Path) -> list[Outcome]:
    """Open `book` in LibreOffice, attempt each edit in turn on the same open document, report each."""
    command = uno_macros()
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profile"
    scripts = profile / "user" / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    (scripts / MACRO_NAME).write_text(MACRO)
    result = folder / "edits-result.json"
    request = folder / "edits-request.json"
    request.write_text(json.dumps({
        "book": str(book.resolve()), "result": str(result),
        "edits": [{"sheet": e.sheet, "cell": e.cell, "text": e.text, "watch": list(e.watch)} for e in edits]}))
    process = subprocess.Popen(
        [command, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo",
         f"vnd.sun.star.script:{MACRO_NAME}$edit?language=Python&location=user"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "COSTMODEL_LO_EDITS": str(request)})
    try:
        stdout, stderr = process.communicate(timeout=PATIENCE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise AssertionError(f"LibreOffice did not finish the edits in {PATIENCE:.0f} s: {stdout} {stderr}")
    assert result.exists(), f"LibreOffice ran no edit macro (exit {process.returncode}): {stdout} {stderr}"
    report = json.loads(result.read_text())
    assert "error" not in report, f"the edit macro failed inside LibreOffice:\n{report['error']}"
    assert len(report["edits"]) == len(edits), f"LibreOffice reported {len(report['edits'])} of {len(edits)} edits"
    return [Outcome(edit=e, **{k: r[k] for k in ("sheet_protected", "locked", "rule", "before", "after", "watched",
                                                 "circled_invalid")})
            for e, r in zip(edits, report["edits"])]
