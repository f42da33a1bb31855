"""What each side of a cross-model relation calls the other, when names are modelled as Juju's.

The offering model never learns the consumer's name: Juju adds the consumer there as a proxy
application called `remote-` plus a UUID without dashes (Juju 3: the consuming application's
token, `registerOneRemoteRelation` in
apiserver/facades/controller/crossmodelrelations/crossmodelrelations.go; Juju 4: a UUID per
consumed relation, `AddConsumedRelation` in domain/crossmodelrelation/service/
remoteapplication.go, juju/juju#21132). The consuming model sees the offer under its local name,
which is the offer's name (by default the offered application's, `juju offer`) unless
`juju consume` gave another. Remote units keep their numbers under the name their side sees
(`<name>/<n>`, `PublishRelationChange` in apiserver/common/crossmodel/crossmodel.go).
"""

from __future__ import annotations

import uuid
from typing import Literal, get_args

from modelsim.errors import SimulationError
from modelsim.model import App, End

CrossModelNames = Literal["simple", "juju"]
"""`simple`: every side sees real names. `juju`: the offering side sees `remote-<uuid>`."""
MODES: tuple[str, ...] = get_args(CrossModelNames)


def remote_name(app: App) -> str:
    """The stable `remote-<32 hex>` name an offering model knows `app` by."""
    return "remote-" + uuid.uuid5(uuid.NAMESPACE_URL, f"modelsim:{app.model}/{app.name}").hex


def names_seen(
    mode: str, ends: tuple[End, End], apps: tuple[App, App], offerer: str | None = None
) -> dict[str, str]:
    """Observer application -> the name it sees the other end by (empty: real names).

    Only a relation between two models is renamed; its offering side is `offerer`, by default
    the `provides` end (the usual shape: the provider is offered, the requirer consumes).
    """
    if mode not in MODES:
        raise SimulationError(f"cross-model names must be one of {MODES}, not {mode!r}")
    first, second = apps
    if offerer is not None and offerer not in (first.name, second.name):
        raise SimulationError(f"offerer {offerer!r} is not an end of this relation")
    if mode == "simple" or first.model == second.model:
        return {}
    if offerer is None:
        offerer = first.name if _role(first, ends[0]) == "provides" else second.name
    offering, consuming = (first, second) if offerer == first.name else (second, first)
    return {offering.name: remote_name(consuming), consuming.name: offering.name}


def _role(app: App, end: End) -> str:
    return app.meta.endpoint(end.endpoint).role
