"""Provider side of the ``ingress`` v2 relation, as unmodified workload charms speak it.

Usage from a charm's reconcile::

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
from ingress_v2.provider import URL_KEY, IngressProvider

__version__ = "1.0.0"

__all__ = [
    "URL_KEY",
    "HealthcheckParams",
    "IngressAppData",
    "IngressDataError",
    "IngressProvider",
    "IngressRequest",
    "IngressUnitData",
    "Scheme",
    "UnitAddress",
    "parse_app_databag",
    "parse_unit_databag",
]
