"""The stand-ins (workload, TLS provider, DNS provider) write what the real ones would."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bundlesim import TLSProviderApp, workload_requirer
from bundlesim.dnsprovider import (
    Decision,
    DnsProviderApp,
    Record,
    Request,
    answers_databag,
    decide,
    read_requests,
)
from bundlesim.scenario import Ingress
from bundlesim.standins import CanonicalGatewayApp
from modelsim import RelationView, Simulation, WorkloadRequirer
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


# ----------------------------------------------------------------- the DNS provider (bind)
# Wire literals below are the fact sheet's (shared/interfaces/dns-record-v0.md), not our
# library's output: the stand-in is a check on that library.

APP_UUID = "207ddfc1-8196-501a-af35-f041dedd4c1e"
WWW_UUID = "a5a23483-a6f8-5e75-975b-8e08f7b36056"
OTHER_UUID = "6f1c1b5e-4a53-4a8e-9a55-0b7b1f3f2a10"
GATEWAY_ENTRIES = (  # section 3, gateway-api-integrator (LIBPATCH 3), Gateway at 10.1.2.3
    '[{"domain": "app.example.com", "host_label": "@", "ttl": 600, "record_class": "IN", '
    '"record_type": "A", "record_data": "10.1.2.3", "uuid": "' + APP_UUID + '"}, '
    '{"domain": "www.example.com", "host_label": "@", "ttl": 600, "record_class": "IN", '
    '"record_type": "A", "record_data": "10.1.2.3", "uuid": "' + WWW_UUID + '"}]'
)


def _entry(uuid: str | None = OTHER_UUID, **fields: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "domain": "www.example.com",
        "host_label": "@",
        "ttl": 600,
        "record_class": "IN",
        "record_type": "A",
        "record_data": "10.1.2.3",
        "uuid": uuid,
    }
    return {**entry, **fields}


def _requests(requirer: str, *entries: dict[str, object]) -> list[Request]:
    found = read_requests(requirer, {"dns_entries": json.dumps(list(entries))})
    assert found is not None
    return found


def _statuses(decisions: list[Decision]) -> dict[str, str | None]:
    return {d.request.uuid: d.status for d in decisions}


def test_dns_answers_the_gateways_entries_in_binds_wire_format():
    requests = read_requests("gw", {"dns_entries": GATEWAY_ENTRIES})
    assert requests is not None
    decisions, served = decide(requests)
    assert answers_databag(decisions) == {
        "dns_entries": '[{"uuid": "' + APP_UUID + '", "status": "approved"}, '
        '{"uuid": "' + WWW_UUID + '", "status": "approved"}]'
    }
    assert [str(r) for r in served] == [
        "app.example.com 600 IN A 10.1.2.3",
        "www.example.com 600 IN A 10.1.2.3",
    ]


def test_dns_conflict_marks_both_different_entries_and_serves_neither():
    decisions, served = decide(
        _requests("gw", _entry(WWW_UUID)) + _requests("other", _entry(record_data="10.9.9.9"))
    )
    assert _statuses(decisions) == {WWW_UUID: "conflict", OTHER_UUID: "conflict"}
    assert served == []
    (item, _) = json.loads(answers_databag(decisions)["dns_entries"])
    assert item == {"uuid": WWW_UUID, "status": "conflict"}  # no description key


def test_dns_a_different_ttl_is_a_different_entry():
    decisions, _ = decide(_requests("gw", _entry(WWW_UUID), _entry(ttl=300)))
    assert set(_statuses(decisions).values()) == {"conflict"}


def test_dns_identical_entries_merge_into_one_approved_record():
    decisions, served = decide(
        _requests("gw", _entry(WWW_UUID)) + _requests("other", _entry(ttl="600"))
    )
    assert _statuses(decisions) == {WWW_UUID: "approved", OTHER_UUID: "approved"}
    assert [str(r) for r in served] == ["www.example.com 600 IN A 10.1.2.3"]


@pytest.mark.parametrize(
    "other",
    [
        {"record_type": "AAAA", "record_data": "fd00::1"},  # another type
        {"domain": "example.com", "host_label": "www"},  # same name, other (domain, label)
    ],
)
def test_dns_only_same_domain_label_class_and_type_conflict(other: dict[str, Any]):
    decisions, served = decide(_requests("gw", _entry(WWW_UUID), _entry(**other)))
    assert set(_statuses(decisions).values()) == {"approved"}
    assert len(served) == 2


def test_dns_an_existing_record_refuses_a_request_for_its_name_and_stays():
    existing = Record("www.example.com", "@", "IN", "A", "192.0.2.80", 600)
    decisions, served = decide(_requests("gw", _entry(WWW_UUID)), [existing])
    assert _statuses(decisions) == {WWW_UUID: "conflict"}
    assert served == [existing]


def test_dns_an_invalid_entry_gets_no_answer_as_from_bind():
    decisions, served = decide(_requests("gw", _entry(WWW_UUID), _entry(ttl=None)))
    assert json.loads(answers_databag(decisions)["dns_entries"]) == [
        {"uuid": WWW_UUID, "status": "approved"}
    ]
    assert len(served) == 1


def test_dns_answer_invalid_says_invalid_data_with_the_reasons():
    requests = _requests("gw", _entry(record_type="B", record_class="CH", domain=""))
    decisions, _ = decide(requests, answer_invalid=True)
    (item,) = json.loads(answers_databag(decisions)["dns_entries"])
    assert (item["uuid"], item["status"]) == (OTHER_UUID, "invalid_data")
    assert item["description"].startswith("domain: must be a non-empty string; record_class")
    assert "record_type: must be one of A, AAAA" in item["description"]


@pytest.mark.parametrize(
    ("databag", "expected"),
    [
        ({}, []),  # missing key: no entries
        ({"dns_entries": "not json"}, None),  # the relation is skipped
        ({"dns_entries": "{}"}, None),
        ({"dns_entries": json.dumps([_entry(WWW_UUID), _entry("not-a-uuid")])}, None),
        ({"dns_entries": json.dumps([_entry(WWW_UUID), _entry(uuid=None)])}, [WWW_UUID]),
        ({"dns_entries": json.dumps([{"domain": "a.example.com"}, "x"])}, []),  # no uuid
        ({"dns_entries": json.dumps([_entry(WWW_UUID.upper())])}, [WWW_UUID]),
    ],
)
def test_dns_reads_a_requirer_as_bind_does(databag: dict[str, str], expected: list[str] | None):
    requests = read_requests("gw", databag)
    assert (None if requests is None else [r.uuid for r in requests]) == expected


def _dns_requirer(entries: str) -> WorkloadRequirer:
    return WorkloadRequirer("dns-record", "dns_record", app_data={"dns_entries": entries})


def test_dns_writes_one_combined_answer_to_every_relation_and_ignores_broken():
    bind = DnsProviderApp()
    with Simulation() as sim:
        sim.add_participant("gw", _dns_requirer(GATEWAY_ENTRIES))
        sim.add_participant("other", _dns_requirer(json.dumps([_entry(record_data="10.9.9.9")])))
        sim.add_participant("bind", bind, model="dns")
        sim.relate("gw:dns-record", "bind:dns-record")
        sim.relate("other:dns-record", "bind:dns-record")
        sim.settle()
        answers = [sim.app_data(r["id"], "bind") for r in sim.databags()]
        assert answers[0] == answers[1]
        assert _statuses(list(bind.decisions)) == {
            APP_UUID: "approved",
            WWW_UUID: "conflict",
            OTHER_UUID: "conflict",
        }
        sim.unrelate("other:dns-record", "bind:dns-record")
        sim.settle()
        assert OTHER_UUID in {d.request.uuid for d in bind.decisions}  # bind ignores broken


def _canonical(config: dict[str, Any], *, certificates: bool) -> Simulation:
    sim = Simulation()
    sim.add_participant("gw", CanonicalGatewayApp(), model="infra", config=config)
    sim.add_participant("ca", TLSProviderApp())
    sim.add_participant("shop", workload_requirer("shop", "infra", Ingress(app={"port": 80})))
    if certificates:
        sim.relate("gw:certificates", "ca:certificates")
    sim.relate("shop:ingress", "gw:gateway")
    sim.settle()
    return sim


def test_the_canonical_stand_in_publishes_what_canonicals_charm_would():
    sim = _canonical({"external-hostname": "gateway.example.com"}, certificates=True)
    rid = sim.relation_id("shop", "gw")
    answer = json.loads(sim.app_data(rid, "gw")["ingress"])
    assert answer == {"url": "https://gateway.example.com/infra-shop"}
    # Nothing on certificates: no CSR of its own for a successor to find.
    assert sim.app_data(sim.relation_id("gw", "ca"), "gw") == {}


@pytest.mark.parametrize(
    ("config", "certificates"),
    [
        ({"external-hostname": "gateway.example.com"}, False),  # Blocked: HTTPS, no TLS
        ({}, True),  # no hostname
        ({"external-hostname": "gateway.example.com", "enforce-https": False}, True),
    ],
)
def test_the_canonical_stand_in_publishes_nothing_where_that_charm_would_not_or_is_not_modelled(
    config: dict[str, Any], certificates: bool
):
    sim = _canonical(config, certificates=certificates)
    assert sim.app_data(sim.relation_id("shop", "gw"), "gw") == {}
