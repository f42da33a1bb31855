"""The shipped bundle on a real controller: objects, HTTP through the gateway, removal.

One deployment per module (deploying takes minutes): `deployment` deploys `bundle.yaml` with the
freshly packed charms, waits until every application is active, and the tests then read what
it produced. They run in file order; the last one removes everything.

The workload is catalogue-k8s from Charmhub: a small nginx site from the Canonical
Observability Stack whose charm uses the ingress v2 requirer library unchanged and asks for
`strip-prefix` and `redirect-https`. It serves `/config.json` with its `title` option, so a
response proves which path reached the workload and that it was this workload.
"""

# pyright: reportMissingImports=false
# (jubilant is installed by tox -e integration only; the lint environment checks the rest.)

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
import yaml
from cluster import CHARMS, Gateway, HTTPRoute, owned_objects, ownership_labels
from gateway_http import Response, get, trusting
from lightkube import Client
from lightkube.resources.core_v1 import Secret, Service
from prerequisites import ROOT, packed_charm

if TYPE_CHECKING:
    import jubilant

INTEGRATOR = "gateway-api-integrator"
CONFIGURATOR = "gateway-route-configurator"
TLS_PROVIDER = "self-signed-certificates"
WORKLOAD = "catalogue"
APPS = (INTEGRATOR, CONFIGURATOR, TLS_PROVIDER, WORKLOAD)

PREFIX = "/catalogue"
TITLE = "gateway-api-charms integration"
HSTS_MAX_AGE = 31536000

T = TypeVar("T")


@dataclass(frozen=True)
class Deployment:
    """What the tests need to know about the deployed bundle."""

    namespace: str
    hostname: str
    address: str
    certificate: dict[str, str]
    """The get-certificate result for `hostname`."""

    def https(self, path: str) -> Response:
        """GET over HTTPS, trusting only the CA the TLS provider signed with."""
        tls = trusting(self.certificate["ca"], self.certificate["chain"])
        return get(self.address, self.hostname, path, tls=tls)

    def http(self, path: str) -> Response:
        """GET over plain HTTP."""
        return get(self.address, self.hostname, path)


def eventually(probe: Callable[[], T], accept: Callable[[T], bool], timeout: float = 120) -> T:
    """Poll `probe` until `accept` holds; return the last value (the assertion then shows it).

    The data plane programs a route a little after the controller reports it accepted.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = probe()
        except OSError:
            if time.monotonic() > deadline:
                raise
        else:
            if accept(value) or time.monotonic() > deadline:
                return value
        time.sleep(3)


def shipped_bundle() -> dict:
    """bundle.yaml as users deploy it."""
    return yaml.safe_load((ROOT / "bundle.yaml").read_text())


def bundle_for_this_run(tmp_path: Path) -> Path:
    """bundle.yaml with this run's packed charms, a path prefix and a recognisable title."""
    bundle = shipped_bundle()
    apps = bundle["applications"]
    for charm in CHARMS:
        apps[charm]["charm"] = str(packed_charm(charm))
    apps[CONFIGURATOR].setdefault("options", {})["paths"] = PREFIX
    apps[WORKLOAD].setdefault("options", {})["title"] = TITLE
    path = tmp_path / "bundle.yaml"
    path.write_text(yaml.safe_dump(bundle))
    return path


@pytest.fixture(scope="module")
def deployment(
    juju: "jubilant.Juju", kube: Client, tmp_path_factory: pytest.TempPathFactory
) -> Deployment:
    import jubilant

    juju.deploy(bundle_for_this_run(tmp_path_factory.mktemp("bundle")), trust=True)
    juju.wait(lambda status: jubilant.all_active(status, *APPS), error=jubilant.any_error)
    namespace = str(juju.model)
    hostname = shipped_bundle()["applications"][CONFIGURATOR]["options"]["hostname"]
    gateway = kube.get(Gateway, INTEGRATOR, namespace=namespace).to_dict()
    address = gateway["status"]["addresses"][0]["value"]
    task = juju.run(f"{INTEGRATOR}/leader", "get-certificate", {"hostname": hostname})
    return Deployment(namespace, hostname, address, dict(task.results))


def _leader_message(juju: "jubilant.Juju", app: str) -> str:
    units = juju.status().apps[app].units
    return next(unit.workload_status.message for unit in units.values() if unit.leader)


def test_gateway_has_an_http_and_an_https_listener_for_the_hostname(
    deployment: Deployment, kube: Client
):
    gateway = kube.get(Gateway, INTEGRATOR, namespace=deployment.namespace).to_dict()
    listeners = {item["name"]: item for item in gateway["spec"]["listeners"]}
    http = listeners[f"http-{deployment.hostname}"]
    https = listeners[f"https-{deployment.hostname}"]
    assert (http["protocol"], http["port"], http["hostname"]) == (
        "HTTP",
        80,
        deployment.hostname,
    )
    assert (https["protocol"], https["port"], https["hostname"]) == (
        "HTTPS",
        443,
        deployment.hostname,
    )
    assert https["tls"]["certificateRefs"][0]["name"] == f"{INTEGRATOR}-tls-{deployment.hostname}"


def test_https_listener_admits_routes_only_from_the_requesting_namespace(
    deployment: Deployment, kube: Client
):
    gateway = kube.get(Gateway, INTEGRATOR, namespace=deployment.namespace).to_dict()
    https = next(item for item in gateway["spec"]["listeners"] if item["protocol"] == "HTTPS")
    assert https["allowedRoutes"]["namespaces"] == {
        "from": "Selector",
        "selector": {"matchLabels": {"kubernetes.io/metadata.name": deployment.namespace}},
    }


