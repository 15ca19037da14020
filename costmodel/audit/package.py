"""A workbook's parts and what a reader sees besides its cells' contents.

An .xlsx file is a zip of XML parts tied together by relationships: the workbook names its
sheets (and whether each is hidden), each sheet points to its drawing (charts, pictures,
shapes) and its notes, and the styles give each cell its number format. A reader sees all of
it: a number format can make any figure display as any text, a hidden sheet is not seen, a
chart can draw another row than its title says. `Presentation` gathers these from a workbook
in terms a spreadsheet program keeps when it re-saves the file (sheet names, cell references,
note text, chart references and cached values), so a re-saved workbook can be compared with
the re-run as well as one costmodel wrote and nobody touched.

Every part is parsed through defusedxml; `reader.check_archive` has already refused entities,
macros and external links, and bounded every part's size.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from xml.etree.ElementTree import tostring  # writing XML out is safe; only reading it needs defusedxml
from dataclasses import dataclass, field

from defusedxml import ElementTree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


class PartError(Exception):
    """A part that is not well-formed XML; the message names it."""


def parse(data: bytes, part: str):
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise PartError(f"its part {part} is not well-formed XML ({exc})") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Package:
    """The parts of a zip, and the relationships between them, read on demand."""

    def __init__(self, data: bytes | None = None, archive: zipfile.ZipFile | None = None):
        self.archive = archive if archive is not None else zipfile.ZipFile(io.BytesIO(data))
        self.names = [info.filename for info in self.archive.infolist()]
        self._cache: dict[str, bytes | None] = {}

    def read(self, part: str) -> bytes | None:
        if part not in self._cache:
            self._cache[part] = self.archive.read(part) if part in self.names else None
        return self._cache[part]

    def relationships(self, part: str) -> list[dict]:
        """The relationships of a part: each with its Id, Type, Target (resolved) and TargetMode."""
        name = rels_part(part) if part else "_rels/.rels"
        data = self.read(name)
        if data is None:
            return []
        out = []
        folder = posixpath.dirname(part)
        for element in parse(data, name):
            if _local(element.tag) != "Relationship":
                continue
            target = element.get("Target", "")
            external = element.get("TargetMode", "") == "External"
            if not external:
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
            out.append({"id": element.get("Id"), "type": element.get("Type", "").rsplit("/", 1)[-1],
                        "target": target, "external": external})
        return out

    def workbook_part(self) -> str:
        for rel in self.relationships(""):
            if rel["type"] == "officeDocument" and not rel["external"]:
                return rel["target"]
        return "xl/workbook.xml"

    def sheets(self) -> list[tuple[str, str | None, str]]:
        """(name, part, state) of each sheet, in the workbook's order."""
        workbook = self.workbook_part()
        data = self.read(workbook)
        if data is None:
            return []
        targets = {rel["id"]: rel["target"] for rel in self.relationships(workbook)}
        out = []
        for element in parse(data, workbook).iter(f"{{{MAIN}}}sheet"):
            out.append((element.get("name", ""), targets.get(element.get(f"{{{REL}}}id")),
                        element.get("state", "visible") or "visible"))
        return out

    def related(self, part: str, kind: str) -> list[str]:
        return [rel["target"] for rel in self.relationships(part) if rel["type"] == kind and not rel["external"]]


# --------------------------------------------------------------------------- what a reader sees

@dataclass
class Presentation:
    #: sheet -> visible, hidden or veryHidden
    states: dict[str, str] = field(default_factory=dict)
    #: (name, the sheet it belongs to or "", what it refers to)
    names: set[tuple[str, str, str]] = field(default_factory=set)
    #: sheet -> its charts in order, each its series' references with their cached values
    charts: dict[str, list[tuple]] = field(default_factory=dict)
    #: (sheet, cell) -> the note's text
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    #: sheet -> how many of each kind of object its drawing holds (chart, picture, shape, ...)
    objects: dict[str, Counter] = field(default_factory=dict)


