"""The one Kubernetes cluster every simulated charm talks to, each as its own application."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

LOCAL_HOSTS = "127.0.0.1,localhost"


class Credential(Protocol):
    """An application's identity in the cluster."""

    @property
    def token(self) -> str:
        """The bearer token its kubeconfig carries."""
        ...


class SharedCluster(Protocol):
    """What the simulation needs from `kubedouble.KubeDouble` (a started one)."""

    def ensure_namespace(self, name: str, annotations: Mapping[str, str] | None = None) -> None:
        """Create the namespace if missing."""
        ...

    def kubeconfig(self, path: Path, token: str) -> Path:
        """Write a kubeconfig for the cluster at `path`, authenticating with `token`."""
        ...

    def service_account(self, namespace: str, name: str, *, trusted: bool) -> Credential:
        """Application `name` of model `namespace`'s identity, made or re-granted (`--trust`)."""
        ...

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """The stored object, or None."""
        ...

    def seed(self, obj: Any) -> dict[str, Any]:
        """Create `obj` as Juju would (not a charm's request)."""
        ...

    def replace(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Write `obj` over the stored one as Juju would."""
        ...

    def remove(self, kind: str, name: str, namespace: str | None = None) -> None:
        """Delete an object as Juju would; a missing one is no error."""
        ...


@contextlib.contextmanager
def kubeconfig_env(path: Path | None) -> Iterator[None]:
    """Point KUBECONFIG at the running application's kubeconfig for one charm run, then restore.

    Charms build a plain `lightkube.Client()`, which reads KUBECONFIG when it is created and
    honours proxy variables, so the double's 127.0.0.1 address is added to NO_PROXY as well.
    """
    if path is None:
        yield
        return
    wanted = {"KUBECONFIG": str(path)}
    for name in ("NO_PROXY", "no_proxy"):
        current = os.environ.get(name, "")
        wanted[name] = f"{current},{LOCAL_HOSTS}" if current else LOCAL_HOSTS
    previous = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
