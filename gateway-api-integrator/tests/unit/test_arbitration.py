"""Who gets which hostname: pure tests of claims and arbitration."""

from gateway_route import (
    Accepted,
    DataError,
    ParentRef,
    ProviderData,
    RequirerData,
    decode,
    encode,
)
from integrator.plan.arbitration import arbitrate
from integrator.plan.claims import (
    BrokenRequest,
    Claim,
    certificate_hostnames,
    kept_claims,
    read_claim,
)
from integrator.plan.snapshot import RouteRequest


def decide(claims, *, tenancy=None, external=None, enforce=False):
    return arbitrate(
        claims, tenancy=tenancy or {}, external_hostname=external, enforce_https=enforce
    )


def reasons(arbitration, relation_id):
    return {(r.hostname, r.reason.value) for r in arbitration.refused.get(relation_id, ())}


def test_new_hostname_goes_to_the_lowest_relation_id():
    result = decide(
        [Claim(7, "late", "b", ("a.example.com",)), Claim(3, "early", "a", ("a.example.com",))]
    )
    assert result.served[0].namespaces == {"early"}
    assert reasons(result, 7) == {("a.example.com", "conflict")}


def test_current_holder_keeps_hostname_against_lower_relation_id():
    claims = [
        Claim(3, "newcomer", "b", ("a.example.com",)),
        Claim(9, "holder", "a", ("a.example.com",)),
    ]
    result = decide(claims, tenancy={"a.example.com": frozenset({"holder"})})
    assert result.served[0].namespaces == {"holder"}
    assert reasons(result, 3) == {("a.example.com", "conflict")}


def test_conflict_message_names_the_holder():
    result = decide(
        [
            Claim(1, "shop", "shop-web", ("a.example.com",)),
            Claim(2, "blog", "b", ("a.example.com",)),
        ]
    )
    (refusal,) = result.refused[2]
    assert "namespace shop" in refusal.message
    assert "shop-web" in refusal.message


def test_same_namespace_claimants_share_a_hostname():
    result = decide(
        [Claim(1, "shop", "web", ("a.example.com",)), Claim(2, "shop", "api", ("a.example.com",))]
    )
    assert result.served[0].relation_ids == {1, 2}
    assert not result.refused


def test_holder_that_stopped_asking_releases_the_hostname():
    result = decide(
        [Claim(5, "blog", "b", ("a.example.com",))], tenancy={"a.example.com": frozenset({"shop"})}
    )
    assert result.served[0].namespaces == {"blog"}


def test_invalid_hostnames_are_refused_and_the_rest_served():
    claim = Claim(
        1, "shop", "web", ("a.example.com",), invalid=(("Bad_Host", "must be lowercase"),)
    )
    result = decide([claim])
    assert [s.hostname for s in result.served] == ["a.example.com"]
    assert reasons(result, 1) == {("Bad_Host", "invalid")}


def test_hostnameless_claims_share_the_bare_listener_without_external_hostname():
    result = decide([Claim(1, "shop", "web"), Claim(2, "blog", "b")])
    assert [(s.hostname, s.namespaces) for s in result.served] == [(None, {"shop", "blog"})]


def test_hostnameless_claims_share_the_external_hostname():
    result = decide([Claim(1, "shop", "web"), Claim(2, "blog", "b")], external="gw.example.com")
    assert [(s.hostname, s.namespaces) for s in result.served] == [
        ("gw.example.com", {"shop", "blog"})
    ]


def test_external_hostname_is_served_with_no_claimant():
    result = decide([], external="gw.example.com")
    assert [(s.hostname, s.namespaces) for s in result.served] == [("gw.example.com", set())]


def test_hostnameless_claim_under_enforcement_without_external_hostname_is_invalid():
    result = decide([Claim(1, "shop", "web")], enforce=True)
    assert not result.served
    (refusal,) = result.refused[1]
    assert refusal.reason.value == "invalid"
    assert "external-hostname" in refusal.message


def test_explicit_claim_of_the_external_hostname_is_refused():
    result = decide([Claim(1, "shop", "web", ("gw.example.com",))], external="gw.example.com")
    assert reasons(result, 1) == {("gw.example.com", "conflict")}


def test_every_hostname_is_served_however_many():
    claims = [Claim(i, f"ns{i}", "a", (f"h{i:04}.example.com",)) for i in range(1, 1001)]
    result = decide(claims)
    assert len(result.served) == 1000
    assert not result.refused


def test_served_order_puts_hostnames_already_served_before_new_ones():
    claims = [Claim(1, "a", "a", ("new.example.com",)), Claim(2, "b", "b", ("old.example.com",))]
    result = decide(claims, tenancy={"old.example.com": frozenset({"b"})})
    assert [s.hostname for s in result.served] == ["old.example.com", "new.example.com"]


