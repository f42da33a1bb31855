"""CRD admission for the http_routes tests, one validator per Gateway API release."""

import pytest

from kubedouble.validation import Validator
from kubedouble.versions import GATEWAY_API_VERSIONS

_VALIDATORS: dict[str, Validator] = {}


@pytest.fixture(params=GATEWAY_API_VERSIONS)
def validator(request: pytest.FixtureRequest) -> Validator:
    """The API double's admission (schema + CEL) for one Gateway API release, built once."""
    version = request.param
    if version not in _VALIDATORS:
        _VALIDATORS[version] = Validator(version)
    return _VALIDATORS[version]
