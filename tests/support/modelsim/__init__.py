"""An in-process stand-in for a Juju model, running real charm classes with ops.testing.

See docs/reference/model-simulation.md for what it simulates faithfully and what it does not.
"""

from modelsim.errors import HookFailed, NotSettled, SimulationError
from modelsim.kube import SharedCluster
from modelsim.metadata import CharmMeta, Endpoint, load_charm_meta
from modelsim.participants import Participant, WorkloadRequirer
from modelsim.records import (
    ActionOutcome,
    AppStatus,
    DatabagUpdate,
    RelationView,
    Status,
    TraceEntry,
)
from modelsim.simulation import Simulation

__all__ = [
    "ActionOutcome",
    "AppStatus",
    "CharmMeta",
    "DatabagUpdate",
    "Endpoint",
    "HookFailed",
    "NotSettled",
    "Participant",
    "RelationView",
    "SharedCluster",
    "Simulation",
    "SimulationError",
    "Status",
    "TraceEntry",
    "WorkloadRequirer",
    "load_charm_meta",
]
