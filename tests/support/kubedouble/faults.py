"""Injected faults and RBAC denials, matched against classified requests."""

from __future__ import annotations

from dataclasses import dataclass

from kubedouble.api import Call

ANY = (None, "*")


@dataclass
class Fault:
    """Fire on the `nth` matching request from now, and on the `times - 1` matches after it."""

    verb: str | None
    kind: str | None
    nth: int
    status: int | None
    reset: bool
    timeout: bool
    times: int
    seen: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.nth < 1 or self.times < 1:
            raise ValueError("nth and times count from 1")
        if sum((self.status is not None, self.reset, self.timeout)) != 1:
            raise ValueError("a fault needs exactly one of a status, reset=True or timeout=True")

    @property
    def spent(self) -> bool:
        return self.fired >= self.times

    def take(self, call: Call) -> bool:
        """Count `call` if it matches; True when this fault fires for it."""
        if self.spent or not _matches(self.verb, self.kind, call):
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        self.fired += 1
        return True


def rbac_verb(verb: str) -> str:
    """RBAC has no `apply` verb: server-side apply needs `patch` (and `create` to create)."""
    return "patch" if verb == "apply" else verb


def denied(denials: set[tuple[str, str]], call: Call, *, creates: bool = False) -> bool:
    """Whether a `deny(verb, kind)` rule covers `call`.

    `creates`: the call is an apply of an object that does not exist yet, which
    kube-apiserver authorizes as `patch` and then as `create` (checked against v1.36: an
    identity with `patch` but not `create` on Services is refused "cannot create resource").
    """
    if call.rtype is None:
        return False
    kind = call.rtype.kind
    verbs = {rbac_verb(call.verb)} | ({"create"} if creates else set())
    return any(
        (rule_verb == "*" or rule_verb in verbs) and (rule_kind in ("*", kind))
        for rule_verb, rule_kind in denials
    )


def _matches(verb: str | None, kind: str | None, call: Call) -> bool:
    return (verb in ANY or verb == call.verb) and (kind in ANY or kind == call.kind)
