"""Which GatewayClass the Gateway uses, from the config and the classes the cluster has."""

from collections.abc import Sequence

from integrator.plan.config import Config
from reconcile import Status, blocked


def class_names(classes: Sequence[dict]) -> list[str]:
    """The names of the cluster's GatewayClasses, sorted."""
    return sorted(str(c["metadata"]["name"]) for c in classes if (c.get("metadata") or {}))


def choose_gateway_class(
    config: Config, classes: Sequence[dict], in_use: str | None, app: str
) -> str | Status:
    """The class to use, or why there is none.

    `in_use` is the class of our existing Gateway: a second controller appearing later must not
    unsettle it.
    """
    names = class_names(classes)
    fix = f"juju config {app} gateway-class=<name>"
    if config.gateway_class:
        if config.gateway_class in names:
            return config.gateway_class
        return blocked(
            f"GatewayClass {config.gateway_class!r} not found "
            f"(available: {', '.join(names) or 'none'}); run: {fix}"
        )
    if in_use in names:
        return str(in_use)
    if len(names) == 1:
        return names[0]
    if not names:
        return blocked(
            f"no GatewayClass in the cluster: install a Gateway API controller, then run: {fix}"
        )
    return blocked(f"several GatewayClasses ({', '.join(names)}); run: {fix}")
