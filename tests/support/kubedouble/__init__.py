"""A Kubernetes API server double for tests: real HTTP, real lightkube, state like kube-apiserver.

Start one with the `kube` / `kube_any` pytest fixtures (see `kubedouble.fixtures`) or as a
context manager; docs/reference/kube-double.md describes what it does and does not model.
"""

from kubedouble.controller import GatewayController
from kubedouble.double import KubeDouble, SeedError
from kubedouble.records import RequestRecord

__all__ = ["GatewayController", "KubeDouble", "RequestRecord", "SeedError"]
