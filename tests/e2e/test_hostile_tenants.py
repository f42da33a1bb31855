"""Hostile tenants (issue 14): each lie is refused with a clear status and nothing is created.

- A workload whose ingress data names another application of its model.
- The gateway's hostname policy, across two models, through release and re-claim.
- Canonical's `gateway-route` spoken on the other end of either charm's relation (a stand-in
  participant writing the fact sheet's wire data, related after deployment).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bundlesim import BundleRun, Deployer, listeners, owned_by, parse_scenario, unit_status
from modelsim import WorkloadRequirer
from tls_provider import csrs_in, hostname_of

GATEWAY = "gateway-api-integrator"
TLS = "self-signed-certificates"
WWW = "www.example.com"
ROUTE_ENDPOINT = "gateway-route"
OWNER = "gateway-api.juju.is/application"


def tenant(
    app: str, model: str, hostname: str, ingress_app: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """A workload and its configurator, in `model`."""
    return {
        app: {
            "charm": "workload",
            "model": model,
            "ingress": {"app": {"port": 8080, **(ingress_app or {})}},
        },
        f"{app}-route": {
            "charm": "gateway-route-configurator",
            "model": model,
            "config": {"hostname": hostname},
        },
    }


def to_gateway(app: str) -> list[str]:
    """The relation between a tenant's configurator and the gateway."""
    return [f"{app}-route:{ROUTE_ENDPOINT}", f"{GATEWAY}:{ROUTE_ENDPOINT}"]


