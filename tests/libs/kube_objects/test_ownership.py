"""Ownership is proven by all three labels; anything less is somebody else's object."""

import pytest

from kube_objects import Owner
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
    charm="gateway-api-integrator", application="gw", model="infra", adopts=(PREDECESSOR, "gw")
)


def test_a_predecessors_object_of_this_application_is_adoptable_until_relabelled():
    assert HEIR.adoptable({PREDECESSOR: "gw"})
    assert HEIR.inherited({PREDECESSOR: "gw"})
    relabelled = {PREDECESSOR: "gw", **HEIR.labels}
    assert not HEIR.adoptable(relabelled)  # ours now: owned, not adoptable
    assert HEIR.owns(relabelled)
    assert HEIR.inherited(relabelled)


@pytest.mark.parametrize(
    ("owner", "labels"),
    [
        (HEIR, {PREDECESSOR: "gw2"}),  # another application's
        (HEIR, {PREDECESSOR: "gw", MANAGED_BY: "helm"}),  # somebody claimed it since
        (HEIR, {PREDECESSOR: "gw", MANAGED_BY: "gateway-route-configurator"}),
        (HEIR, {}),
        (HEIR, None),
        (OWNER, {PREDECESSOR: "gw"}),  # an owner that adopts nothing
    ],
)
def test_nothing_else_is_adoptable(owner, labels):
    assert not owner.adoptable(labels)
    assert not owner.inherited(labels) or owner.owns(labels)
