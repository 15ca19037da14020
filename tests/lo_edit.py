"""Make LibreOffice itself attempt a reader's edits on a workbook, and report what it did with each.

Two ways, each waiting on LibreOffice's exit (bounded), never on time:

- `edits_in_libreoffice`: a Python macro inside LibreOffice headless (a private profile, its script
  in the profile's user/Scripts/python/) opens the workbook hidden, recalculated on load, moves the
  cell cursor to each cell and enters the text through the dispatcher (`.uno:GoToCell`, then
  `.uno:EnterString`): Calc's ScViewFunc::EnterData, where typed text ends. Runs wherever
  LibreOffice runs Python macros (Debian's nogui packages and the script provider).
- `typed_in_libreoffice`: the system Python with LibreOffice's uno bridge starts LibreOffice
  headless, opens the workbook in a Calc view and types each edit into the cell grid, key by key
  and Return, through the UI-test service: Calc's cell input handler, as a reader types. Needs a
  LibreOffice that can build a Calc view (its user interface files; Debian's nogui packages ship
  none) and python3-uno.

What LibreOffice 7.4 enforces through which path, found by trying:

- `cell.setValue` / `cell.setFormula` through the API ignore sheet protection: a locked formula
  cell on a protected sheet is overwritten. They prove nothing about a reader's edit.
- The dispatcher's `.uno:EnterString` refuses a locked cell on a protected sheet and leaves it as
  it was (the "protected cell" message is answered at once in headless mode, so nothing blocks),
  but never consults a validation rule: a value outside it is written. What that path can show
  instead is LibreOffice's own verdict on the value: Detective > Mark Invalid Data
  (`.uno:ShowInvalid`), which runs the rule's test and circles each cell that breaks it.
- Typed into a view, a locked cell is refused and a value outside a STOP rule is refused (the cell
  keeps its value); a valid value is taken and every dependent formula recalculates.
- A document opened hidden is never Calc's current view, so keys typed into it reach no input
  handler; and in Debian's nogui packages showing a Calc view aborts LibreOffice (signal 6, an
  exception building the formula bar from its missing user interface file).
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


# --------------------------------------------------------------------------- typed, as a reader types

#: The Python that has LibreOffice's uno bridge (Debian: python3-uno); the project's own may not.
SYSTEM_PYTHON = "/usr/bin/python3"

#: One of the Calc user interface files a visible Calc view is built from (its formula bar).
#: Debian's libreoffice-calc-nogui ships none: a Calc view cannot be shown there, so keys cannot
#: be typed into it (LibreOffice aborts building the formula bar). libreoffice-calc ships them.
CALC_UI = Path("share/config/soffice.cfg/modules/scalc/ui/inputbar.ui")

#: Run with the system Python: starts LibreOffice, opens the workbook in a view (headless, so no
#: screen, and any message box is answered at once), and types each edit into the cell with the
#: UI-test service, key by key and Return, as a reader does. Calc's input handler then takes it,
#: refuses it (a locked cell, a value outside a STOP rule) or passes it to the cell.
DRIVER = r'''
import json
import os
import subprocess
import sys
import traceback

# Importing uno points URE_BOOTSTRAP at this Python's LibreOffice; the one started keeps its own.
OFFICE_ENVIRONMENT = dict(os.environ)
import uno  # noqa: E402
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

request = json.load(open(sys.argv[1], encoding="utf-8"))


def _property(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _state(cell):
    return {"formula": cell.getFormula(), "value": cell.getValue(), "string": cell.getString()}


def _cell(doc, sheet, name):
    if "!" in name:
        other, name = name.rsplit("!", 1)
        sheet = doc.Sheets.getByName(other)
    return sheet.getCellRangeByName(name)


def _rule(cell):
    v = cell.Validation
    return {"type": v.Type.value, "operator": v.getOperator().value, "formula1": v.getFormula1(),
            "formula2": v.getFormula2(), "alert_style": v.ErrorAlertStyle.value,
            "show_error": bool(v.ShowErrorMessage), "error_title": v.ErrorTitle,
            "error_message": v.ErrorMessage}


log = open(request["log"], "w")
office = subprocess.Popen(request["command"], stdout=log, stderr=log, env=OFFICE_ENVIRONMENT)
report = {"edits": []}
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    # Each try either finds LibreOffice listening or waits for it to end, which it would do only
    # if it failed to start: a wait on an event, bounded by the caller's.
    while True:
        try:
            ctx = resolver.resolve(request["connect"])
            break
        except NoConnectException:
            try:
                office.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError("LibreOffice ended (exit %s) before it listened" % office.returncode)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    uitest = smgr.createInstanceWithContext("org.libreoffice.uitest.UITest", ctx)
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["book"]), "_blank", 0, ())
        if doc is None:
            raise RuntimeError("LibreOffice did not open " + request["book"])
        frame = doc.getCurrentController().getFrame()
        # The cell grid of the view, found while it has the focus; a message box takes the focus
        # after a refusal, and the keys must still go to the grid.
        grid = uitest.getTopFocusWindow().getChild("grid_window")
        for one in request["edits"]:
            sheet = doc.Sheets.getByName(one["sheet"])
            cell = sheet.getCellRangeByName(one["cell"])
            found = {"sheet_protected": bool(sheet.isProtected()),
                     "locked": bool(cell.getPropertyValue("CellProtection").IsLocked),
                     "rule": _rule(cell), "before": _state(cell)}
            dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0,
                                       (_property("ToPoint", "$'%s'.%s" % (one["sheet"], one["cell"])),))
            grid.executeAction("TYPE", (_property("TEXT", one["text"]),))
            grid.executeAction("TYPE", (_property("KEYCODE", "RETURN"),))
            found["after"] = _state(cell)
            found["watched"] = {name: _state(_cell(doc, sheet, name)) for name in one["watch"]}
            found["circled_invalid"] = []
            report["edits"].append(found)
        doc.close(True)
    finally:
        desktop.terminate()
except Exception:
    report["error"] = traceback.format_exc()
finally:
    with open(request["result"], "w", encoding="utf-8") as out:
        json.dump(report, out, indent=1)
    try:
        office.wait(timeout=request["patience"])
    except subprocess.TimeoutExpired:
        office.kill()
'''


def typing_libreoffice() -> str:
    """soffice, able to show a Calc view that keys can be typed into, with a Python that has its uno
    bridge; or a skip saying why (a failure where COSTMODEL_REQUIRE_CALC_VIEW is set)."""
    found = soffice()
    ui = Path(os.path.realpath(found)).parent.parent / CALC_UI
    reasons = []
    if not ui.exists():
        reasons.append(f"LibreOffice has no Calc user interface files ({ui} is missing: Debian's "
                       "libreoffice-calc-nogui ships none, libreoffice-calc does), so no Calc view can be "
                       "shown to type into")
    if not Path(SYSTEM_PYTHON).exists() or \
            subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode != 0:
        reasons.append(f"{SYSTEM_PYTHON} cannot import uno (Debian: python3-uno)")
    if not reasons:
        return found
    reason = "; ".join(reasons)
    # Its own switch, not COSTMODEL_REQUIRE_LIBREOFFICE: a machine with Debian's nogui packages runs every
    # other LibreOffice test but cannot show a view. .ci/run installs libreoffice-calc and sets both.
    if os.environ.get("COSTMODEL_REQUIRE_CALC_VIEW"):
        pytest.fail(reason)
    pytest.skip(reason)


def typed_in_libreoffice(book: Path, edits: list[Edit], folder: Path) -> list[Outcome]:
    """Open `book` in a Calc view and type each edit in turn, as a reader does; report each.

    Unlike `edits_in_libreoffice`, this goes through Calc's input handler, which is where a value
    outside a validation rule is refused. Nothing is circled here (`circled_invalid` stays empty).
    """
    command = typing_libreoffice()
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    pipe = f"costmodel-edits-{os.getpid()}-{abs(hash(str(folder)))}"
    result = folder / "typed-result.json"
    request = folder / "typed-request.json"
    request.write_text(json.dumps({
        "command": [command, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--nologo", f"--accept=pipe,name={pipe};urp;"],
        "connect": f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext",
        "book": str(book.resolve()), "result": str(result), "patience": PATIENCE,
        "log": str(folder / "soffice.log"),
        "edits": [{"sheet": e.sheet, "cell": e.cell, "text": e.text, "watch": list(e.watch)} for e in edits]}))
    (folder / "typed-driver.py").write_text(DRIVER)
    process = subprocess.Popen([SYSTEM_PYTHON, str(folder / "typed-driver.py"), str(request)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=2 * PATIENCE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise AssertionError(f"LibreOffice did not finish typing the edits in {2 * PATIENCE:.0f} s: {stdout} {stderr}")
    assert result.exists(), f"the typing driver reported nothing (exit {process.returncode}): {stdout} {stderr}"
    report = json.loads(result.read_text())
    assert "error" not in report, (f"typing the edits into LibreOffice failed:\n{report['error']}\n"
                                   f"LibreOffice said: {(folder / 'soffice.log').read_text()[-2000:]}")
    assert len(report["edits"]) == len(edits), f"LibreOffice reported {len(report['edits'])} of {len(edits)} edits"
    return [Outcome(edit=e, **{k: r[k] for k in ("sheet_protected", "locked", "rule", "before", "after", "watched",
                                                 "circled_invalid")})
            for e, r in zip(edits, report["edits"])]
