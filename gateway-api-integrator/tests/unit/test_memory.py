"""What the gateway's leader keeps between hooks (issue 17): stored forms, and when trusted.

Whether a remembered read equals a full one is judged by the random walks
(`tests/e2e/test_incremental.py`); these pin the parts a walk may not reach.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from charmlibs.interfaces.tls_certificates import CertificateRequestAttributes

from integrator.certificates import wanted_digest
from integrator.memory import FULL_PASS, Entry, Memory, full_read_due
from integrator.plan import Certificates
from integrator.plan.certificates import Issued
from integrator.refresh import dump_certificates, load_certificates

NOW = 1_800_000_000.0


def test_memory_round_trips_through_its_stored_form():
    memory = Memory(
        entries={
            3: Entry("shop-route", "uuid-a", {"namespace": '"shop"'}),
            7: Entry(None, None, None),
        },
        published={3: {"accepted": "[]"}},
        full_at=NOW,
        namespaces={"shop": "uuid-a", "default": None},
        gateway_classes=[{"metadata": {"name": "cilium"}}],
    )
    assert Memory.load(memory.dump()) == memory


def test_an_unreadable_or_older_memory_is_no_memory():
    assert Memory.load("") is None
    assert Memory.load("not json") is None
    assert Memory.load('{"format": 0, "entries": {}, "published": {}, "full_at": 0}') is None
    assert (
        Memory.load('{"format": 1, "entries": {"x": [1]}, "published": {}, "full_at": 0}') is None
    )


def test_a_full_read_is_due_without_memory_when_forced_and_once_an_hour():
    memory = Memory(full_at=NOW)
    assert full_read_due(None, forced=False, periodic=False, now=NOW)
    assert full_read_due(memory, forced=True, periodic=False, now=NOW)
    later = NOW + FULL_PASS.total_seconds()
    assert not full_read_due(memory, forced=False, periodic=True, now=later - 1)
    assert full_read_due(memory, forced=False, periodic=True, now=later)
    # Only hooks that may pay for it (update-status) do: a tenant's hook stays cheap.
    assert not full_read_due(memory, forced=False, periodic=False, now=later * 2)


def _issued(hostname: str) -> Issued:
    return Issued(
        hostname=hostname,
        certificate="-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----",
        ca="ca",
        chain=("one", "two"),
        expires=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC),
        revoked=True,
        sans=(hostname,),
        fingerprint="AB:CD",
    )


def test_remembered_certificates_come_back_with_the_key_read_now():
    found = Certificates(
        related=True, problem=None, offered=(_issued("a.example.com"),), private_key="old"
    )
    text = dump_certificates(found)
    assert "old" not in text  # the key stays in its Juju secret
    back = load_certificates(text, "current key")
    assert back == Certificates(
        related=True, problem=None, offered=found.offered, private_key="current key"
    )
    assert back is not None
    assert back.offered[0].expires - found.offered[0].expires == timedelta(0)


def test_no_relation_remembered_means_no_key_and_garbage_means_a_read():
    unrelated = load_certificates(dump_certificates(Certificates(related=False)), "key")
    assert unrelated == Certificates(related=False)
    assert load_certificates("", "key") is None
    assert load_certificates('{"related": true}', "key") is None


def test_the_wanted_digest_ignores_order_and_sees_every_attribute():
    a = CertificateRequestAttributes(common_name="a.example.com", sans_dns=["a.example.com"])
    b = CertificateRequestAttributes(common_name="b.example.com", sans_dns=["b.example.com"])
    long = CertificateRequestAttributes(common_name="", sans_dns=["a.example.com"])
    assert wanted_digest([a, b]) == wanted_digest([b, a])
    assert wanted_digest([a]) != wanted_digest([long])
    assert wanted_digest([a]) != wanted_digest([a, b])