def test_gateway_is_labelled_as_owned_by_the_integrator(deployment: Deployment, kube: Client):
    gateway = kube.get(Gateway, INTEGRATOR, namespace=deployment.namespace)
    labels = (gateway.metadata.labels if gateway.metadata else None) or {}
    expected = ownership_labels(INTEGRATOR, INTEGRATOR, deployment.namespace)
    assert labels.items() >= expected.items()


def test_tls_secret_holds_the_certificate_that_get_certificate_shows(
    deployment: Deployment, kube: Client
):
    import base64

    name = f"{INTEGRATOR}-tls-{deployment.hostname}"
    secret = kube.get(Secret, name, namespace=deployment.namespace)
    assert secret.type == "kubernetes.io/tls"
    labels = (secret.metadata.labels if secret.metadata else None) or {}
    assert labels.items() >= ownership_labels(INTEGRATOR, INTEGRATOR, deployment.namespace).items()
    served = base64.b64decode((secret.data or {})["tls.crt"]).decode()
    assert served.startswith(deployment.certificate["certificate"].strip())


def test_get_certificate_never_returns_a_private_key(deployment: Deployment):
    assert not any("PRIVATE KEY" in str(value) for value in deployment.certificate.values())


def test_get_certificate_for_an_unknown_hostname_fails_naming_it(
    deployment: Deployment, juju: "jubilant.Juju"
):
    import jubilant

    with pytest.raises(jubilant.TaskError) as failed:
        juju.run(f"{INTEGRATOR}/leader", "get-certificate", {"hostname": "nowhere.example.com"})
    assert "unknown hostname 'nowhere.example.com'" in failed.value.task.message


def test_route_attaches_only_to_the_https_listener_and_is_accepted(
    deployment: Deployment, kube: Client
):
    route = kube.get(HTTPRoute, WORKLOAD, namespace=deployment.namespace).to_dict()
    sections = [ref["sectionName"] for ref in route["spec"]["parentRefs"]]
    assert sections == [f"https-{deployment.hostname}"]
    conditions = {
        condition["type"]: condition["status"]
        for parent in route["status"]["parents"]
        for condition in parent["conditions"]
    }
    assert (conditions["Accepted"], conditions["ResolvedRefs"]) == ("True", "True")


def test_route_is_labelled_as_owned_by_the_configurator(deployment: Deployment, kube: Client):
    route = kube.get(HTTPRoute, WORKLOAD, namespace=deployment.namespace)
    labels = (route.metadata.labels if route.metadata else None) or {}
    expected = ownership_labels(CONFIGURATOR, CONFIGURATOR, deployment.namespace)
    assert labels.items() >= expected.items()


def test_route_backend_is_a_service_selecting_the_workload(deployment: Deployment, kube: Client):
    route = kube.get(HTTPRoute, WORKLOAD, namespace=deployment.namespace).to_dict()
    backend = route["spec"]["rules"][0]["backendRefs"][0]
    service = kube.get(Service, backend["name"], namespace=deployment.namespace)
    assert service.spec is not None
    assert (service.spec.selector or {}).get("app.kubernetes.io/name") == WORKLOAD
    if backend["name"] != WORKLOAD:  # ours, unless the workload reported is_port_open
        labels = (service.metadata.labels if service.metadata else None) or {}
        expected = ownership_labels(CONFIGURATOR, CONFIGURATOR, deployment.namespace)
        assert labels.items() >= expected.items()


def test_workload_and_configurator_show_the_https_url(
    deployment: Deployment, juju: "jubilant.Juju"
):
    url = f"https://{deployment.hostname}{PREFIX}"
    # catalogue-k8s's get-url action answers with the URL its ingress library received.
    assert juju.run(f"{WORKLOAD}/leader", "get-url").results["url"].rstrip("/") == url
    assert _leader_message(juju, CONFIGURATOR) == url


def test_plain_http_is_redirected_to_https_without_a_port(deployment: Deployment):
    path = f"{PREFIX}/config.json"
    answer = eventually(lambda: deployment.http(path), lambda r: r.status == 301)
    assert answer.status == 301
    # Some implementations kept ":80" in the Location (aws-load-balancer-controller#4567).
    assert answer.headers["location"] == f"https://{deployment.hostname}{PREFIX}/config.json"


def test_https_reaches_the_workload_with_the_prefix_stripped(deployment: Deployment):
    path = f"{PREFIX}/config.json"
    answer = eventually(lambda: deployment.https(path), lambda r: r.status == 200)
    assert answer.status == 200
    # nginx serves /config.json; /catalogue/config.json would be a 404 there.
    assert json.loads(answer.body)["title"] == TITLE


def test_https_responses_carry_strict_transport_security(deployment: Deployment):
    path = f"{PREFIX}/config.json"
    answer = eventually(lambda: deployment.https(path), lambda r: r.status == 200)
    assert answer.headers["strict-transport-security"] == f"max-age={HSTS_MAX_AGE}"


def test_the_bare_prefix_reaches_the_workload_root(deployment: Deployment):
    answer = eventually(lambda: deployment.https(PREFIX), lambda r: r.status == 200)
    assert answer.status == 200
    assert b"<html" in answer.body.lower()


def test_a_path_outside_the_configured_prefixes_is_not_routed(deployment: Deployment):
    answer = eventually(lambda: deployment.https("/elsewhere"), lambda r: r.status == 404)
    assert answer.status == 404


def test_removing_every_application_leaves_no_owned_object(
    deployment: Deployment, juju: "jubilant.Juju", kube: Client
):
    juju.remove_application(*APPS)
    juju.wait(lambda status: not set(APPS) & set(status.apps), timeout=15 * 60)
    leftovers = eventually(
        lambda: list(owned_objects(kube, deployment.namespace)), lambda found: not found, 60
    )
    assert leftovers == []
