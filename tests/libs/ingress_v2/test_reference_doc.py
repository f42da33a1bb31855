"""The reference page lists every key the library reads and every reason it can give."""

from pathlib import Path

import pytest

from ingress_v2 import databags

REFERENCE = Path(__file__).resolve().parents[3] / "docs" / "reference" / "ingress.md"


@pytest.mark.parametrize("key", [*databags._APP_EXPECTED, *databags._UNIT_EXPECTED])
def test_every_databag_key_is_documented(key: str):
    assert f"| `{key}` |" in REFERENCE.read_text()


@pytest.mark.parametrize(
    "expected", [*databags._APP_EXPECTED.values(), *databags._UNIT_EXPECTED.values()]
)
def test_every_expectation_is_documented_word_for_word(expected: str):
    assert f"must be {expected}" in REFERENCE.read_text()
