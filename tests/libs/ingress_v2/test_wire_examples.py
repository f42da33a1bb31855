"""Every wire example of the interface document, parsed to the values it stands for."""

import json
import os
from pathlib import Path

import pytest
from ops import testing

from ingress_v2 import HealthcheckParams, IngressRequest, UnitAddress

# The project's shared facts sit beside the repository (../shared); CI always has them there.
INTERFACE_DOC = Path(__file__).resolve().parents[3].parent / "shared/interfaces/ingress-v2.md"

# The examples exactly as the document prints them (indented code lines), and the same data as
# literal dicts: the test below ties the two together, so neither can drift from the other.
MINIMAL_APP_LINES = ["""{"model": "\\"shop\\"", "name": "\\"catalogue\\"", "port": "8080"}"""]
MINIMAL_APP = {"model": '"shop"', "name": '"catalogue"', "port": "8080"}

OPTIONS_APP_LINES = [
    """{"model": "\\"shop\\"", "name": "\\"api\\"", "port": "9000", "scheme": "\\"https\\"",""",
    """ "strip-prefix": "true", "redirect-https": "true",""",
    """ "healthcheck_params": "{\\"path\\": \\"/healthz\\", \\"interval\\": \\"10s\\"}"}""",
]
OPTIONS_APP = {
    "model": '"shop"',
    "name": '"api"',
    "port": "9000",
    "scheme": '"https"',
    "strip-prefix": "true",
    "redirect-https": "true",
    "healthcheck_params": '{"path": "/healthz", "interval": "10s"}',
}

UNIT_LINES = [
    """{"host": "\\"catalogue-0.catalogue-endpoints.shop.svc.cluster.local\\"", """
    """"ip": "\\"10.1.17.4\\""}"""
]
UNIT = {"host": '"catalogue-0.catalogue-endpoints.shop.svc.cluster.local"', "ip": '"10.1.17.4"'}

PROVIDER_APP_LINES = ["""{"ingress": "{\\"url\\": \\"https://catalogue.example.com/\\"}"}"""]
PROVIDER_APP = {"ingress": '{"url": "https://catalogue.example.com/"}'}

EXAMPLES = [
    pytest.param(MINIMAL_APP_LINES, MINIMAL_APP, id="requirer-app-minimal"),
    pytest.param(OPTIONS_APP_LINES, OPTIONS_APP, id="requirer-app-options"),
    pytest.param(UNIT_LINES, UNIT, id="requirer-unit"),
    pytest.param(PROVIDER_APP_LINES, PROVIDER_APP, id="provider-app"),
]


@pytest.mark.parametrize(("lines", "databag"), EXAMPLES)
def test_literal_dict_is_the_documented_example(lines: list[str], databag: dict[str, str]):
    assert json.loads("".join(lines)) == databag


@pytest.mark.parametrize(("lines", "databag"), EXAMPLES)
def test_interface_document_still_prints_the_example(lines: list[str], databag: dict[str, str]):
    if not INTERFACE_DOC.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{INTERFACE_DOC} is missing: CI runs with ../shared beside the checkout")
        pytest.skip(f"{INTERFACE_DOC} is not beside this checkout")
    doc_lines = [line.strip() for line in INTERFACE_DOC.read_text().splitlines()]
    for line in lines:
        assert line.strip() in doc_lines


def _read(ctx: testing.Context, app: dict[str, str], units: dict[int, dict[str, str]]):
    relation = testing.Relation(
        "ingress",
        remote_app_name="catalogue",
        remote_app_data=app,
        remote_units_data=units,
    )
    with ctx(ctx.on.relation_changed(relation), testing.State(relations={relation})) as mgr:
        mgr.run()
        return mgr.charm.seen


def test_minimal_example_reads_with_defaults(ctx: testing.Context):
    assert _read(ctx, MINIMAL_APP, {0: UNIT}) == IngressRequest(
        model="shop",
        name="catalogue",
        port=8080,
        scheme="http",
        strip_prefix=False,
        redirect_https=False,
        healthcheck_params=None,
        is_port_open=False,
        units=[
            UnitAddress(
                unit="catalogue/0",
                host="catalogue-0.catalogue-endpoints.shop.svc.cluster.local",
                ip="10.1.17.4",
            )
        ],
        unit_problems=[],
    )


def test_options_example_reads_every_option(ctx: testing.Context):
    request = _read(ctx, OPTIONS_APP, {0: {}})
    assert isinstance(request, IngressRequest)
    assert (request.model, request.name, request.port) == ("shop", "api", 9000)
    assert request.scheme == "https"
    assert request.strip_prefix is True
    assert request.redirect_https is True
    assert request.healthcheck_params == HealthcheckParams(
        path="/healthz", scheme=None, hostname=None, port=None, interval="10s", timeout="5s"
    )


def test_provider_example_is_what_publish_url_writes(ctx: testing.Context):
    relation = testing.Relation("ingress", remote_app_data=MINIMAL_APP)
    state = testing.State(leader=True, relations={relation})
    with ctx(ctx.on.relation_changed(relation), state) as mgr:
        mgr.charm.ingress.publish_url("https://catalogue.example.com/")
        out = mgr.run()
    assert out.get_relation(relation.id).local_app_data == PROVIDER_APP
