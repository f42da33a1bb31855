"""The configurator's pure core: from one observed snapshot to the plan of what to do.

Nothing here performs I/O or imports `ops` or a Kubernetes client (import-linter enforces it):
`configurator.observe` reads the world into `Observed`, `plan()` decides, `configurator.act`
does.
"""

from configurator.plan.decide import WITHDRAW, Plan, plan
from configurator.plan.snapshot import CHARM, OWNED_KINDS, Observed

__all__ = ["CHARM", "OWNED_KINDS", "WITHDRAW", "Observed", "Plan", "plan"]
