"""scenarios/dns-records.yaml: the gateway's DNS records at a bind stand-in, step by step.

The stand-in (bundlesim.dnsprovider) reads and answers `dns_record` v0 as the fact sheet
shared/interfaces/dns-record-v0.md documents bind, so these tests judge the gateway's library
against the documented wire, not against itself. Its `history` holds what it served and
answered after deployment and after each step: (a) deploy, (b) blog leaves, (c) the Gateway's
address changes, (d) shop also asks for a name bind already serves elsewhere.
"""

from __future__ import annotations

import json
import uuid

import pytest

from bundlesim import BundleRun, Deployer, unit_status
from bundlesim.dnsprovider import Record, Snapshot
from bundlesim.report import render

NAMESPACE = uuid.UUID("f8f206da-a7f8-4206-b044-30be3724a09d")  # fact sheet, section 3
SHOP, BLOG, WWW = "shop.example.com", "blog.example.com", "www.example.com"
EXISTING = Record(WWW, "@", "IN", "A", "192.0.2.80", 600)
GATEWAY = "gateway-api-integrator"


def a_record(hostname: str, address: str) -> Record:
    """What the gateway asks for a hostname: its own zone's apex, A, 600 s (section 3)."""
    return Record(hostname, "@", "IN", "A", address, 600)


def asked(snapshot: Snapshot) -> dict[str, tuple[str | None, str | None]]:
    """The gateway's entries the stand-in saw: record -> (status, uuid)."""
    return {
        str(d.request.record): (d.status, d.request.uuid)
        for d in snapshot.decisions
        if d.request.requirer == GATEWAY
    }


def fact_sheet_uuid(hostname: str, address: str) -> str:
    """The UUID rule of section 3: version 5, name `"<hostname> <address>"`."""
    return str(uuid.uuid5(NAMESPACE, f"{hostname} {address}"))


@pytest.fixture(scope="module")
def played(module_deploy: Deployer) -> BundleRun:
    return module_deploy("dns-records")


@pytest.fixture(scope="module")
def history(played: BundleRun) -> list[Snapshot]:
    snapshots = played.dns["bind"].history
    assert len(snapshots) == 4
    assert snapshots[0].label == "deploy"
    return snapshots


def test_a_one_record_per_served_hostname_at_the_gateway_address(history: list[Snapshot]):
    deployed = history[0]
    assert deployed.served == (
        a_record(BLOG, "10.0.0.1"),
        a_record(SHOP, "10.0.0.1"),
        EXISTING,
    )
    assert asked(deployed) == {
        f"{BLOG} 600 IN A 10.0.0.1": ("approved", fact_sheet_uuid(BLOG, "10.0.0.1")),
        f"{SHOP} 600 IN A 10.0.0.1": ("approved", fact_sheet_uuid(SHOP, "10.0.0.1")),
    }


def test_b_a_hostname_no_longer_served_is_withdrawn(history: list[Snapshot]):
    after = history[1]
    assert after.label.startswith("unrelate: ")
    assert after.served == (a_record(SHOP, "10.0.0.1"), EXISTING)
    assert list(asked(after)) == [f"{SHOP} 600 IN A 10.0.0.1"]


def test_c_records_move_with_the_gateway_address(history: list[Snapshot]):
    after = history[2]
    assert after.label == "controller: {addresses: [10.0.0.2]}"
    assert after.served == (a_record(SHOP, "10.0.0.2"), EXISTING)
    assert asked(after) == {
        f"{SHOP} 600 IN A 10.0.0.2": ("approved", fact_sheet_uuid(SHOP, "10.0.0.2")),
    }


def test_d_a_name_bind_already_serves_elsewhere_is_refused(history: list[Snapshot]):
    after = history[3]
    assert asked(after) == {
        f"{SHOP} 600 IN A 10.0.0.2": ("approved", fact_sheet_uuid(SHOP, "10.0.0.2")),
        f"{WWW} 600 IN A 10.0.0.2": ("conflict", fact_sheet_uuid(WWW, "10.0.0.2")),
    }
    assert after.served == (a_record(SHOP, "10.0.0.2"), EXISTING)  # bind's record stays


def test_d_the_refusal_shows_in_the_gateways_status_with_name_and_reason(played: BundleRun):
    status = unit_status(played, f"{GATEWAY}/0")
    assert status.startswith(f"blocked: dns-record: bind refused {WWW} A (conflict")
    assert SHOP not in status


def test_d_the_refusal_changes_nothing_else(played: BundleRun):
    assert played.url("shop") == f"https://{SHOP}/"
    assert unit_status(played, "shop-route/0") == f"active: https://{SHOP}/"


def test_the_wire_is_the_fact_sheets_on_both_sides(played: BundleRun):
    relation = played.sim.relation_id(f"{GATEWAY}:dns-record", "bind:dns-record")
    entries = [
        {
            "domain": hostname,
            "host_label": "@",
            "ttl": 600,
            "record_class": "IN",
            "record_type": "A",
            "record_data": "10.0.0.2",
            "uuid": fact_sheet_uuid(hostname, "10.0.0.2"),
        }
        for hostname in (SHOP, WWW)
    ]
    assert played.sim.app_data(relation, GATEWAY) == {"dns_entries": json.dumps(entries)}
    answers = [
        {"uuid": fact_sheet_uuid(SHOP, "10.0.0.2"), "status": "approved"},
        {"uuid": fact_sheet_uuid(WWW, "10.0.0.2"), "status": "conflict"},
    ]
    assert played.sim.app_data(relation, "bind") == {"dns_entries": json.dumps(answers)}


def test_the_demo_prints_the_records_answers_and_changes(played: BundleRun):
    report = render(played)
    assert "DNS records served by bind" in report
    assert f"{WWW} 600 IN A 10.0.0.2   conflict" in report
    assert f"    - {BLOG} 600 IN A 10.0.0.1" in report
    assert f"    + {SHOP} 600 IN A 10.0.0.2" in report


def test_resolving_the_conflict_clears_the_status(deploy: Deployer):
    run = deploy(
        "dns-records",
        steps=[
            {"config": {"shop-route": {"additional-hostnames": WWW}}},
            {"config": {"shop-route": {"additional-hostnames": None}}},
        ],
    )
    refused, resolved = run.dns["bind"].history[1:]
    assert asked(refused)[f"{WWW} 600 IN A 10.0.0.1"][0] == "conflict"
    assert list(asked(resolved)) == [f"{BLOG} 600 IN A 10.0.0.1", f"{SHOP} 600 IN A 10.0.0.1"]
    assert unit_status(run, f"{GATEWAY}/0").startswith("active: ")


def test_a_changed_hostname_moves_its_record(deploy: Deployer):
    run = deploy(
        "dns-records", steps=[{"config": {"blog-route": {"hostname": "news.example.com"}}}]
    )
    assert run.dns["bind"].served == (  # sorted by domain
        a_record("news.example.com", "10.0.0.1"),
        a_record(SHOP, "10.0.0.1"),
        EXISTING,
    )


def test_the_last_tenant_leaving_withdraws_every_record(deploy: Deployer):
    run = deploy(
        "dns-records",
        steps=[
            {"unrelate": ["blog-route:gateway-route", f"{GATEWAY}:gateway-route"]},
            {"unrelate": ["shop-route:gateway-route", f"{GATEWAY}:gateway-route"]},
        ],
    )
    relation = run.sim.relation_id(f"{GATEWAY}:dns-record", "bind:dns-record")
    assert run.sim.app_data(relation, GATEWAY) == {"dns_entries": "[]"}
    assert run.dns["bind"].served == (EXISTING,)
