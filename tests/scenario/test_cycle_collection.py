"""A bulk build (a county's posts loaded, projected) runs with the cycle collector paused, and what it
leaves alive is put among the oldest objects, so the collector's next pass does not walk it all."""

from __future__ import annotations

import gc

import pytest

from costmodel.scale import without_cycle_collection


def _generation_of(target: object) -> int | None:
    return next((generation for generation in range(3)
                 if any(found is target for found in gc.get_objects(generation=generation))), None)


def test_what_a_build_leaves_alive_is_among_the_oldest_objects_and_the_collector_runs_again():
    assert gc.isenabled()
    with without_cycle_collection():
        assert not gc.isenabled()
        built = [[post] for post in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    # Made while the collector was paused, the lists would otherwise all wait in the youngest generation.
    assert _generation_of(built) == 2 and _generation_of(built[999]) == 2
    assert gc.get_count()[0] < 1000


def test_the_collector_is_restored_after_an_error_and_left_off_if_it_was_off():
    with pytest.raises(ValueError):
        with without_cycle_collection():
            raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with without_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_a_caller_froze_stay_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with without_cycle_collection():
            built = [[]]
        assert gc.get_freeze_count() == frozen
        assert _generation_of(built) == 0  # left for the collector as before, not thawed with the caller's
    finally:
        gc.unfreeze()
