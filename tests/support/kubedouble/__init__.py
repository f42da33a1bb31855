"""A Kubernetes API server double for tests: real HTTP, real lightkube, state like kube-apiserver.

Start one with the `kube` / `kube_any` pytest fixtures (see `kubedouble.fixtures`) or as a
context manager; docs/reference/kube-double.md describes what it does and does not model, and
docs/reference/controller-profiles.md the Gateway API controllers its controller can play.
"""

from kubedouble.clusters import Cluster, InProcessCluster, LightkubeCluster
from kubedouble.controller import GatewayController
from kubedouble.double import KubeDouble, SeedError
from kubedouble.profiles import PROFILES, ControllerProfile
from kubedouble.rbac import ServiceAccount
from kubedouble.records import RequestRecord

__all__ = [
    "PROFILES",
    "Cluster",
    "ControllerProfile",
    "GatewayController",
    "InProcessCluster",
    "KubeDouble",
    "LightkubeCluster",
    "RequestRecord",
    "SeedError",
    "ServiceAccount",
]
