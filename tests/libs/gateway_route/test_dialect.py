"""Canonical's gateway-route, v0 and v1, recognised on both sides from the fact sheet's examples.

The examples are read from ../shared/interfaces/gateway-route-canonical-v1.md (beside the
repository), so a new example there must be classified here before the suite passes.
"""

import os
import re
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import yaml

from gateway_route import ProviderData, RequirerData, encode
from gateway_route.dialect import canonical_provider, canonical_requirer

# The project's shared facts sit beside the repository (../shared); CI always has them there.
FACT_SHEET = (
    Path(__file__).resolve().parents[3].parent / "shared/interfaces/gateway-route-canonical-v1.md"
)

V0 = "Canonical's gateway-route v0"
V1 = "Canonical's gateway-route v1"
Detector = Callable[[Mapping[str, str] | None], str | None]
DETECTORS: dict[str, Detector] = {
    "requirer": canonical_requirer,
    "provider": canonical_provider,
}

# Every example of the fact sheet, by the comment that titles it: (side, what it must read as).
EXPECTED: dict[str, tuple[str, str]] = {
    "requirer with a hostname and one additional hostname": ("requirer", V1),
    "requirer without a hostname (clients reach it through the gateway's address)": (
        "requirer",
        V1,
    ),
    "requirer charm upgraded in place from the v0 library: old keys stay behind": (
        "requirer",
        V1,
    ),
    "TLS integrated, enforce-https=true (the default)": ("provider", V1),
    "no TLS, enforce-https=false": ("provider", V1),
    "provider on library v1 LIBPATCH 0 (2026-06-02 to 06-19): three keys only": ("provider", V1),
    "v0 requirer": ("requirer", V0),
    "v0 provider": ("provider", V0),
}


def _fact_sheet() -> str:
    if not FACT_SHEET.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{FACT_SHEET} is missing: CI runs with ../shared beside the checkout")
        pytest.skip(f"{FACT_SHEET} is not beside this checkout")
    return FACT_SHEET.read_text()


def parse_examples(text: str) -> dict[str, dict[str, str]]:
    """Every `application-data:` example, by title; side-by-side columns are split apart.

    An example is an indented `# <title>` line, then `application-data:` and its keys, up to
    the next blank line. A title line with two `#` heads two columns, cut where the second
    `#` stands.
    """
    lines = text.splitlines()
    found: dict[str, dict[str, str]] = {}
    for i, line in enumerate(lines[:-1]):
        if not line.startswith("    ") or not line.lstrip().startswith("# "):
            continue
        if not lines[i + 1].strip().startswith("application-data:"):
            continue
        body: list[str] = []
        for following in lines[i + 1 :]:
            if not following.strip():
                break
            body.append(following)
        starts = [m.start() for m in re.finditer("#", line)]
        for start, end in zip(starts, [*starts[1:], None], strict=True):
            title = line[start:end].strip().removeprefix("# ").strip()
            column = textwrap.dedent("\n".join(row[start:end].rstrip() for row in body))
            parsed = yaml.safe_load(column)
            assert title not in found, f"two examples titled {title!r}"
            found[title] = parsed["application-data"]
    return found


@pytest.fixture(scope="module")
def examples() -> dict[str, dict[str, str]]:
    return parse_examples(_fact_sheet())


def test_the_fact_sheet_has_exactly_the_examples_classified_here(examples):
    assert sorted(examples) == sorted(EXPECTED)


def test_every_example_value_is_a_string_as_on_the_wire(examples):
    for title, databag in examples.items():
        assert databag, title
        assert all(isinstance(value, str) for value in databag.values()), title


def test_the_side_by_side_v0_columns_are_split_cleanly(examples):
    # Guards the parser: the v0 block prints requirer and provider in two columns.
    assert examples["v0 requirer"] == {
        "additional_hostnames": '["www.example.com"]',
        "hostname": '"app.example.com"',
        "model": '"my-model"',
        "name": '"my-app"',
        "paths": '["/", "/api"]',
        "port": "8080",
    }
    assert examples["v0 provider"] == {
        "endpoints": '["https://app.example.com/", "https://app.example.com/api"]'
    }


@pytest.mark.parametrize("title", list(EXPECTED))
def test_each_example_is_named_with_its_version_on_its_side(examples, title: str):
    side, label = EXPECTED[title]
    assert DETECTORS[side](examples[title]) == label


@pytest.mark.parametrize("title", list(EXPECTED))
def test_no_example_is_taken_for_the_other_side(examples, title: str):
    side, _ = EXPECTED[title]
    other = "provider" if side == "requirer" else "requirer"
    assert DETECTORS[other](examples[title]) is None


def test_a_v0_requirer_with_additional_hostnames_is_v0_not_v1(examples):
    # The fact sheet's v0 requirer (LIBPATCH 6) writes additional_hostnames when not empty.
    databag = examples["v0 requirer"]
    assert databag["additional_hostnames"] != "[]"
    assert canonical_requirer(databag) == V0


