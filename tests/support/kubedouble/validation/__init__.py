"""Validation half of the Kubernetes API double: what kube-apiserver would admit.

Custom resources are checked against the real Gateway API CRDs (schema, defaults, list
uniqueness, CEL rules via `celpy`); built-in kinds get the API server's hand-written checks
that matter to the charms.
"""

from .crd_source import ENV_VAR, CrdNotFoundError, crd_dir
from .records import Admission, CelReport, KindCelCoverage, ResourceType, UnusableRule
from .validator import Validator

__all__ = [
    "ENV_VAR",
    "Admission",
    "CelReport",
    "CrdNotFoundError",
    "KindCelCoverage",
    "ResourceType",
    "UnusableRule",
    "Validator",
    "crd_dir",
]
