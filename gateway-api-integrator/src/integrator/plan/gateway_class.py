"""Which GatewayClass the Gateway uses, from the config and the classes the cluster has."""

from collections.abc import Sequence

from integrator.plan.config import Config
from reconcile import Status, blocked, some
from reconcile.status import ENABLE_GATEWAY


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
    if config.gateway_class in names or (not config.gateway_class and in_use in names):
        return str(config.gateway_class or in_use)
    if not names:
        return blocked(
            "no GatewayClass in the cluster: the cluster's administrator must install a Gateway "
            f"API controller; {ENABLE_GATEWAY}"
        )
    config_fix = f"juju config {app} gateway-class={names[0] if len(names) == 1 else '<name>'}"
    if config.gateway_class:
        return blocked(
            f"this charm's config gateway-class={config.gateway_class!r} names no GatewayClass "
            f"of the cluster (available: {some(names)}); run: {config_fix}"
        )
    if len(names) == 1:
        return names[0]
    return blocked(
        f"several GatewayClasses ({some(names)}): this charm's config must choose one; "
        f"run: {config_fix}"
    )