# ----- variations the fact sheet describes without printing them -------------------------------

V0_BASE = {
    "hostname": '"app.example.com"',
    "model": '"my-model"',
    "name": '"my-app"',
    "port": "8080",
}


@pytest.mark.parametrize(
    ("databag", "label"),
    [
        pytest.param(V0_BASE, V0, id="v0-no-paths-no-additional"),
        pytest.param({**V0_BASE, "hostname": "null"}, V0, id="v0-null-hostname"),
        pytest.param({**V0_BASE, "paths": '["/"]'}, V0, id="v0-paths"),
        pytest.param(
            {**V0_BASE, "additional_hostnames": '["a.example.com", "b.example.com"]'},
            V0,
            id="v0-two-additional",
        ),
        # v0 never writes an empty additional_hostnames; v1 always writes it.
        pytest.param({**V0_BASE, "additional_hostnames": "[ ]"}, V1, id="v1-upgraded-spaced"),
        pytest.param({"hostname": '"app.example.com"'}, V1, id="v1-hostname-only"),
        pytest.param({"additional_hostnames": '["a.example.com"]'}, V1, id="v1-additional-only"),
        pytest.param({"hostname": "null", "additional_hostnames": "[]"}, V1, id="v1-nothing"),
    ],
)
def test_requirer_variations(databag: dict[str, str], label: str):
    assert canonical_requirer(databag) == label


@pytest.mark.parametrize(
    ("databag", "label"),
    [
        pytest.param(
            {
                "endpoints": '["https://app.example.com/"]',
                "gateway_model": '"ingress"',
                "gateway_name": '"gateway-api-integrator"',
                "https_mode": '"enforced"',
            },
            V1,
            id="v1-upgraded-from-v0-keeps-endpoints",
        ),
        pytest.param({"endpoints": "[]"}, V0, id="v0-no-endpoints-yet"),
        pytest.param({"gateway_model": '"ingress"'}, V1, id="v1-model-only"),
    ],
)
def test_provider_variations(databag: dict[str, str], label: str):
    assert canonical_provider(databag) == label


# ----- what is not Canonical's ------------------------------------------------------------------

OURS_REQUIRER = encode(
    RequirerData(namespace="shop", application="shop", hostnames=["shop.example.com"])
)
OURS_PROVIDER = encode(
    ProviderData(
        gateway_name="gateway-api-integrator",
        gateway_namespace="infra",
        https_mode="enforced",
        hsts_max_age=31536000,
        addresses=["10.0.0.1"],
        accepted=[],
        refused=[],
    )
)


@pytest.mark.parametrize("side", ["requirer", "provider"])
@pytest.mark.parametrize("databag", [None, {}], ids=["none", "empty"])
def test_nothing_written_says_nothing(side: str, databag: dict[str, str] | None):
    assert DETECTORS[side](databag) is None


@pytest.mark.parametrize("side", ["requirer", "provider"])
@pytest.mark.parametrize("databag", [OURS_REQUIRER, OURS_PROVIDER], ids=["requirer", "provider"])
def test_our_own_databags_are_never_canonical(side: str, databag: dict[str, str]):
    assert DETECTORS[side](databag) is None


def test_one_of_our_keys_makes_a_requirer_databag_ours_whatever_else_it_holds(examples):
    # Ours, if broken: our decoder reports what is wrong with it, this must not rename it.
    for key in ("version", "namespace", "application", "hostnames"):
        databag = {**examples["v0 requirer"], key: OURS_REQUIRER[key]}
        assert canonical_requirer(databag) is None, key


def test_one_of_our_keys_makes_a_provider_databag_ours_whatever_else_it_holds(examples):
    databag = {**examples["TLS integrated, enforce-https=true (the default)"]}
    for key in ("version", "gateway_namespace", "addresses", "accepted", "refused"):
        assert canonical_provider({**databag, key: OURS_PROVIDER[key]}) is None, key


@pytest.mark.parametrize(
    "databag",
    [
        pytest.param({"paths": '["/"]'}, id="paths-alone"),
        pytest.param({"model": '"m"', "name": '"a"'}, id="v0-without-port-or-hostname"),
        pytest.param({"note": '"hello"'}, id="unrelated-key"),
    ],
)
def test_requirer_keys_that_name_no_dialect_say_nothing(databag: dict[str, str]):
    assert canonical_requirer(databag) is None


@pytest.mark.parametrize(
    "databag",
    [
        pytest.param({"gateway_name": '"gw"', "https_mode": '"enforced"'}, id="shared-keys-only"),
        pytest.param({"hsts_max_age": "0"}, id="hsts-only"),
    ],
)
def test_provider_keys_shared_with_ours_alone_say_nothing(databag: dict[str, str]):
    assert canonical_provider(databag) is None
