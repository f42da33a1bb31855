"""The workload and TLS-provider stand-ins write what a scenario says, as the real ones would."""

from __future__ import annotations

import json

import pytest

from bundlesim import TLSProviderApp, workload_requirer
from bundlesim.scenario import Ingress
from modelsim import RelationView
from tls_provider import TLSProvider


def _view(remote_app_data: dict[str, str], units: tuple[int, ...] = (0,)) -> RelationView:
    return RelationView(
        id=1,
        app="me",
        endpoint="ingress",
        interface="ingress",
        remote_app="other",
        remote_endpoint="x",
        local_app_data={},
        local_units_data={n: {} for n in units},
        remote_app_data=remote_app_data,
        remote_units_data={},
    )


def test_json_ingress_fills_name_and_model_and_encodes_values():
    workload = workload_requirer("shop", "shop", Ingress(app={"port": 8080, "strip-prefix": True}))
    assert workload.app_data == {
        "name": '"shop"',
        "model": '"shop"',
        "port": "8080",
        "strip-prefix": "true",
    }


def test_json_ingress_gives_each_unit_its_pod_host():
    workload = workload_requirer("shop", "shop", Ingress(app={"port": 8080}))
    update = workload.on_relation_data(None, _view({}, units=(0, 1)))  # type: ignore[arg-type]
    assert update is not None
    assert update.units[1] == {"host": '"shop-1.shop-endpoints.shop.svc.cluster.local"'}


@pytest.mark.parametrize(
    ("ingress", "app_data"),
    [
        (Ingress(encoding="raw", app={"port": "not json"}), {"port": "not json"}),
        (None, {}),
    ],
)
def test_raw_or_absent_ingress_is_written_as_given(ingress: Ingress | None, app_data: dict):
    assert workload_requirer("shop", "shop", ingress).app_data == app_data


def test_tls_provider_signs_each_csr_in_the_app_databag():
    from charmlibs.interfaces.tls_certificates import (
        CertificateRequestAttributes,
        CertificateSigningRequest,
        PrivateKey,
    )

    key = PrivateKey.generate(key_size=2048)
    csr = CertificateSigningRequest.generate(
        attributes=CertificateRequestAttributes(
            common_name="a.example.com", sans_dns=frozenset({"a.example.com"})
        ),
        private_key=key,
    )
    request = {
        "certificate_signing_requests": json.dumps(
            [{"certificate_signing_request": str(csr), "ca": False}]
        )
    }
    app = TLSProviderApp(TLSProvider(key_size=2048))
    update = app.on_relation_data(None, _view(request))  # type: ignore[arg-type]
    assert update is not None
    assert update.app is not None
    (entry,) = json.loads(str(update.app["certificates"]))
    assert entry["certificate_signing_request"] == str(csr).strip()
    assert app.provider.issued("a.example.com") is not None
