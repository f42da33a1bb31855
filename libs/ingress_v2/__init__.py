"""Provider side of the ``ingress`` v2 relation, as unmodified workload charms speak it.

The package root holds the pure parts (wire models, databag parsing, errors); the ops-side
reader/writer is `ingress_v2.provider.IngressProvider`. Usage from a charm's reconcile::

    ingress = IngressProvider(self)
    request = ingress.read()
    if isinstance(request, IngressRequest):
        ...  # build routes from request.model, request.name, request.port, ...
        ingress.publish_url("https://app.example.com/")
    else:
        ingress.wipe_url()
"""

from ingress_v2.databags import parse_app_databag, parse_unit_databag
from ingress_v2.errors import IngressDataError
from ingress_v2.models import (
    HealthcheckParams,
    IngressAppData,
    IngressRequest,
    IngressUnitData,
    Scheme,
    UnitAddress,
)

__version__ = "1.0.0"

__all__ = [
    "HealthcheckParams",
    "IngressAppData",
    "IngressDataError",
    "IngressRequest",
    "IngressUnitData",
    "Scheme",
    "UnitAddress",
    "parse_app_databag",
    "parse_unit_databag",
]