def test_served_order_puts_the_default_hostname_first():
    claims = [Claim(1, "a", "a", ("x.example.com",)), Claim(2, "b", "b")]
    result = decide(claims, external="gw.example.com")
    assert [(s.hostname, s.default) for s in result.served] == [
        ("gw.example.com", True),
        ("x.example.com", False),
    ]


def test_new_hostnames_are_ordered_by_oldest_relation():
    claims = [Claim(5, "a", "a", ("a.example.com",)), Claim(2, "b", "b", ("z.example.com",))]
    result = decide(claims)
    assert [s.hostname for s in result.served] == ["z.example.com", "a.example.com"]


def raw(namespace="shop", hostnames=("a.example.com",)):
    return {
        "version": "1",
        "namespace": f'"{namespace}"',
        "application": '"web"',
        "hostnames": "[" + ", ".join(f'"{h}"' for h in hostnames) + "]",
    }


def test_read_claim_keeps_valid_hostnames_when_one_is_invalid():
    databag = raw(hostnames=("a.example.com", "*.example.com", "a.example.com"))
    claim = read_claim(
        RouteRequest(4, "cfg", DataError("hostnames", "[1]: wildcards"), databag, None)
    )
    assert isinstance(claim, Claim)
    assert claim.hostnames == ("a.example.com",)
    assert [h for h, _ in claim.invalid] == ["*.example.com"]


def test_read_claim_reports_other_errors_as_broken():
    databag = {**raw(), "namespace": '"Not A Namespace"'}
    error = DataError("namespace", "bad")
    result = read_claim(RouteRequest(4, "cfg", error, databag, None))
    assert isinstance(result, BrokenRequest)
    assert result.error == error


def test_read_claim_of_valid_data():
    data = RequirerData(namespace="shop", application="web", hostnames=["a.example.com"])
    claim = read_claim(RouteRequest(4, "cfg", data, encode(data), None))
    assert claim == Claim(4, "shop", "web", ("a.example.com",), remote_app="cfg")


def last_answer(hostname: str, default_hostname: str | None = None) -> ProviderData:
    """What a now-broken requester was last given: `hostname` on an HTTP listener."""
    parent = ParentRef(
        name="g", namespace="infra", section_name=f"http-{hostname}", protocol="HTTP", port=80
    )
    return ProviderData(
        gateway_name="g",
        gateway_namespace="infra",
        https_mode="disabled",
        hsts_max_age=0,
        addresses=[],
        default_hostname=default_hostname,
        accepted=[Accepted(hostname=hostname, parents=[parent])],
        refused=[],
    )


def broken_request(databag: dict[str, str], previous: ProviderData) -> BrokenRequest:
    data = decode(RequirerData, databag)
    assert isinstance(data, DataError)
    broken = read_claim(RouteRequest(4, "cfg", data, databag, previous))
    assert isinstance(broken, BrokenRequest)
    return broken


def test_kept_claims_keep_a_broken_requesters_hostnames_for_the_holder():
    broken = BrokenRequest(
        4, "cfg", DataError("version", "is missing"), last_answer("a.example.com")
    )
    kept = kept_claims(broken, {"a.example.com": frozenset({"shop"})}, None)
    assert kept == [Claim(4, "shop", "cfg", ("a.example.com",), answered=False)]
    assert certificate_hostnames([], [broken], None) == ["a.example.com"]


def test_kept_claims_of_a_shared_default_keep_only_the_broken_requesters_namespace():
    databag = {"version": "7", "namespace": '"shop"', "application": '"web"', "hostnames": "[]"}
    broken = broken_request(databag, last_answer("gw.example.com", "gw.example.com"))
    tenancy: dict[str | None, frozenset[str]] = {
        "gw.example.com": frozenset({"shop", "blog", "gone"})
    }

    kept = kept_claims(broken, tenancy, "gw.example.com")

    assert kept == [Claim(4, "shop", "cfg", (), answered=False)]


def test_kept_claims_keep_every_holder_when_the_namespace_is_unreadable():
    databag = {"namespace": "not json", "hostnames": "[]"}
    broken = broken_request(databag, last_answer("gw.example.com", "gw.example.com"))

    kept = kept_claims(broken, {"gw.example.com": frozenset({"shop", "blog"})}, None)

    assert [claim.namespace for claim in kept] == ["blog", "shop"]


def test_certificate_hostnames_include_external_and_deduplicate():
    claims = [Claim(1, "a", "a", ("x.example.com",)), Claim(2, "b", "b", ("x.example.com",))]
    assert certificate_hostnames(claims, [], "gw.example.com") == [
        "gw.example.com",
        "x.example.com",
    ]
