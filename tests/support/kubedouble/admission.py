"""The seam to the validation half: the server imports `kubedouble.validation` only here."""

from __future__ import annotations

from kubedouble.validation import Admission, ResourceType, Validator, crd_dir

__all__ = ["Admission", "ResourceType", "Validator", "crd_dir"]
