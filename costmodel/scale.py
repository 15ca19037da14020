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
