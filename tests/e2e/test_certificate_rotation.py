"""A CA rotation on a provider that revokes now and re-signs later keeps every hostname served.

self-signed-certificates, on `rotate-private-key` or any `ca-*` config change, revokes every
certificate it issued and re-signs them only at its next reconcile (typically update-status),
while a CSR it has not seen is signed at once. The stand-in's `rotate-ca` step does the same.
The gateway answers a revocation of what it serves with a new private key, so new CSRs are
signed in the same exchange; meanwhile the old Secret and both listeners stay, and the new
certificate is swapped into the same Secret.
"""

from __future__ import annotations

from typing import Any

import pytest

from bundlesim import BundleRun, Deployer, listeners, served_certificate, unit_status

GATEWAY = "gateway-api-integrator"
PROVIDER = "self-signed-certificates"
HOSTS = ("shop.example.com", "blog.example.com")


@pytest.fixture(scope="module")
def rotated(module_deploy: Deployer) -> dict[str, Any]:
    run = module_deploy("default")
    before = {
        "urls": run.urls(),
        "secrets": {h: run.kube.read("Secret", _secret(run, h), "infra") for h in HOSTS},
        "ca": run.tls[PROVIDER].provider.ca,
    }
    gaps: list[str] = []  # what a client would have missed, after each of the gateway's hooks
    hooks: list[str] = []
    original = run.sim._record

    def record(target: str, event: str, *args: Any, **kwargs: Any) -> None:
        original(target, event, *args, **kwargs)
        if not target.startswith(f"{GATEWAY}/"):
            return
        hooks.append(event)
        found = listeners(run, GATEWAY, "infra")
        for host in HOSTS:
            for name in (f"http-{host}", f"https-{host}"):
                if name not in found:
                    gaps.append(f"after hook {len(hooks)} ({event}): no listener {name}")
            if served_certificate(run.kube, host) is None:
                gaps.append(f"after hook {len(hooks)} ({event}): no certificate for {host}")

    run.sim._record = record  # type: ignore[method-assign]
    run.kube.reset_requests()
    try:
        run.apply({"rotate-ca": PROVIDER})
    finally:
        run.sim._record = original  # type: ignore[method-assign]
    return {"run": run, "before": before, "gaps": gaps, "hooks": hooks}


def _secret(run: BundleRun, host: str) -> str:
    https = listeners(run, GATEWAY, "infra")[f"https-{host}"]
    return https["tls"]["certificateRefs"][0]["name"]


def test_no_listener_or_certificate_is_ever_missing_during_the_rotation(rotated):
    assert rotated["hooks"], "the gateway ran hooks during the rotation"
    assert rotated["gaps"] == []


def test_replacements_are_signed_by_the_new_ca_without_waiting_for_the_providers_pass(rotated):
    run: BundleRun = rotated["run"]
    provider = run.tls[PROVIDER].provider
    assert provider.ca != rotated["before"]["ca"]
    for host in HOSTS:
        found = served_certificate(run.kube, host)
        assert found is not None
        _, leaf = found
        issued = provider.issued(host)
        assert issued is not None
        assert not issued.revoked
        assert leaf.serial_number == _serial(issued.certificate)


def test_each_secret_is_swapped_in_place(rotated):
    run: BundleRun = rotated["run"]
    for host in HOSTS:
        old = rotated["before"]["secrets"][host]
        new = run.kube.read("Secret", old["metadata"]["name"], "infra")
        assert new["metadata"]["uid"] == old["metadata"]["uid"]
        assert new["data"]["tls.crt"] != old["data"]["tls.crt"]
        assert new["data"]["tls.key"] != old["data"]["tls.key"], "a new private key"
    assert run.kube.count("delete") == 0


def test_urls_and_statuses_are_as_before(rotated):
    run: BundleRun = rotated["run"]
    assert run.urls() == rotated["before"]["urls"]
    assert unit_status(run, f"{GATEWAY}/0").startswith("active: 2 hostname(s) served")
    assert run.kube.read("HTTPRoute", f"{GATEWAY}-https-redirect", "infra")


def test_the_providers_later_pass_changes_nothing_served(rotated):
    run: BundleRun = rotated["run"]
    served = {host: served_certificate(run.kube, host) for host in HOSTS}
    run.apply({"provider-pass": PROVIDER})
    for host in HOSTS:
        after = served_certificate(run.kube, host)
        before = served[host]
        assert after is not None
        assert before is not None
        assert after[1].serial_number == before[1].serial_number


def _serial(pem: str) -> int:
    from cryptography import x509

    return x509.load_pem_x509_certificate(pem.encode()).serial_number
