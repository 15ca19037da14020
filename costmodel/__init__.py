"""costmodel: cost a council's options for delivering children's services, the Green Book way.

    >>> import costmodel
    >>> scenario = costmodel.load_scenario("scenarios/isle-of-wight-2017.yaml")
    >>> projection = costmodel.project(scenario)
    >>> projection.summary[["option", "npc", "rank"]]
"""

__version__ = "0.1.0"

from .scenario.loader import load_scenario, load_scenario_text  # noqa: E402
from .scenario.problems import Problem, ScenarioError  # noqa: E402
from .engine.projection import Projection, project  # noqa: E402

__all__ = ["__version__", "load_scenario", "load_scenario_text", "project", "Projection", "Problem",
           "ScenarioError"]
