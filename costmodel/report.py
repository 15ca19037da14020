"""Everything an output shows, assembled in one step: the projection and all that is worked out from it.

The projection (engine/), the model review (review.py), the options appraisal
(appraisal/), the sensitivity analysis and the Monte Carlo simulation (uncertainty/): a writer
(the workbook, the JSON, the terminal's text) lays out what a `Report` holds and works nothing
out itself. The workbook's simulation runs in a second process where one helps
(background.py), while the writer lays out the other sheets; the report owns that process, and
closing the report stops it.

    with assemble(projection) as report:
        book = write_workbook(report)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

from .engine.projection import Projection

#: The workbook's Risk sheet: as many draws, and the seed, as `costmodel simulate` takes by default.
WORKBOOK_DRAWS = 10_000
WORKBOOK_SEED = 1


def workbook_draws(scenario) -> int:
    """The draws the workbook's Sensitivity and Risk sheets project (none without a ranged input)."""
    from .scenario.ranges import ranged_inputs
    from .uncertainty.sensitivity import sensitivity_draws

    ranged = len(ranged_inputs(scenario))
    return WORKBOOK_DRAWS + sensitivity_draws(ranged) if ranged else 0


@dataclass(eq=False)
class Report:
    projection: Projection
    #: The model review's warnings.
    warnings: list
    #: For the Cover, where `costmodel run --manifest` asked for one: (label, value) pairs.
    run_record: list[tuple[str, str]] | None = None
    #: The command that re-runs it, for the Cover; by default, `costmodel run <the scenario's file name>`.
    rerun_command: str | None = None
    #: Whether any figure has a range, so that there is a sensitivity analysis and a simulation to show.
    uncertain: bool = False
    _pending: object = field(default=None, repr=False)
    _given: tuple | None = field(default=None, repr=False)

    @property
    def scenario(self):
        return self.projection.scenario

    @cached_property
    def appraised(self):
        """The options appraisal (long list, gateways, weighted scores), where the scenario states one."""
        if self.scenario.appraisal is None:
            return None
        from .appraisal.evaluate import appraise

        return appraise(self.projection)

    @cached_property
    def sensitivity(self):
        """Each ranged input from its low to its high, and the switching values."""
        if self._given is not None:
            return self._given[0]
        from .uncertainty.sensitivity import sensitivity

        return sensitivity(self.scenario)

    @cached_property
    def simulation(self):
        """The Monte Carlo simulation the Risk sheet shows (WORKBOOK_DRAWS draws, seed WORKBOOK_SEED)."""
        if self._given is not None:
            return self._given[1]
        if self._pending is None:
            return simulate_for_the_workbook(self.scenario)
        return self._pending.result()

    def close(self) -> None:
        """Stop the second process, if it is still working on a result nobody took."""
        if self._pending is not None:
            self._pending.cancel()

    def __enter__(self) -> "Report":
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def to_json(self) -> dict:
        """The documented results (docs/results-json.md) as plain data."""
        data = self.projection.to_json()
        if self.appraised is not None:
            data["appraisal"] = self.appraised.to_json()
        data["warnings"] = [warning.to_json() for warning in self.warnings]
        return data

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def simulate_for_the_workbook(scenario):
    from .uncertainty.simulate import simulate

    return simulate(scenario, WORKBOOK_DRAWS, WORKBOOK_SEED)


def assemble(projection: Projection, *, warnings: list | None = None, run_record=None, rerun_command=None,
             uncertainty: tuple | None = None, simulate: bool = True) -> Report:
    """Everything the outputs show, for a projected scenario; close it (or use `with`) when written.

    `uncertainty` is (sensitivity, simulation) where the caller has them already; `simulate`
    False leaves the simulation out of the work started here (for the JSON and the terminal).
    """
    from .review import review
    from .scenario.ranges import ranged_inputs

    report = Report(projection, review(projection) if warnings is None else warnings, run_record, rerun_command,
                    uncertain=bool(ranged_inputs(projection.scenario)), _given=uncertainty)
    if report.uncertain and uncertainty is None and simulate:
        from .background import Pending

        # The simulation needs nothing from the other outputs: on a second processor, if there is
        # one, it runs while this process writes them.
        report._pending = Pending(lambda: simulate_for_the_workbook(projection.scenario))
    return report
