"""Placement past 64 listeners: pure tests of slots and parents."""

import pytest

from integrator.plan.arbitration import Served
from integrator.plan.placement import parent_name, parents_for, place, recorded_slots, slot_of


def hostnames(count, start=0):
    return [
        Served(f"h{i:04}.example.com", frozenset({f"ns{i}"}), frozenset({i}))
        for i in range(start, start + count)
    ]


@pytest.mark.parametrize(("per_hostname", "first_slot"), [(2, 32), (1, 32)])
def test_new_hostnames_fill_slots_at_the_worst_case_cost(per_hostname, first_slot):
    slots = place(hostnames(100), {}, listeners_per_hostname=per_hostname)
    counts = [list(slots.values()).count(slot) for slot in (1, 2, 3, 4)]
    assert counts == [first_slot, 32, 32, 4]


def test_bare_address_costs_one_listener_and_stays_on_the_main_gateway():
    bare = Served(None, frozenset({"a"}), frozenset({1}), default=True)
    slots = place([bare, *hostnames(32)], {}, listeners_per_hostname=2)
    assert slots[None] == 1
    assert list(slots.values()).count(1) == 32  # 1 + 31 * 2 = 63 listeners
    assert max(slots.values()) == 2


def test_recorded_placement_is_kept():
    served = hostnames(3)
    recorded: dict[str | None, int] = {
        "h0000.example.com": 5,
        "h0001.example.com": 1,
        "h0002.example.com": 2,
    }
    assert place(served, recorded, listeners_per_hostname=2) == recorded


def test_adding_a_hostname_never_moves_a_placed_one():
    before = place(hostnames(70), {}, listeners_per_hostname=2)
    after = place(hostnames(71), before, listeners_per_hostname=2)
    assert {key: after[key] for key in before} == before
    assert after["h0070.example.com"] == 3


def test_new_hostname_takes_the_first_hole():
    before = place(hostnames(70), {}, listeners_per_hostname=2)
    released = {k: v for k, v in before.items() if k != "h0003.example.com"}
    served = [s for s in hostnames(71) if s.hostname != "h0003.example.com"]
    after = place(served, released, listeners_per_hostname=2)
    assert after["h0070.example.com"] == 1
    assert {key: after[key] for key in released} == released


def test_a_full_slot_filled_without_https_overflows_to_the_next_when_https_arrives():
    recorded = {item.hostname: 1 for item in hostnames(64)}
    assert set(place(hostnames(64), recorded, listeners_per_hostname=1).values()) == {1}
    doubled = place(hostnames(64), recorded, listeners_per_hostname=2)
    assert [doubled[f"h{i:04}.example.com"] for i in (0, 31, 32, 63)] == [1, 1, 2, 2]


@pytest.mark.parametrize(
    ("name", "slot"),
    [("gw", 1), ("gw-2", 2), ("gw-31", 31), ("gw-1", None), ("gw-x", None), ("other", None)],
)
def test_slot_of_a_holder_name(name, slot):
    assert slot_of("gw", name) == slot
    if slot is not None:
        assert parent_name("gw", slot) == name


@pytest.mark.parametrize(
    ("served", "existing", "kinds"),
    [
        (True, [], ["Gateway", "ListenerSet", "ListenerSet"]),
        (False, [], ["Gateway", "Gateway", "Gateway"]),
        (True, [2], ["Gateway", "Gateway", "ListenerSet"]),
    ],
)
def test_holder_kinds(served, existing, kinds):
    found = parents_for("gw", {1, 2, 3}, existing_gateways=existing, listener_sets_served=served)
    assert [h.kind for h in found] == kinds
    assert [h.name for h in found] == ["gw", "gw-2", "gw-3"]


def test_recorded_slots_prefer_the_lowest_when_recorded_twice():
    records: dict[str, dict[str | None, frozenset[str]]] = {
        "gw-3": {"a.example.com": frozenset({"x"})},
        "gw-2": {"a.example.com": frozenset({"x"})},
        "stray": {"b.example.com": frozenset({"y"})},
    }
    assert recorded_slots("gw", records) == {"a.example.com": 2}
