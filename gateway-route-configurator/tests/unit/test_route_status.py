import pytest

from kube_objects.route_health import route_health

REF = {
    "group": "gateway.networking.k8s.io",
    "kind": "Gateway",
    "name": "gateway",
    "namespace": "edge",
    "sectionName": "http",
}
ROUTE = {"metadata": {"name": "app", "namespace": "shop"}, "spec": {"parentRefs": [REF]}}


def stored(
    *conditions: tuple[str, str, str], generation: int = 1, observed: int = 1, ref: dict = REF
) -> dict:
    return {
        "app": {
            "metadata": {"name": "app", "namespace": "shop", "generation": generation},
            "status": {
                "parents": [
                    {
                        "parentRef": ref,
                        "controllerName": "example.com/gw",
                        "conditions": [
                            {
                                "type": t,
                                "status": s,
                                "reason": r,
                                "message": f"{r} message",
                                "observedGeneration": observed,
                            }
                            for t, s, r in conditions
                        ],
                    }
                ]
            },
        }
    }


ACCEPTED = ("Accepted", "True", "Accepted")
RESOLVED = ("ResolvedRefs", "True", "ResolvedRefs")


def test_accepted_and_resolved_parent_is_attached() -> None:
    health = route_health([ROUTE], stored(ACCEPTED, RESOLVED))

    assert (health.attached, health.rejected, health.waiting) == (True, None, None)


@pytest.mark.parametrize(
    "conditions",
    [
        (("Accepted", "False", "NotAllowedByListeners"), RESOLVED),
        (ACCEPTED, ("ResolvedRefs", "False", "BackendNotFound")),
    ],
)
def test_a_false_condition_is_a_rejection_with_the_controller_reason(conditions) -> None:
    health = route_health([ROUTE], stored(*conditions))

    failed, _, reason = next(c for c in conditions if c[1] == "False")
    assert not health.attached
    assert health.rejected == (
        f"HTTPRoute app on edge/gateway/http: not {failed} ({reason}): {reason} message"
    )


def test_no_status_yet_means_waiting() -> None:
    health = route_health([ROUTE], {"app": {"metadata": {"name": "app"}}})

    assert not health.attached
    assert (
        health.waiting
        == "waiting for the gateway controller to accept HTTPRoute app on edge/gateway/http"
    )


def test_status_for_another_parent_does_not_count() -> None:
    other = {**REF, "sectionName": "https"}

    health = route_health([ROUTE], stored(ACCEPTED, RESOLVED, ref=other))

    assert not health.attached


def test_status_of_an_older_generation_keeps_serving_but_waits() -> None:
    health = route_health([ROUTE], stored(ACCEPTED, RESOLVED, generation=2, observed=1))

    assert health.attached
    assert health.waiting is not None


def test_missing_route_is_waiting() -> None:
    assert not route_health([ROUTE], {}).attached


def test_no_desired_route_is_not_attached() -> None:
    assert not route_health([], {}).attached
