"""The integrator's pure core: from one observed snapshot to the plan of what to do.

Nothing here performs I/O or imports `ops` or a Kubernetes client (import-linter enforces it):
`integrator.observe` reads the world into `Observed`, `plan()` decides, `integrator.act` does.
"""

from integrator.plan.decide import CERTIFICATES_RELATION, ROUTE_RELATION, Plan, plan
from integrator.plan.snapshot import OWNED_KINDS, Certificates, Cluster, Observed, RouteRequest

__all__ = [
    "CERTIFICATES_RELATION",
    "OWNED_KINDS",
    "ROUTE_RELATION",
    "Certificates",
    "Cluster",
    "Observed",
    "Plan",
    "RouteRequest",
    "plan",
]
