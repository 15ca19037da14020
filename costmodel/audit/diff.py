"""What changed between two versions of a scenario, and what each change did to the totals.

Changes are applied to the old scenario one at a time, in the order they appear in the
new file, re-projecting after each; each option's change in NPC and cash is attributed
to the change that caused it. The parts add up to the whole by construction: the last
step is the new scenario itself. A change that leaves the scenario invalid on its own
(a new year and the line that uses it) is applied together with the next one.

Beside the totals, the two scenarios' conclusions (the appraisal's shortlist, ranks and
preferred option) are compared whole, old against new: see `outcome`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.projection import Projection, project
from ..limits import DEFAULT, PROJECTION_FLOOR, RAISE, Limits, TooLarge, read_bounded
from ..scenario.work import check_work, line_years
from ..scenario.loader import fill_ids, load_scenario_text, settle
from ..scenario.problems import Problem, ScenarioError
from ..scenario.schema import Scenario
from ..scenario.units import UnitError, parse_amount, parse_rate
from ..scenario.yamlread import ReadError, decode, line_of, read_yaml
from .outcome import OutcomeComparison, compare_outcomes, outcome_of
from ..review import compared, review

#: Keys whose values are words, not figures: a change to them cannot move a total.
TEXT_KEYS = {"source", "note", "description", "name", "title", "author", "date", "status", "reason", "partner",
             "authority"}
FIGURE_KEYS = ("value", "central")


@dataclass
class Change:
    path: tuple
    old: object
    new: object
    line: int | None

    @property
    def where(self) -> str:
        out = ""
        for part in self.path:
            if isinstance(part, tuple):
                out += f"[{part[1]}]"
            else:
                out += ("." if out else "") + str(part)
        return out

    @property
    def text_only(self) -> bool:
        return any(isinstance(p, str) and p in TEXT_KEYS for p in self.path[-1:])

    def __str__(self) -> str:
        if len(self.path) == 2 and self.path[0] == "options" and isinstance(self.path[1], tuple):
            if self.old is _ABSENT or self.new is _ABSENT:
                option = self.new if self.old is _ABSENT else self.old
                return (f"option {'added' if self.old is _ABSENT else 'dropped'}: {option.get('name', '')} "
                        f"({self.path[1][1]})")
        return f"{self.where}: {_show(self.old)} -> {_show(self.new)}"


@dataclass
class Step:
    """One or more changes applied together, and what they moved, option by option."""

    changes: list[Change]
    cash: dict[str, float] = field(default_factory=dict)
    npc: dict[str, float] = field(default_factory=dict)


@dataclass
class DiffReport:
    old_name: str
    new_name: str
    options: dict[str, str]
    old_totals: dict[str, tuple[float, float]]
    new_totals: dict[str, tuple[float, float]]
    steps: list[Step]
    text_changes: list[Change]
    #: What the two scenarios conclude, compared: the appraisal's outcome.
    outcome: OutcomeComparison

    def status(self, option_id: str) -> str:
        """'added' (only in the new scenario), 'dropped' (only in the old) or 'in both'."""
        if option_id not in self.old_totals:
            return "added"
        return "dropped" if option_id not in self.new_totals else "in both"

    def to_json(self) -> dict:
        from .. import __version__

        def totals(side: dict, option_id: str):
            if option_id not in side:
                return None
            return {"cash": _money(side[option_id][0]), "npc": _money(side[option_id][1])}

        return {
            "costmodel_version": __version__,
            "old": self.old_name,
            "new": self.new_name,
            "options": [{
                "id": option_id, "name": name, "status": self.status(option_id),
                "old": totals(self.old_totals, option_id), "new": totals(self.new_totals, option_id),
            } for option_id, name in self.options.items()],
            "changes": [{
                "step": n,
                "changed": [{"path": c.where, "old": _plain(c.old), "new": _plain(c.new), "line": c.line}
                            for c in step.changes],
                "cash": {k: _money(v) for k, v in step.cash.items()},
                "npc": {k: _money(v) for k, v in step.npc.items()},
            } for n, step in enumerate(self.steps, start=1)],
            "text_changes": [{"path": c.where, "old": _plain(c.old), "new": _plain(c.new), "line": c.line}
                             for c in self.text_changes],
            "outcome": self.outcome.to_json(),
        }


def read_source(path: str | Path, limits: Limits = DEFAULT) -> tuple[str, str, str | None, Path, list | None]:
    """(scenario text, name, the parameter set a workbook's Cover records, the folder its establishment
    files are read from, the establishment files a workbook's Cover records) from a scenario file or a
    costmodel workbook; None for the set and the files of a scenario file, which is as it says."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .reader import establishment_folder, open_published

        published = open_published(path, limits)
        return (published.scenario_text, f"{path} (scenario {published.scenario_file})", published.parameter_set,
                establishment_folder(published), published.establishments)
    try:
        raw = read_bounded(path, limits.scenario_bytes, "a scenario", refuse_nul=True)
    except TooLarge as exc:
        raise ScenarioError([Problem(str(path), 1, "", str(exc))]) from None
    except OSError as exc:
        raise ScenarioError([Problem(str(path), None, "", f"cannot be read: {exc.strerror or exc}")]) from None
    try:
        return decode(raw), str(path), None, path.parent, None
    except ReadError as exc:
        raise ScenarioError([Problem(str(path), exc.line, "", exc.message)]) from None


def diff(old_path: str | Path, new_path: str | Path, limits: Limits = DEFAULT) -> DiffReport:
    from .reader import price_as_recorded

    old_text, old_name, old_recorded, old_folder, old_files = read_source(old_path, limits)
    new_text, new_name, new_recorded, new_folder, new_files = read_source(new_path, limits)
    # Each side loads as a scenario in its own right, with every problem reported if it does not,
    # and a workbook's is priced with the parameter set it was published with.
    old_scenario = load_scenario_text(old_text, old_name, limits, folder=old_folder)
    new_scenario = load_scenario_text(new_text, new_name, limits, folder=new_folder)
    for path, name, recorded, scenario in ((old_path, old_name, old_files, old_scenario),
                                           (new_path, new_name, new_files, new_scenario)):
        _same_establishment_files(path, recorded, scenario)
    price_as_recorded(old_scenario, old_recorded, old_path)
    price_as_recorded(new_scenario, new_recorded, new_path)
    check_work(old_scenario, limits)
    check_work(new_scenario, limits)
    old_data, _ = _plain_data(old_text, old_name, old_folder, limits)
    new_data, new_lines = _plain_data(new_text, new_name, new_folder, limits)

    old_items, new_items = {}, {}
    old_leaves, new_leaves = _leaves(old_data, items=old_items), _leaves(new_data, items=new_items)
    # An option, post or line that is only on one side is one change, not one per value inside it.
    whole = {path: (old_items.get(path, _ABSENT), new_items.get(path, _ABSENT))
             for path in set(old_items) ^ set(new_items)}
    changes, done = [], set()
    for path in list(new_leaves) + [p for p in old_leaves if p not in new_leaves]:
        # The outermost: a post inside an option only one side has goes with its option.
        item = min((p for p in whole if path[:len(p)] == p), key=len, default=None)
        if item is not None:
            if item not in done:
                done.add(item)
                old, new = whole[item]
                changes.append(Change(item, _Item(old) if old is not _ABSENT else old,
                                      _Item(new) if new is not _ABSENT else new, _line(new_data, new_lines, item)))
            continue
        old, new = old_leaves.get(path, _ABSENT), new_leaves.get(path, _ABSENT)
        if not _same_meaning(old, new):
            changes.append(Change(path, old, new, _line(new_data, new_lines, path)))
    text_changes = [c for c in changes if c.text_only]
    figure_changes = [c for c in changes if not c.text_only]
    # Each change re-projects the scenario, as a draw of a simulation does: counted against the same limit.
    size = max(line_years(old_scenario), line_years(new_scenario), PROJECTION_FLOOR)
    if (len(figure_changes) + 2) * size > limits.diff_line_years:
        raise ScenarioError([Problem(new_name, None, "", (
            f"the diff would re-project the scenario once for each of its {len(figure_changes):,} changes, "
            f"{(len(figure_changes) + 2) * size:,} line-years in all; the limit is {limits.diff_line_years:,} "
            f"({RAISE})"))])

    old_projection, new_projection = project(old_scenario), project(new_scenario)
    steps: list[Step] = []
    state = copy.deepcopy(old_data)
    before = _totals(old_projection)
    parameters = new_scenario.priced_with
    if old_scenario.priced_with.label != parameters.label and not any(c.path[0] == "parameters" for c in figure_changes):
        # Priced with another parameter set though neither file says so (a workbook published with an
        # older set, against a file priced with the latest): its own step, first, so that no change of
        # the file is charged with it.
        figure_changes.insert(0, Change(("parameters",), old_scenario.priced_with.label, parameters.label,
                                        _line(new_data, new_lines, ("parameters",))))
    pending: list[Change] = []
    for index, change in enumerate(figure_changes):
        if change.path != ("parameters",):
            _apply(state, change)
        pending.append(change)
        last = index == len(figure_changes) - 1
        candidate = new_scenario if last else _try_scenario(state, parameters)
        if candidate is None:
            continue  # not valid on its own: apply it together with the next change
        after = _totals(project(candidate))
        steps.append(_step(pending, before, after))
        before, pending = after, []
    options = {o.option.id: o.option.name for o in old_projection.options}
    options.update({o.option.id: o.option.name for o in new_projection.options})
    outcome = compare_outcomes(*(outcome_of(projection, [compared(warning) for warning in review(projection)])
                                 for projection in (old_projection, new_projection)))
    return DiffReport(old_name, new_name, options, _totals(old_projection), _totals(new_projection), steps,
                      text_changes, outcome)


# --------------------------------------------------------------------------- leaves

_ABSENT = "(absent)"


def _plain_data(text: str, name: str, folder: Path | None = None, limits: Limits = DEFAULT):
    try:
        # Both files have loaded, so nothing was noted while reading them.
        data, lines, _ = read_yaml(text)
    except ReadError as exc:
        raise ScenarioError([Problem(name, exc.line, "", exc.message)]) from None
    if isinstance(data, dict):
        _with_establishments(data, folder or Path("."), limits)
        fill_ids(data)
    return data, lines


def _with_establishments(data: dict, folder: Path, limits: Limits) -> None:
    """Each option's posts read from an establishment file put in its staffing, as if listed there: a post
    the file changes is then a change like any other, re-projected in its turn."""
    from ..scenario.establishment import read_establishment
    from ..scenario.schema import StaffingFrom, file_or_mapping

    for option in data.get("options") or []:
        if isinstance(option, dict) and "staffing_from" in option:
            spec = StaffingFrom.model_validate(file_or_mapping(option.pop("staffing_from")))
            option["staffing"] = [dict(row) for row in read_establishment(spec, folder, "", limits).rows]


def _same_establishment_files(path, recorded: list | None, scenario: Scenario) -> None:
    """A workbook's establishment files are the ones it was made from: otherwise its posts are not to hand."""
    now = {found.option: found for found in scenario.establishments}
    for then in recorded or ():
        found = now.get(then.option)
        if found is None or found.sha256 != then.sha256:
            raise ScenarioError([Problem(str(path), None, "", (
                f"its posts of option '{then.option}' were read from {then.file} (SHA-256 {then.sha256[:12]}…), "
                f"which has changed since it was made, so the posts it was made from are not to hand to compare; "
                f"diff the scenario files, each beside its own establishment file"))])


def _try_scenario(data, parameters) -> Scenario | None:
    """The scenario `data` states, priced with the new side's parameter set; None if it is not valid."""
    from pydantic import ValidationError

    try:
        scenario = Scenario.model_validate(copy.deepcopy(data))
    except ValidationError:
        return None
    if settle(scenario):
        return None
    if data.get("parameters") is None:
        scenario.price_with(parameters)
    return scenario


def _leaves(node, path: tuple = (), items: dict | None = None) -> dict[tuple, object]:
    """Every value in the scenario, keyed by its path. List items with ids (options, posts, lines)
    are keyed by id, so reordering them is no change, and recorded in `items` by their path."""
    out: dict[tuple, object] = {}
    if isinstance(node, dict):
        if any(key in node for key in FIGURE_KEYS) and path and path[-1] not in ("discounting",):
            # A figure written in full: its value stands where a bare number would.
            for key, value in node.items():
                out[path if key in FIGURE_KEYS else path + (key,)] = value
            return out
        for key, value in node.items():
            out.update(_leaves(value, path + (key,), items))
        return out
    if isinstance(node, list) and node and all(isinstance(item, dict) and "id" in item for item in node):
        for item in node:
            item_path = path + (("id", item["id"]),)
            if items is not None:
                items[item_path] = item
            out.update(_leaves(item, item_path, items))
        return out
    out[path] = node
    return out


class _Item(dict):
    """A whole list item (a post, a line, an option), compared by its content."""

    def __init__(self, item):
        super().__init__(item)

    def __eq__(self, other):
        return isinstance(other, dict) and dict(self) == dict(other)

    __hash__ = None


def _same_meaning(a, b) -> bool:
    if a == b:
        return True
    for parse in (lambda v: parse_amount(v).value, parse_rate):
        try:
            return parse(a) == parse(b)
        except (UnitError, TypeError, ValueError):
            continue
    return False


def _line(data, lines: dict, path: tuple) -> int | None:
    """The line of a path in the new file, finding list items by their id."""
    positional, node = [], data
    for part in path:
        if isinstance(part, tuple):
            if not isinstance(node, list):
                return None
            index = next((i for i, item in enumerate(node) if item.get("id") == part[1]), None)
            if index is None:
                return None
            positional.append(index)
            node = node[index]
        else:
            positional.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return line_of(lines, tuple(positional))


def _apply(state: dict, change: Change) -> None:
    """Set (or remove) one leaf of the plain scenario data."""
    *parents, last = change.path
    node = state
    for index, part in enumerate(parents):
        # A section the old side lacks is made, as a list where what goes in it is a list item.
        node = _child(node, part, holds_items=isinstance(change.path[index + 1], tuple))
    if isinstance(last, tuple):  # a whole list item
        items = node
        existing = [i for i, item in enumerate(items) if item.get("id") == last[1]]
        if change.new is _ABSENT:
            for i in reversed(existing):
                items.pop(i)
        elif existing:
            items[existing[0]] = copy.deepcopy(dict(change.new))
        else:
            items.append(copy.deepcopy(dict(change.new)))
        return
    if change.new == _ABSENT:
        if isinstance(node, dict):
            node.pop(last, None)
        return
    current = node.get(last) if isinstance(node, dict) else None
    if isinstance(current, dict) and any(k in current for k in FIGURE_KEYS):
        key = next(k for k in FIGURE_KEYS if k in current)
        current[key] = change.new
    else:
        node[last] = copy.deepcopy(change.new)


def _child(node, part, holds_items: bool):
    if isinstance(part, tuple):
        return next(item for item in node if item.get("id") == part[1])
    if part not in node or node[part] is None:
        node[part] = [] if holds_items else {}
    child = node[part]
    if not isinstance(child, (dict, list)):
        # A bare figure gains a range or a source: write it in full.
        node[part] = child = {"value": child}
    return child


def _totals(projection: Projection) -> dict[str, tuple[float, float]]:
    return {row.option: (row.cash_total, row.npc) for row in projection.summaries}


def _step(changes, before, after) -> Step:
    step = Step(list(changes))
    for option in set(before) | set(after):
        old, new = before.get(option, (0.0, 0.0)), after.get(option, (0.0, 0.0))
        step.cash[option] = new[0] - old[0]
        step.npc[option] = new[1] - old[1]
    return step


def _show(value) -> str:
    if value is _ABSENT or value == _ABSENT:
        return "(absent)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in list(value.items())[:4]) + (", ..." if len(value) > 4 else "") + "}"
    return str(value)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _money(value: float) -> float:
    return round(float(value), 2) + 0.0
