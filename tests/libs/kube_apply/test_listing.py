"""The observe step's reads on the double and a real kube-apiserver: what "not served" looks like.

kube-apiserver answers a LIST of a kind it does not serve with a plain-text `404 page not found`
(not a JSON Status); the double used to answer with a JSON Status, and the charms took only
that for "the CRD is not installed", so on a real cluster without ListenerSet (Gateway API
before v1.5) or BackendTLSPolicy (before v1.4) every reconcile failed. Both forms must read as
"not served".
"""

import pytest
from lightkube import Client

from kube_apply.listing import list_all, read_listing
from kube_objects import Adoption, Owner
from kubedouble.versions import serves

OWNER = Owner(charm="gateway-api-integrator", application="gateway", model="infra")
OPTIONAL = ("ListenerSet", "BackendTLSPolicy")


@pytest.mark.parametrize("kind", OPTIONAL)
def test_a_kind_the_cluster_does_not_serve_lists_as_not_served(api_any, kind):
    api_any.ensure_namespace("infra")
    client = Client(field_manager=OWNER.application, namespace="infra")

    found = list_all(client, kind, "infra")
    listing = read_listing(client, OWNER, ["Gateway", kind], "infra")

    if serves(api_any.gateway_api_version, kind):
        assert found == []
        assert listing.serves(kind)
    else:
        assert found is None
        assert not listing.serves(kind)
    assert listing.serves("Gateway")


def test_a_predecessors_objects_list_as_ours_and_nothing_else_does(api_any):
    """Adopted objects are in `owned` (so the sync relabels them); the rest stay foreign."""
    api_any.ensure_namespace("infra")
    predecessor = "gateway-api-integrator.charm.juju.is/managed-by"
    adoption = Adoption(predecessor, "gateway", (("Secret", "theirs-*"),))
    heir = Owner(charm=OWNER.charm, application="gateway", model="infra", adopts=adoption)
    for name, labels in (
        ("theirs-ours", {predecessor: "gateway"}),
        ("theirs-other", {predecessor: "other"}),
        ("not-their-name", {predecessor: "gateway"}),
        ("unlabelled", {}),
    ):
        api_any.seed(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": name, "namespace": "infra", "labels": labels},
            }
        )
    client = Client(field_manager="gateway", namespace="infra")
    listing = read_listing(client, heir, ["Secret"], "infra")
    assert set(listing.of("Secret")) == {"theirs-ours"}
    assert {"theirs-other", "not-their-name", "unlabelled"} <= listing.foreign["Secret"]
    assert "theirs-ours" not in read_listing(client, OWNER, ["Secret"], "infra").of("Secret")
