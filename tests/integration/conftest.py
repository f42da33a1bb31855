"""Fixtures of the real-Juju suite, and the skip that names what this machine lacks.

Every test that uses the `juju` fixture (directly or through another fixture) is skipped with
the reason from `prerequisites.missing()` when the `juju` binary, a reachable controller, the
packed charms or Kubernetes credentials are not at hand. Tests of the suite's own helpers run
everywhere.
"""

# pyright: reportMissingImports=false
# (jubilant is installed by tox -e integration only; the lint environment checks the rest.)

import functools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from lightkube import Client
from prerequisites import missing

if TYPE_CHECKING:
    import jubilant

KEEP_MODEL = os.environ.get("KEEP_MODELS", "").lower() in {"1", "true", "yes"}
"""KEEP_MODELS=1 leaves the test model behind for inspection."""

MODEL_CONFIG = {"update-status-hook-interval": "30s"}
"""Juju sends no event when the gateway controller writes a route's or Gateway's status: the
charms notice it on the next event, at the latest update-status (5 minutes by default)."""


@functools.cache
def _missing() -> str | None:
    return missing()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    needs_juju = [item for item in items if "juju" in getattr(item, "fixturenames", ())]
    if not needs_juju:
        return
    reason = _missing()
    if reason:
        for item in needs_juju:
            item.add_marker(pytest.mark.skip(reason=f"real Juju unavailable: {reason}"))


@pytest.fixture(scope="module")
def juju() -> Iterator["jubilant.Juju"]:
    """A fresh model on the current controller (Juju model = Kubernetes namespace)."""
    import jubilant

    with jubilant.temp_model(keep=KEEP_MODEL, config=MODEL_CONFIG) as model:
        model.wait_timeout = 20 * 60
        yield model


@pytest.fixture(scope="module")
def kube(juju: "jubilant.Juju") -> Client:
    """The cluster the controller runs on, as the current kubeconfig reaches it."""
    return Client(namespace=juju.model)
