"""costmodel: cost a council's options for delivering children's services, the Green Book way.

    >>> import costmodel
    >>> scenario = costmodel.load_scenario("scenarios/isle-of-wight-2017.yaml")
    >>> projection = costmodel.project(scenario)
    >>> projection.summary[["option", "npc", "rank"]]
"""

__version__ = "0.1.0"

# Loaded when first used, so that `costmodel --version` and the command line start quickly
# and an interrupt during start-up is handled by the command line, not shown as a traceback.
_EXPORTS = {
    "load_scenario": ("costmodel.scenario.loader", "load_scenario"),
    "load_scenario_text": ("costmodel.scenario.loader", "load_scenario_text"),
    "project": ("costmodel.engine.projection", "project"),
    "Projection": ("costmodel.engine.projection", "Projection"),
    "Problem": ("costmodel.scenario.problems", "Problem"),
    "ScenarioError": ("costmodel.scenario.problems", "ScenarioError"),
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        module, attribute = _EXPORTS[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'costmodel' has no attribute {name!r}")