def bundle(
    tenants: dict[str, dict[str, Any]],
    *,
    policy: str | None = None,
    bystanders: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The gateway with TLS, then `tenants` (built by `tenant`), related in the order given."""
    gateway: dict[str, Any] = {"charm": GATEWAY, "model": "infra"}
    if policy is not None:
        gateway["config"] = {"hostname-policy": policy}
    relations = [[f"{GATEWAY}:certificates", f"{TLS}:certificates"]]
    for name, app in tenants.items():
        if app["charm"] == "workload":
            relations += [[f"{name}:ingress", f"{name}-route:ingress"], to_gateway(name)]
    return {
        "applications": {
            GATEWAY: gateway,
            TLS: {"charm": "tls-provider", "model": "infra"},
            **tenants,
            **(bystanders or {}),
        },
        "relations": relations,
    }


def answer(run: BundleRun, app: str) -> dict[str, str]:
    """The gateway's application databag on `app`-route's gateway-route relation."""
    return run.sim.app_data(run.sim.relation_id(f"{app}-route", GATEWAY), GATEWAY)


def refusals(run: BundleRun, app: str) -> list[tuple[str, str]]:
    """(hostname, reason) for each hostname the gateway refused `app`-route."""
    return [(item["hostname"], item["reason"]) for item in json.loads(answer(run, app)["refused"])]


def accepted(run: BundleRun, app: str) -> list[str | None]:
    return [item["hostname"] for item in json.loads(answer(run, app)["accepted"])]


def kinds_owned(run: BundleRun, app: str) -> list[str]:
    return sorted(obj["kind"] for obj in owned_by(run, app))


def https_namespaces(run: BundleRun, hostname: str) -> dict[str, str] | None:
    """The namespaces admitted by the hostname's HTTPS listener (None: no such listener)."""
    found = listeners(run, GATEWAY, "infra").get(f"https-{hostname}")
    if found is None:
        return None
    return found["allowedRoutes"]["namespaces"]["selector"]["matchLabels"]


def served_objects(run: BundleRun, namespace: str) -> list[tuple[str, str, str]]:
    """(kind, name, owner) of every Service and HTTPRoute in `namespace`."""
    return sorted(
        (kind, obj["metadata"]["name"], obj["metadata"].get("labels", {}).get(OWNER, ""))
        for kind in ("Service", "HTTPRoute")
        for obj in run.kube.objects(kind, namespace)
    )


def certificates_asked(run: BundleRun) -> list[str]:
    """The names the gateway asks its TLS provider to certify."""
    databag = run.sim.app_data(run.sim.relation_id(GATEWAY, TLS), GATEWAY)
    return sorted(hostname_of(csr) for csr in csrs_in(databag))


# ----- a workload can only ever expose itself -------------------------------------------------


@pytest.fixture(scope="module")
def liars(module_deploy: Deployer) -> BundleRun:
    """Model shop: `shop` served honestly, and two workloads naming another app of the model.

    `evil` asks as `admin` (deployed, never exposed); `mimic` asks as `shop` (served already).
    """
    tenants = {
        **tenant("shop", "shop", "shop.example.com"),
        **tenant("evil", "shop", "evil.example.com", {"name": "admin"}),
        **tenant("mimic", "shop", "mimic.example.com", {"name": "shop"}),
    }
    admin = {"admin": {"charm": "workload", "model": "shop"}}
    return module_deploy.run(parse_scenario(bundle(tenants, bystanders=admin), "liars"))


@pytest.mark.parametrize(("liar", "claimed"), [("evil", "admin"), ("mimic", "shop")])
def test_the_liars_configurator_is_blocked_naming_both_names(
    liars: BundleRun, liar: str, claimed: str
):
    status = unit_status(liars, f"{liar}-route/0")
    assert status.startswith(f"blocked: workload {liar} asks to be served as '{claimed}'")
    assert f"name={liar}" in status  # what the workload's charm must write instead


@pytest.mark.parametrize("liar", ["evil", "mimic"])
def test_the_liars_configurator_creates_nothing(liars: BundleRun, liar: str):
    assert owned_by(liars, f"{liar}-route") == []


@pytest.mark.parametrize("liar", ["evil", "mimic"])
def test_the_liar_gets_no_url(liars: BundleRun, liar: str):
    assert liars.url(liar) is None


@pytest.mark.parametrize("liar", ["evil", "mimic"])
def test_the_liars_configurator_asks_the_gateway_for_nothing(liars: BundleRun, liar: str):
    relation = liars.sim.relation_id(f"{liar}-route", GATEWAY)
    assert liars.sim.app_data(relation, f"{liar}-route") == {}
    assert https_namespaces(liars, f"{liar}.example.com") is None


def test_no_service_selects_the_named_apps_pods_but_the_honest_ones(liars: BundleRun):
    selectors = [
        (obj["metadata"]["name"], obj["spec"].get("selector"))
        for obj in liars.kube.objects("Service", "shop")
    ]
    assert selectors == [("shop-8080", {"app.kubernetes.io/name": "shop"})]


def test_every_route_and_service_in_the_model_is_the_honest_tenants(liars: BundleRun):
    assert served_objects(liars, "shop") == [
        ("HTTPRoute", "shop", "shop-route"),
        ("Service", "shop-8080", "shop-route"),
    ]


def test_the_honest_tenant_is_still_served(liars: BundleRun):
    assert liars.url("shop") == "https://shop.example.com/"
    assert unit_status(liars, "shop-route/0") == "active: https://shop.example.com/"
    assert liars.url("admin") is None


def test_a_lie_after_honest_service_changes_nothing_served_then_the_truth_is_served_again(
    deploy: Deployer,
):
    run = deploy.run(
        parse_scenario(bundle(tenant("evil", "shop", "evil.example.com")), "late-liar")
    )
    assert run.url("evil") == "https://evil.example.com/"
    before = served_objects(run, "shop")
    assert ("HTTPRoute", "evil", "evil-route") in before

    workload = run.workloads["evil"]
    honest = dict(workload.app_data)
    workload.app_data["name"] = json.dumps("admin")
    run.sim.refresh_participant("evil")
    run.settle()

    assert unit_status(run, "evil-route/0").startswith(
        "blocked: workload evil asks to be served as 'admin'"
    )
    assert served_objects(run, "shop") == before  # nothing created for admin, nothing dropped
    assert all(
        obj["spec"].get("selector") == {"app.kubernetes.io/name": "evil"}
        for obj in run.kube.objects("Service", "shop")
    )
    assert run.url("evil") == "https://evil.example.com/"

    workload.app_data.clear()
    workload.app_data.update(honest)
    run.sim.refresh_participant("evil")
    run.settle()
    assert unit_status(run, "evil-route/0") == "active: https://evil.example.com/"
    assert served_objects(run, "shop") == before


# ----- the hostname policy, across two models -------------------------------------------------

ONLY_SHOP = f"{WWW}=shop"


@pytest.fixture(scope="module")
def policed(module_deploy: Deployer) -> BundleRun:
    """Two models claim www: blog first (the oldest claim), shop second; policy: shop only."""
    tenants = {**tenant("blog", "blog", WWW), **tenant("shop", "shop", WWW)}
    return module_deploy.run(parse_scenario(bundle(tenants, policy=ONLY_SHOP), "policed"))


def test_policy_serves_the_allowed_model_though_it_claimed_second(policed: BundleRun):
    assert policed.sim.relation_id(*to_gateway("blog")) < policed.sim.relation_id(
        *to_gateway("shop")
    )
    assert policed.url("shop") == f"https://{WWW}/"
    assert unit_status(policed, "shop-route/0") == f"active: https://{WWW}/"
    assert https_namespaces(policed, WWW) == {"kubernetes.io/metadata.name": "shop"}


def test_policy_refuses_the_other_model_as_not_allowed(policed: BundleRun):
    assert refusals(policed, "blog") == [(WWW, "not-allowed")]
    assert accepted(policed, "blog") == []
    status = unit_status(policed, "blog-route/0")
    assert status.startswith(f"blocked: gateway refused {WWW} (not-allowed): ")
    assert f"hostname-policy lets only model(s) shop claim {WWW}" in status
    assert "hostname-policy=" in status  # how the operator changes it


def test_the_refused_model_gets_no_url_and_no_route(policed: BundleRun):
    assert policed.url("blog") is None
    assert "HTTPRoute" not in kinds_owned(policed, "blog-route")


def test_released_hostname_stays_refused_to_a_model_the_policy_does_not_allow_until_reclaimed(
    deploy: Deployer,
):
    tenants = {**tenant("blog", "blog", WWW), **tenant("shop", "shop", WWW)}
    run = deploy.run(parse_scenario(bundle(tenants, policy=ONLY_SHOP), "release"))
    assert run.url("shop") == f"https://{WWW}/"

    run.apply({"unrelate": to_gateway("shop")})  # shop releases www
    assert run.url("shop") is None
    assert run.url("blog") is None
    assert refusals(run, "blog") == [(WWW, "not-allowed")]
    assert unit_status(run, "blog-route/0").startswith(f"blocked: gateway refused {WWW} (not")
    assert https_namespaces(run, WWW) is None  # served for nobody
    assert "HTTPRoute" not in kinds_owned(run, "blog-route")

    run.apply({"relate": to_gateway("shop")})  # shop re-claims it
    assert run.url("shop") == f"https://{WWW}/"
    assert unit_status(run, "shop-route/0") == f"active: https://{WWW}/"
    assert https_namespaces(run, WWW) == {"kubernetes.io/metadata.name": "shop"}
    assert run.url("blog") is None
    assert refusals(run, "blog") == [(WWW, "not-allowed")]


def test_a_hostname_released_by_config_stays_refused_then_is_reclaimed(deploy: Deployer):
    tenants = {**tenant("blog", "blog", WWW), **tenant("shop", "shop", WWW)}
    policy = f"{ONLY_SHOP},shop.example.com=shop"
    run = deploy.run(parse_scenario(bundle(tenants, policy=policy), "release-by-config"))

    run.apply({"config": {"shop-route": {"hostname": "shop.example.com"}}})
    assert run.url("shop") == "https://shop.example.com/"
    assert https_namespaces(run, WWW) is None
    assert run.url("blog") is None
    assert refusals(run, "blog") == [(WWW, "not-allowed")]

    run.apply({"config": {"shop-route": {"hostname": WWW}}})
    assert run.url("shop") == f"https://{WWW}/"
    assert run.url("blog") is None


def test_a_released_hostname_goes_to_an_allowed_claimant_not_the_oldest(deploy: Deployer):
    # intruder claims first, shop second, blog third; the policy allows shop and blog.
    tenants = {
        **tenant("intruder", "intruder", WWW),
        **tenant("shop", "shop", WWW),
        **tenant("blog", "blog", WWW),
    }
    run = deploy.run(parse_scenario(bundle(tenants, policy=f"{WWW}=shop|blog"), "handover"))
    assert run.url("shop") == f"https://{WWW}/"
    assert refusals(run, "intruder") == [(WWW, "not-allowed")]
    assert refusals(run, "blog") == [(WWW, "conflict")]

    run.apply({"unrelate": to_gateway("shop")})
    assert run.url("blog") == f"https://{WWW}/"
    assert unit_status(run, "blog-route/0") == f"active: https://{WWW}/"
    assert https_namespaces(run, WWW) == {"kubernetes.io/metadata.name": "blog"}
    assert run.url("intruder") is None
    assert refusals(run, "intruder") == [(WWW, "not-allowed")]
    assert "HTTPRoute" not in kinds_owned(run, "intruder-route")

    run.apply({"relate": to_gateway("shop")})  # back, but blog holds it now
    assert run.url("blog") == f"https://{WWW}/"
    assert run.url("shop") is None
    assert refusals(run, "shop") == [(WWW, "conflict")]


# ----- Canonical's gateway-route on the other end ---------------------------------------------

# From ../shared/interfaces/gateway-route-canonical-v1.md (sections 3, 4 and 7).
CANONICAL_V1_REQUIRER = {
    "additional_hostnames": '["www.example.com"]',
    "hostname": '"app.example.com"',
}
CANONICAL_V0_REQUIRER = {
    "additional_hostnames": '["www.legacy.example.com"]',
    "hostname": '"legacy.example.com"',
    "model": '"legacy"',
    "name": '"legacy-app"',
    "paths": '["/", "/api"]',
    "port": "8080",
}
CANONICAL_V1_PROVIDER = {
    "gateway_address": '"10.1.2.3"',
    "gateway_model": '"ingress"',
    "gateway_name": '"gateway-api-integrator"',
    "hsts_max_age": "31536000",
    "https_mode": '"enforced"',
}
STRANGERS = {
    # name: (model, databag, the dialect the gateway must name)
    "ingress-configurator": ("apps", CANONICAL_V1_REQUIRER, "Canonical's gateway-route v1"),
    "legacy-route": ("legacy", CANONICAL_V0_REQUIRER, "Canonical's gateway-route v0"),
}


@pytest.fixture(scope="module")
def strangers(module_deploy: Deployer) -> BundleRun:
    """An honest tenant served, then Canonical requirers (v1 and v0) related to the gateway."""
    run = module_deploy.run(
        parse_scenario(bundle(tenant("shop", "shop", "shop.example.com")), "strangers")
    )
    for name, (model, databag, _) in STRANGERS.items():
        stand_in = WorkloadRequirer(ROUTE_ENDPOINT, "gateway-route", app_data=databag)
        run.sim.add_participant(name, stand_in, model=model)
        run.sim.relate(f"{name}:{ROUTE_ENDPOINT}", f"{GATEWAY}:{ROUTE_ENDPOINT}")
    run.settle()
    return run


@pytest.mark.parametrize("stranger", list(STRANGERS))
def test_gateway_is_blocked_naming_the_stranger_and_what_to_deploy(
    strangers: BundleRun, stranger: str
):
    dialect = STRANGERS[stranger][2]
    status = unit_status(strangers, f"{GATEWAY}/0")
    assert status.startswith("blocked: ")
    assert f"{stranger} speaks {dialect}, not this gateway's gateway-route" in status
    assert "this project's gateway-route-configurator" in status
    assert "Canonical's gateway-api-integrator" in status


@pytest.mark.parametrize("stranger", list(STRANGERS))
def test_gateway_answers_the_stranger_nothing(strangers: BundleRun, stranger: str):
    relation = strangers.sim.relation_id(stranger, GATEWAY)
    assert strangers.sim.app_data(relation, GATEWAY) == {}


def test_nothing_is_created_for_the_strangers_hostnames(strangers: BundleRun):
    assert sorted(listeners(strangers, GATEWAY, "infra")) == [
        "http-shop.example.com",
        "https-shop.example.com",
    ]
    secrets = [obj["metadata"]["name"] for obj in strangers.kube.objects("Secret", "infra")]
    assert secrets == [f"{GATEWAY}-tls-shop.example.com"]
    assert certificates_asked(strangers) == ["shop.example.com"]
    for model in ("apps", "legacy"):
        assert served_objects(strangers, model) == []


def test_the_honest_tenant_is_still_served_beside_strangers(strangers: BundleRun):
    assert strangers.url("shop") == "https://shop.example.com/"
    assert unit_status(strangers, "shop-route/0") == "active: https://shop.example.com/"


CANONICAL_V0_PROVIDER = {
    "endpoints": '["https://app.example.com/", "https://app.example.com/api"]',
}
FOREIGN_GATEWAYS = {
    "v1": CANONICAL_V1_PROVIDER,
    "v0": CANONICAL_V0_PROVIDER,
}
Foreign = tuple[BundleRun, str, list[tuple[str, str, str]]]


@pytest.fixture(scope="module", params=list(FOREIGN_GATEWAYS))
def foreign_gateway(request: pytest.FixtureRequest, module_deploy: Deployer) -> Foreign:
    """A configurator related only to a gateway speaking Canonical's provider side.

    Also returns the version and what was in the configurator's model before: its Service,
    made while it had no gateway at all.
    """
    version: str = request.param
    data = bundle(tenant("shop", "shop", "shop.example.com"))
    data["relations"].remove(to_gateway("shop"))
    run = module_deploy.run(parse_scenario(data, f"foreign-gateway-{version}"))
    before = served_objects(run, "shop")
    stand_in = WorkloadRequirer(
        ROUTE_ENDPOINT, "gateway-route", app_data=FOREIGN_GATEWAYS[version], role="provides"
    )
    run.sim.add_participant("canonical-gateway", stand_in, model="ingress")
    run.sim.relate(f"shop-route:{ROUTE_ENDPOINT}", f"canonical-gateway:{ROUTE_ENDPOINT}")
    run.settle()
    return run, version, before


def test_configurator_is_blocked_naming_the_foreign_gateway_and_its_dialect(
    foreign_gateway: Foreign,
):
    run, version, _ = foreign_gateway
    status = unit_status(run, "shop-route/0")
    assert status.startswith(
        f"blocked: the gateway canonical-gateway speaks Canonical's gateway-route {version}, "
        "not this project's gateway-route"
    )
    assert "this project's gateway-api-integrator" in status


def test_configurator_creates_nothing_asks_nothing_and_publishes_no_url(foreign_gateway: Foreign):
    run, _, before = foreign_gateway
    assert served_objects(run, "shop") == before
    assert "HTTPRoute" not in kinds_owned(run, "shop-route")
    relation = run.sim.relation_id("shop-route", "canonical-gateway")
    # Not even a hostname-less request: Canonical's gateway would serve it (and, with TLS,
    # ask for an IP certificate).
    assert run.sim.app_data(relation, "shop-route") == {}
    assert run.url("shop") is None


def test_configurator_suggests_a_canonical_requirer_that_speaks_the_gateways_version(
    foreign_gateway: Foreign, request: pytest.FixtureRequest
):
    # Fact sheet, section 7: a v0 provider never serves a v1 requirer (ingress-configurator);
    # only a v1 gateway pairs with Canonical's ingress-configurator.
    run, version, _ = foreign_gateway
    status = unit_status(run, "shop-route/0")
    if version == "v0":
        assert "ingress-configurator" not in status
    else:
        assert "Canonical's ingress-configurator" in status
