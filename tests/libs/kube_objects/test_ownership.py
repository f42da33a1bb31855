"""Ownership is proven by all three labels; anything less is somebody else's object."""

import pytest

from kube_objects import Adoption, Owner
from kube_objects.ownership import APPLICATION, MANAGED_BY, MODEL

OWNER = Owner(charm="gateway-api-integrator", application="gw", model="infra")


def test_stamp_adds_owner_labels_and_keeps_existing_ones():
    obj = {"kind": "Service", "metadata": {"name": "s", "labels": {"team": "web"}}}
    stamped = OWNER.stamp(obj)
    assert stamped["metadata"]["labels"] == {
        "team": "web",
        MANAGED_BY: "gateway-api-integrator",
        APPLICATION: "gw",
        MODEL: "infra",
    }
    assert obj["metadata"]["labels"] == {"team": "web"}, "the input must not be mutated"


def test_owner_recognises_its_own_labels():
    assert OWNER.owns(OWNER.labels | {"extra": "x"})


@pytest.mark.parametrize(
    "labels",
    [
        None,
        {},
        {MANAGED_BY: "gateway-api-integrator"},
        {MANAGED_BY: "gateway-api-integrator", APPLICATION: "gw"},
        {MANAGED_BY: "gateway-api-integrator", APPLICATION: "gw", MODEL: "other-model"},
        {MANAGED_BY: "gateway-api-integrator", APPLICATION: "gw2", MODEL: "infra"},
        {MANAGED_BY: "helm", APPLICATION: "gw", MODEL: "infra"},
    ],
)
def test_partial_or_foreign_labels_do_not_prove_ownership(labels):
    assert not OWNER.owns(labels)


PREDECESSOR = "gateway-api-integrator.charm.juju.is/managed-by"
HEIR = Owner(
    charm="gateway-api-integrator",
    application="gw",
    model="infra",
    adopts=Adoption(PREDECESSOR, "gw", (("Secret", "gw-secret-*"), ("Gateway", "gw"))),
)


def secret(name: str, labels: dict | None) -> dict:
    return {"kind": "Secret", "metadata": {"name": name, "labels": labels}}


def test_a_predecessors_object_of_this_application_is_adoptable_until_relabelled():
    theirs = secret("gw-secret-a.example.com", {PREDECESSOR: "gw"})
    assert HEIR.adoptable("Secret", theirs)
    assert HEIR.inherited("Secret", theirs)
    relabelled = secret("gw-secret-a.example.com", {PREDECESSOR: "gw", **HEIR.labels})
    assert not HEIR.adoptable("Secret", relabelled)  # ours now: owned, not adoptable
    assert HEIR.owns(relabelled["metadata"]["labels"])
    assert HEIR.inherited("Secret", relabelled)


@pytest.mark.parametrize(
    ("owner", "kind", "obj"),
    [
        (HEIR, "Secret", secret("gw-secret-a", {PREDECESSOR: "gw2"})),  # another application's
        (HEIR, "Secret", secret("gw-secret-a", {PREDECESSOR: "gw", MANAGED_BY: "helm"})),
        (HEIR, "Secret", secret("gw-tls-a", {PREDECESSOR: "gw"})),  # not a name it gives
        (HEIR, "Gateway", secret("gw-secret-a", {PREDECESSOR: "gw"})),  # not of that kind
        (HEIR, "Secret", secret("gw-secret-a", {})),
        (HEIR, "Secret", secret("gw-secret-a", None)),
        (OWNER, "Secret", secret("gw-secret-a", {PREDECESSOR: "gw"})),  # adopts nothing
    ],
)
def test_nothing_else_is_adoptable(owner, kind, obj):
    assert not owner.adoptable(kind, obj)
    assert not owner.inherited(kind, obj)