def presentation_of(data: bytes) -> Presentation:
    package = Package(data)
    seen = Presentation()
    sheets = package.sheets()
    index_of = {n: name for n, (name, _, _) in enumerate(sheets)}
    for name, part, state in sheets:
        seen.states[name] = state
        if part is None:
            continue
        for drawing in package.related(part, "drawing"):
            xml = package.read(drawing)
            if xml is None:
                continue
            charts = {rel["id"]: rel["target"] for rel in package.relationships(drawing) if rel["type"] == "chart"}
            kinds: Counter = Counter()
            for anchor in parse(xml, drawing):
                for child in anchor:
                    kind = {"graphicFrame": "chart", "pic": "picture", "sp": "shape", "grpSp": "group of shapes",
                            "cxnSp": "connector", "contentPart": "ink"}.get(_local(child.tag))
                    if kind:
                        kinds[kind] += 1
                for element in anchor.iter(f"{{{CHART}}}chart"):
                    target = charts.get(element.get(f"{{{REL}}}id"))
                    chart_xml = package.read(target) if target else None
                    if chart_xml is not None:
                        seen.charts.setdefault(name, []).append(_series(parse(chart_xml, target)))
            seen.objects[name] = kinds
        for comments in package.related(part, "comments"):
            xml = package.read(comments)
            if xml is None:
                continue
            for comment in parse(xml, comments).iter(f"{{{MAIN}}}comment"):
                text = "".join(t.text or "" for t in comment.iter(f"{{{MAIN}}}t"))
                seen.notes[(name, comment.get("ref", ""))] = text
    workbook = package.workbook_part()
    xml = package.read(workbook)
    if xml is not None:
        for element in parse(xml, workbook).iter(f"{{{MAIN}}}definedName"):
            local = element.get("localSheetId")
            sheet = index_of.get(int(local), local) if local is not None and local.isdigit() else ""
            seen.names.add((element.get("name", ""), sheet, _reference(element.text or "")))
    return seen


def _reference(text: str) -> str:
    """A reference as a reader follows it: quotes and $ signs are how it is written, not where it points."""
    return re.sub(r"[$']", "", text.strip())


def _series(chart) -> tuple:
    """Each reference the chart draws from (series names, categories, values), with its cached values."""
    out = []
    for ref in chart.iter():
        if _local(ref.tag) not in ("numRef", "strRef"):
            continue
        formula = next((child.text or "" for child in ref if _local(child.tag) == "f"), "").strip()
        if formula.startswith('"'):
            continue  # a series named in words, written as a reference by LibreOffice: it points at no cell
        cached = tuple(point.text or "" for point in ref.iter(f"{{{CHART}}}v"))
        out.append((_reference(formula), _local(ref.tag), cached))
    return tuple(out)


