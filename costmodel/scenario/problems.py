"""Problems in a scenario, collected as values rather than raised one at a time.

A finance officer fixing a file under deadline wants every problem at once, each
with the file, the line and the field, in the form `file:line: path: message`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CostmodelError


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(CostmodelError):
    """Raised by `load_scenario` when a file has problems; carries them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]


def format_path(loc: tuple) -> str:
    """('options', 1, 'staffing', 3, 'salary') -> 'options[1].staffing[3].salary'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
