"""The docs cannot drift: links resolve, options and actions are documented, the bundle holds."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHARMS = ("gateway-api-integrator", "gateway-route-configurator")
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def prose(text: str) -> str:
    """Markdown without code: links inside code blocks and spans are examples, not links."""
    return _INLINE_CODE.sub("", _FENCE.sub("", text))


def links(page: Path) -> list[str]:
    return _LINK.findall(prose(page.read_text()))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {slug(heading) for heading in _HEADING.findall(_FENCE.sub("", page.read_text()))}


def relative_links() -> list[tuple[Path, str]]:
    return [
        (page, target)
        for page in PAGES
        for target in links(page)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target)  # http:, https:, mailto:
    ]


def _id(value: object) -> str:
    if isinstance(value, tuple):
        page, target = value
        return f"{Path(page).relative_to(ROOT)}->{target}"
    return str(value)


def charmcraft(charm: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / charm / "charmcraft.yaml").read_text())


def reference_page(charm: str) -> str:
    return (ROOT / "docs" / "reference" / f"{charm}.md").read_text()


def bundle() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "bundle.yaml").read_text())


def test_the_docs_have_every_diataxis_section():
    for section in ("tutorial", "how-to", "reference", "explanation"):
        assert list((ROOT / "docs" / section).glob("*.md")), section


def test_there_are_relative_links_to_check():
    assert len(relative_links()) > 50


@pytest.mark.parametrize("link", relative_links(), ids=_id)
def test_relative_link_resolves(link: tuple[Path, str]):
    page, target = link
    path_part, _, anchor = target.partition("#")
    resolved = (page.parent / path_part).resolve() if path_part else page
    assert resolved.exists(), f"{target} from {page.relative_to(ROOT)}: no such file"
    if anchor and resolved.suffix == ".md":
        assert anchor in anchors(resolved), f"{target}: no heading with anchor #{anchor}"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("5. Call the workload through the gateway", "5-call-the-workload-through-the-gateway"),
        ("The `ingress` relation (reference)", "the-ingress-relation-reference"),
        (
            "Blocked: `run: juju trust <app> --scope=cluster`",
            "blocked-run-juju-trust-app---scopecluster",
        ),
    ],
)
def test_slug_matches_github_anchors(heading: str, anchor: str):
    assert slug(heading) == anchor


def test_links_inside_code_are_not_checked():
    assert _LINK.findall(prose("```\n[a](missing.md)\n```\n`[b](gone.md)` [c](here.md)")) == [
        "here.md"
    ]


@pytest.mark.parametrize(
    ("charm", "option"),
    [(charm, option) for charm in CHARMS for option in charmcraft(charm)["config"]["options"]],
)
def test_every_config_option_is_in_its_reference_page(charm: str, option: str):
    assert f"`{option}`" in reference_page(charm)


@pytest.mark.parametrize(
    ("charm", "action"),
    [(charm, action) for charm in CHARMS for action in charmcraft(charm).get("actions") or {}],
)
def test_every_action_and_its_parameters_are_in_its_reference_page(charm: str, action: str):
    page = reference_page(charm)
    assert f"`{action}`" in page
    for parameter in charmcraft(charm)["actions"][action].get("params") or {}:
        assert f"{parameter}=" in page or f"`{parameter}`" in page, parameter


@pytest.mark.parametrize(
    ("charm", "endpoint"),
    [
        (charm, endpoint)
        for charm in CHARMS
        for role in ("provides", "requires")
        for endpoint in charmcraft(charm).get(role) or {}
    ],
)
def test_every_relation_endpoint_is_in_its_reference_page(charm: str, endpoint: str):
    assert f"`{endpoint}`" in reference_page(charm)


@pytest.mark.parametrize(
    ("charm", "entry"),
    [
        (charm, entry)
        for charm in CHARMS
        for entry in charmcraft(charm).get("assumes") or []
        if isinstance(entry, str)  # any-of / all-of blocks are described in prose
    ],
)
def test_every_assumes_entry_is_in_its_reference_page(charm: str, entry: str):
    assert f"`{entry}`" in reference_page(charm)


def test_bundle_is_a_kubernetes_bundle():
    assert bundle()["bundle"] == "kubernetes"


@pytest.mark.parametrize("charm", CHARMS)
def test_bundle_deploys_each_charm_trusted_from_where_make_pack_leaves_it(charm: str):
    application = bundle()["applications"][charm]
    assert application["trust"] is True
    (platform,) = charmcraft(charm)["platforms"]
    assert application["charm"] == f"./{charm}/{charm}_{platform}.charm"


def test_bundle_has_a_tls_provider_from_charmhub():
    provider = bundle()["applications"]["self-signed-certificates"]
    assert provider["charm"] == "self-signed-certificates"
    assert provider["channel"]


def _integrations() -> set[frozenset[str]]:
    return {frozenset(pair) for pair in bundle()["relations"]}


@pytest.mark.parametrize(
    "pair",
    [
        ("catalogue:ingress", "gateway-route-configurator:ingress"),
        ("gateway-route-configurator:gateway-route", "gateway-api-integrator:gateway-route"),
        ("gateway-api-integrator:certificates", "self-signed-certificates:certificates"),
    ],
)
def test_bundle_has_each_of_the_three_integrations(pair: tuple[str, str]):
    assert frozenset(pair) in _integrations()


def test_bundle_integrations_name_existing_applications():
    applications = set(bundle()["applications"])
    for pair in _integrations():
        assert {end.partition(":")[0] for end in pair} <= applications


def test_integration_requirements_are_pinned():
    lines = (ROOT / "tests" / "integration" / "requirements.txt").read_text().splitlines()
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    assert requirements
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line) for line in requirements)