def _same_values(a: tuple, b: tuple) -> bool:
    """Cached numbers agree to the penny, as cells do; cached text is the program's own formatting of
    them (LibreOffice writes "£31,394,558" where costmodel writes the number), so is not compared."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        try:
            if abs(float(x) - float(y)) > 0.005:
                return False
        except ValueError:
            return False
    return True


def _same_chart(a: tuple, b: tuple) -> bool:
    if [ref for ref, _, _ in a] != [ref for ref, _, _ in b]:
        return False
    return all(_same_values(x, y) for (_, kind_a, x), (_, kind_b, y) in zip(a, b)
               if kind_a == kind_b == "numRef")


def compare_presentation(published: Presentation, rerun: Presentation) -> list[tuple[str, str, str]]:
    """What a reader sees differently, as (sheet or "", cell or "", words)."""
    out = []
    for sheet, state in published.states.items():
        expected = rerun.states.get(sheet)
        if expected is not None and state != expected:
            out.append((sheet, "", f"the sheet is {_state_words(state)}; in the re-run it is "
                                   f"{_state_words(expected)}"))
    for name, sheet, refers in sorted(published.names - rerun.names):
        out.append(("", "", f"a defined name {name}{' on ' + sheet if sheet else ''} refers to {refers}, "
                            f"which the re-run does not have"))
    for name, sheet, refers in sorted(rerun.names - published.names):
        out.append(("", "", f"the defined name {name}{' on ' + sheet if sheet else ''} ({refers}) is missing"))
    for sheet in dict.fromkeys(list(rerun.objects) + list(published.objects)):
        theirs, mine = published.objects.get(sheet, Counter()), rerun.objects.get(sheet, Counter())
        for kind in sorted(set(theirs) | set(mine)):
            if theirs[kind] != mine[kind]:
                out.append((sheet, "", f"its drawing holds {_count(theirs[kind], kind)}; the re-run's holds "
                                       f"{mine[kind]}"))
    for sheet, charts in rerun.charts.items():
        theirs = published.charts.get(sheet, [])
        for number, (expected, found) in enumerate(zip(charts, theirs), start=1):
            if _same_chart(found, expected):
                continue
            refs_found, refs_expected = [ref for ref, _, _ in found], [ref for ref, _, _ in expected]
            if refs_found != refs_expected:
                out.append((sheet, "", f"chart {number} draws from {', '.join(refs_found) or 'nothing'}; in the "
                                       f"re-run it draws from {', '.join(refs_expected)}"))
            else:
                changed = [ref for (ref, _, a), (_, _, b) in zip(found, expected) if not _same_values(a, b)]
                out.append((sheet, "", f"chart {number} shows other values than its cells hold (the values saved "
                                       f"in the chart for {', '.join(changed)})"))
    for key in sorted(set(published.notes) | set(rerun.notes)):
        theirs, mine = published.notes.get(key), rerun.notes.get(key)
        if theirs == mine:
            continue
        sheet, cell = key
        if theirs is None:
            out.append((sheet, cell, "its note is missing"))
        elif mine is None:
            out.append((sheet, cell, f"a note was added: {_quote(theirs)}"))
        else:
            out.append((sheet, cell, f"its note was changed to {_quote(theirs)} (the re-run's: {_quote(mine)})"))
    return out


def _state_words(state: str) -> str:
    return {"visible": "visible", "hidden": "hidden", "veryHidden": "very hidden (not listed in Unhide)"}.get(
        state, state)


def _count(n: int, kind: str) -> str:
    return f"{n} {kind}{'' if n == 1 else 's'}"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= 80 else f'"{text[:77]}..."'


# --------------------------------------------------------------------------- part by part

#: How a reader names each kind of part, for a part that differs with nothing more to say about it.
PART_WORDS = [
    (r"docProps/.*", "the document properties (title, author, dates)"),
    (r"xl/styles\.xml", "the styles (fonts, colours, borders, fills)"),
    (r"xl/theme/.*", "the theme (colours and fonts)"),
    (r"xl/sharedStrings\.xml", "the workbook's text (shared strings)"),
    (r"xl/workbook\.xml", "the workbook's settings"),
    (r"xl/charts/.*", "a chart's titles, colours or layout"),
    (r"xl/drawings/vml.*", "the notes' boxes"),
    (r"xl/drawings/.*", "a drawing's layout"),
    (r"xl/comments.*", "a note's formatting"),
    (r"(.*/)?_rels/.*|\[Content_Types\]\.xml", "how the parts refer to each other"),
]


def part_words(part: str) -> str:
    return next((words for pattern, words in PART_WORDS if re.fullmatch(pattern, part)), "a part of the file")


def sheet_outside_cells(xml: bytes, part: str) -> tuple:
    """A sheet part without its cells' contents: its settings (columns, views, merged cells, print setup,
    conditional formats), each row's attributes (hidden, height) and each cell's style, for comparing a
    sheet whose cells are compared one by one already."""
    root = parse(xml, part)
    settings, rows = [], []
    for child in root:
        if _local(child.tag) == "sheetData":
            for row in child:
                styles = tuple((c.get("r"), c.get("s", "0")) for c in row if _local(c.tag) == "c")
                rows.append((tuple(sorted(row.attrib.items())), styles))
        else:
            settings.append(tostring(child))
    return tuple(settings), tuple(rows)
