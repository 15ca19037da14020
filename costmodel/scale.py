"""Working at the scale of a county's establishment: hundreds of thousands of small objects.

Python's cycle collector runs every few hundred new objects and, in its oldest generation,
walks every object alive. Reading 100,000 posts and gathering their inputs makes objects by
the million, none of them in reference cycles that need collecting, so the collector's
passes cost more than the arithmetic: 2.5 times the time of the whole projection at
100,000 posts, and rising faster than the posts do.

Pausing the collector is not enough on its own: once it runs again, its first pass walks every
object the build made (a second at 100,000 posts), and later passes walk them again as they age.
What a bulk build leaves alive is long-lived, so it is put straight into the oldest generation,
where only the collector's rare full passes look, as they look at everything else there.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector for a bulk build, and restore it as it was (even on an error), with
    what the build made counted among the oldest objects, not walked on the collector's next pass."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # Freezing and thawing moves every tracked object into the oldest generation at once, without
            # walking any; where a caller has frozen objects of its own (before forking, say), they stay so.
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


#: What is derived once from a loaded scenario and kept beside it: scenario (by id) -> (a reference to
#: it, what was derived, by name). A scenario is not changed once the loader has made it (nothing after
#: the loader writes to one but `Scenario.price_with`, which lets go of what was derived), so what is
#: derived from it holds for as long as it lives: 100,000 posts are read into columns by a scenario's
#: first projection (0.6 s), not by every one (a workbook, a sensitivity analysis and the terminal
#: summary each project it), and its ranged figures are found by one walk of the whole scenario, not
#: one for each of the half-dozen steps of a run that ask. Let go of with the scenario.
_DERIVED: dict[int, tuple[weakref.ref, dict]] = {}


def derived_from(scenario) -> dict:
    """What is derived once from `scenario` and kept while it lives (see _DERIVED)."""
    key = id(scenario)
    held = _DERIVED.get(key)
    if held is None or held[0]() is not scenario:
        held = _DERIVED[key] = (weakref.ref(scenario), {})
        weakref.finalize(scenario, _DERIVED.pop, key, None)
    return held[1]
