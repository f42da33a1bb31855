"""dns-record (issue 15, item 2): a record per served hostname, refusals in the status.

The provider's side is written with the library's `encode_answers`, in the wire format of
../shared/interfaces/dns-record-v0.md (bind answers `approved`, `conflict` or `unknown` per uuid,
and nothing for an entry it finds invalid).
"""

import dataclasses
import json

import ops
import pytest
from ops import testing

from dns_record import KEY, DnsAnswer, Status, decode_entries, encode_answers

ADDRESS = "10.0.0.1"
SHOP, BLOG = "shop.example.com", "blog.example.com"


def dns(relation_id: int = 200, answers: dict[str, str] | None = None) -> testing.Relation:
    return testing.Relation(
        "dns-record", id=relation_id, remote_app_name="bind", remote_app_data=answers or {}
    )


def asked(out: testing.State, relation_id: int = 200) -> dict[str, tuple[str, str]]:
    """Our entries on dns-record: full name -> (record type, data)."""
    entries = decode_entries(out.get_relation(relation_id).local_app_data)
    assert isinstance(entries, list), entries
    return {e.name: (e.record_type, e.record_data) for e in entries}


def answered(
    out: testing.State, statuses: dict[str, Status], relation_id: int = 200
) -> testing.State:
    """Bind answers each of our entries, by full name, with the status given."""
    relation = out.get_relation(relation_id)
    entries = decode_entries(relation.local_app_data)
    assert isinstance(entries, list)
    answers = [DnsAnswer(uuid=e.uuid, status=statuses[e.name]) for e in entries]
    return dataclasses.replace(
        out,
        relations=[
            *(r for r in out.relations if r.id != relation_id),
            dataclasses.replace(relation, remote_app_data=encode_answers(answers)),
        ],
    )


@pytest.fixture
def served(flow, cluster):
    """Two tenants served at ADDRESS, bind related and not answered yet."""
    state = flow.state(flow.route(1, "shop", [SHOP]), flow.route(2, "blog", [BLOG]), dns())
    out = flow.changed(state, 1)
    cluster.publish_address(ADDRESS)
    return flow.run(flow.ctx.on.update_status(), out)


def test_every_served_hostname_gets_an_a_record_at_the_gateway_address(served):
    assert asked(served) == {SHOP: ("A", ADDRESS), BLOG: ("A", ADDRESS)}
    assert isinstance(served.unit_status, ops.ActiveStatus)  # waiting for bind is not a problem


def test_a_refused_record_is_shown_and_nothing_else_changes(flow, served):
    before = {
        r.id: dict(r.local_app_data) for r in served.relations if r.endpoint == "gateway-route"
    }
    out = flow.changed(answered(served, {SHOP: "approved", BLOG: "conflict"}), 200)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    message = out.unit_status.message
    assert f"dns-record: bind refused {BLOG} A (conflict" in message
    assert SHOP not in message
    after = {r.id: dict(r.local_app_data) for r in out.relations if r.endpoint == "gateway-route"}
    assert after == before  # tenants keep their answers and URLs
    approved = flow.changed(answered(out, {SHOP: "approved", BLOG: "approved"}), 200)
    assert isinstance(approved.unit_status, ops.ActiveStatus)


def test_an_entry_the_provider_answers_nothing_for_is_refused(flow, served):
    out = flow.changed(answered(served, {SHOP: "approved", BLOG: "approved"}), 200)
    relation = out.get_relation(200)
    uuids = {e.name: e.uuid for e in decode_entries(relation.local_app_data)}  # type: ignore[union-attr]
    kept = [a for a in json.loads(relation.remote_app_data[KEY]) if a["uuid"] != uuids[BLOG]]
    silent = dataclasses.replace(relation, remote_app_data={KEY: json.dumps(kept)})
    out = flow.changed(flow.with_relation(out, silent), 200)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert f"refused {BLOG} A (no answer" in out.unit_status.message
    assert SHOP not in out.unit_status.message


def test_garbage_from_the_provider_is_named_and_changes_nothing_else(flow, served):
    garbage = dataclasses.replace(served.get_relation(200), remote_app_data={KEY: "{not json"})
    out = flow.changed(flow.with_relation(served, garbage), 200)
    assert isinstance(out.unit_status, ops.BlockedStatus)
    assert "unreadable dns-record data from bind" in out.unit_status.message
    assert "field 'dns_entries'" in out.unit_status.message
    assert "juju remove-relation gateway:dns-record bind" in out.unit_status.message
    assert asked(out) == asked(served)  # still asked for


def test_a_hostname_no_longer_served_is_withdrawn(flow, served):
    out = flow.run(
        flow.ctx.on.relation_broken(served.get_relation(2)),
        served,
    )
    gone = dataclasses.replace(out, relations=[r for r in out.relations if r.id != 2])
    out = flow.run(flow.ctx.on.update_status(), gone)
    assert asked(out) == {SHOP: ("A", ADDRESS)}


def test_an_address_change_moves_every_record(flow, cluster, served):
    cluster.publish_address("2001:db8::7")
    out = flow.run(flow.ctx.on.update_status(), served)
    assert asked(out) == {SHOP: ("AAAA", "2001:db8::7"), BLOG: ("AAAA", "2001:db8::7")}


def test_without_an_address_the_records_stay_as_they_were(flow, served):
    out = flow.changed(served, 1)
    assert asked(out) == asked(served)
