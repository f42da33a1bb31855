"""DnsRecordRequirer inside a charm, through ops.testing."""

import json

import ops
import pytest
from ops import testing

from dns_record import KEY, DataError, DnsAnswer, desired_records, encode_entries
from dns_record.requirer import DnsRecordRequirer, ProviderAnswers

ENDPOINT = "dns-record"
WANTED = desired_records(["app.example.com", "www.example.com"], ["10.1.2.3"]).entries
APP, WWW = (entry.uuid for entry in WANTED)
THEIRS = "00000000-0000-4000-8000-0000000000ff"


class GatewayCharm(ops.CharmBase):
    """Publishes WANTED (or nothing, when configured so) and keeps what it read and wrote."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        self.dns = DnsRecordRequirer(self)
        self.written: bool | None = None
        self.seen: list[ProviderAnswers] = []
        for event in (self.on.config_changed, self.on[ENDPOINT].relation_changed):
            framework.observe(event, self._reconcile)

    def _reconcile(self, _: ops.EventBase) -> None:
        entries = WANTED if self.config["serve"] else ()
        self.written = self.dns.publish(entries)
        self.seen = self.dns.answers(entry.uuid for entry in WANTED)


META = {"name": "gateway-api-integrator", "requires": {ENDPOINT: {"interface": "dns_record"}}}
CONFIG = {"options": {"serve": {"type": "boolean", "default": True}}}


def run(state: testing.State, event: str = "config_changed") -> tuple[GatewayCharm, testing.State]:
    ctx = testing.Context(GatewayCharm, meta=META, config=CONFIG)
    relation = next(iter(state.relations), None)
    trigger = (
        ctx.on.relation_changed(relation)  # type: ignore[arg-type]
        if event == "relation_changed"
        else ctx.on.config_changed()
    )
    with ctx(trigger, state) as manager:
        out = manager.run()
        return manager.charm, out


def bind(**kwargs: object) -> testing.Relation:
    return testing.Relation(ENDPOINT, remote_app_name="bind", **kwargs)  # type: ignore[arg-type]


def test_leader_writes_its_entries_as_one_json_array():
    relation = bind()

    charm, out = run(testing.State(leader=True, relations={relation}))

    assert charm.written is True
    assert out.get_relation(relation.id).local_app_data == encode_entries(WANTED)


def test_an_unchanged_list_is_not_written_again():
    relation = bind(local_app_data=encode_entries(WANTED))

    charm, out = run(testing.State(leader=True, relations={relation}))

    assert charm.written is False
    assert out.get_relation(relation.id).local_app_data == encode_entries(WANTED)


def test_other_keys_of_our_databag_are_left_alone():
    relation = bind(local_app_data={"note": "kept"})

    _, out = run(testing.State(leader=True, relations={relation}))

    assert out.get_relation(relation.id).local_app_data == {
        "note": "kept",
        **encode_entries(WANTED),
    }


def test_serving_nothing_withdraws_every_record_with_an_empty_list():
    relation = bind(local_app_data=encode_entries(WANTED))

    charm, out = run(testing.State(leader=True, relations={relation}, config={"serve": False}))

    assert charm.written is True
    assert out.get_relation(relation.id).local_app_data == {KEY: "[]"}


def test_a_non_leader_writes_nothing_but_still_reads():
    answer = {KEY: json.dumps([{"uuid": APP, "status": "approved"}])}
    relation = bind(remote_app_data=answer)

    charm, out = run(testing.State(leader=False, relations={relation}), "relation_changed")

    assert charm.written is False
    assert out.get_relation(relation.id).local_app_data == {}
    assert charm.seen == [
        ProviderAnswers(relation.id, "bind", {APP: DnsAnswer(uuid=APP, status="approved")})
    ]


def test_every_provider_gets_the_same_list_and_is_read_apart():
    approving = bind(remote_app_data={KEY: json.dumps([{"uuid": WWW, "status": "approved"}])})
    broken = testing.Relation(ENDPOINT, remote_app_name="other-dns", remote_app_data={KEY: "{"})
    silent = testing.Relation(ENDPOINT, remote_app_name="quiet-dns")

    charm, out = run(testing.State(leader=True, relations={approving, broken, silent}))

    for relation in (approving, broken, silent):
        assert out.get_relation(relation.id).local_app_data == encode_entries(WANTED)
    by_app = {seen.remote_app: seen.answers for seen in charm.seen}
    assert by_app["bind"] == {WWW: DnsAnswer(uuid=WWW, status="approved")}
    assert isinstance(by_app["other-dns"], DataError)
    assert by_app["quiet-dns"] is None
    assert [seen.relation_id for seen in charm.seen] == sorted(
        r.id for r in (approving, broken, silent)
    )


def test_bind_answers_for_other_applications_are_filtered_out():
    answer = [{"uuid": THEIRS, "status": "conflict"}, {"uuid": APP, "status": "conflict"}]
    relation = bind(remote_app_data={KEY: json.dumps(answer)})

    charm, _ = run(testing.State(leader=True, relations={relation}), "relation_changed")

    [seen] = charm.seen
    assert seen.answers == {APP: DnsAnswer(uuid=APP, status="conflict")}


def test_without_a_relation_nothing_is_written_or_read():
    charm, _ = run(testing.State(leader=True))

    assert charm.written is False
    assert charm.seen == []


@pytest.mark.parametrize("leader", [True, False])
def test_garbage_from_the_provider_does_not_stop_our_write(leader: bool):
    relation = bind(remote_app_data={KEY: "not json", "extra": "also not json"})

    charm, out = run(testing.State(leader=leader, relations={relation}), "relation_changed")

    [seen] = charm.seen
    assert isinstance(seen.answers, DataError)
    expected = encode_entries(WANTED) if leader else {}
    assert out.get_relation(relation.id).local_app_data == expected
