"""Fixtures for the validation half of the Kubernetes API double."""

from __future__ import annotations

import pytest

from kubedouble.validation import Validator
from kubedouble.versions import GATEWAY_API_VERSIONS


@pytest.fixture(params=GATEWAY_API_VERSIONS)
def validator(request: pytest.FixtureRequest) -> Validator:
    """A validator for each Gateway API release the charms support."""
    return Validator(request.param)


@pytest.fixture
def core() -> Validator:
    """A validator with no Gateway API CRDs: built-in kinds only."""
    return Validator(None)
