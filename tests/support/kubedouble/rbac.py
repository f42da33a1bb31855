"""Who is asking, and whether RBAC lets them: service accounts with the grants Juju gives.

Juju runs each sidecar application under a ServiceAccount named after the application in its
model's namespace, bound to a Role in that namespace and to a ClusterRole (juju source:
`internal/provider/kubernetes/application/application.go`, `applyServiceAccountAndSecrets`).
`juju trust <app> --scope=cluster` swaps both rule sets for full access (`trust.go`:
`fullAccessApplicationNamespaceRules`, `fullAccessApplicationClusterRules`); without trust they
are `getDefaultApplicationNamespaceRules` and `defaultApplicationClusterRules` (mirrored below).
Rule matching follows kube's `RuleAllows` (pkg/apis/rbac/v1/evaluation_helpers.go) and the
403 body follows apiserver's `responsewriters.ForbiddenStatusError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kubedouble.api import Call
from kubedouble.errors import ApiFailure

ALL = "*"


@dataclasses.dataclass(frozen=True)
class Attributes:
    """What the authorizer judges for one resource request (apiserver's `RequestInfo`)."""

    verb: str
    group: str
    resource: str
    subresource: str = ""
    namespace: str = ""
    name: str = ""

    def but(self, verb: str) -> Attributes:
        """The same request asked with another verb (a create hidden inside an apply)."""
        return dataclasses.replace(self, verb=verb)


@dataclasses.dataclass(frozen=True)
class Rule:
    """One RBAC `PolicyRule` over resources (no non-resource URLs)."""

    verbs: tuple[str, ...]
    groups: tuple[str, ...]
    resources: tuple[str, ...]
    names: tuple[str, ...] = ()

    def allows(self, asked: Attributes) -> bool:
        """Whether this rule covers the request, as kube-apiserver's RBAC authorizer decides."""
        combined = f"{asked.resource}/{asked.subresource}" if asked.subresource else asked.resource
        resource_ok = any(
            r in (ALL, combined) or (bool(asked.subresource) and r == f"*/{asked.subresource}")
            for r in self.resources
        )
        return (
            any(v in (ALL, asked.verb) for v in self.verbs)
            and any(g in (ALL, asked.group) for g in self.groups)
            and resource_ok
            and (not self.names or asked.name in self.names)
        )


FULL_ACCESS = (Rule((ALL,), (ALL,), (ALL,)),)
# Juju's ClusterRole for an untrusted application: reading namespaces, to tell legacy labels.
UNTRUSTED_CLUSTER_RULES = (Rule(("get", "list"), ("",), ("namespaces",)),)


def untrusted_namespace_rules(namespace: str) -> tuple[Rule, ...]:
    """Juju's Role for an untrusted application in its own namespace (juju/juju#14670)."""
    return (
        Rule(("get", "list"), ("",), ("namespaces",), (namespace,)),
        Rule(("get", "list", "patch"), ("",), ("pods", "services")),
        Rule(("create",), ("",), ("pods/exec",)),
    )


@dataclasses.dataclass
class ServiceAccount:
    """An application's identity: its bearer token and whether it has `juju trust`."""

    namespace: str
    name: str
    token: str
    trusted: bool = False

    @property
    def user(self) -> str:
        """The user name the API server authenticates the token as."""
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    def may(self, asked: Attributes) -> bool:
        """Whether the Role (own namespace only) or the ClusterRole (everywhere) allows it."""
        cluster = FULL_ACCESS if self.trusted else UNTRUSTED_CLUSTER_RULES
        if any(rule.allows(asked) for rule in cluster):
            return True
        if asked.namespace != self.namespace:
            return False
        role = FULL_ACCESS if self.trusted else untrusted_namespace_rules(self.namespace)
        return any(rule.allows(asked) for rule in role)


def service_account_token(namespace: str, name: str) -> str:
    """A readable, unique bearer token for one service account (nothing secret in a double)."""
    return f"kubedouble-sa:{namespace}:{name}"


def attributes(call: Call, query: Mapping[str, str]) -> Attributes:
    """The authorizer's view of a classified resource request.

    As in apiserver's RequestInfoFactory: apply is a `patch`; a namespace is its own namespace
    (`/api/v1/namespaces/<n>`); a list or watch selecting one `metadata.name` carries that name,
    so rules with `resourceNames` can match it.
    """
    assert call.rtype is not None
    rtype = call.rtype
    verb = "patch" if call.verb == "apply" else call.verb
    name = call.name or ""
    if not name and verb in ("list", "watch"):
        name = _selected_name(query.get("fieldSelector", ""))
    namespace = call.namespace or ""
    if rtype.plural == "namespaces" and call.name:
        namespace = call.name
    return Attributes(verb, rtype.group, rtype.plural, call.subresource or "", namespace, name)


def forbidden(asked: Attributes, user: str) -> ApiFailure:
    """The 403 kube-apiserver sends when the authorizer says no (empty details are left out)."""
    resource = f"{asked.resource}/{asked.subresource}" if asked.subresource else asked.resource
    scope = f'in the namespace "{asked.namespace}"' if asked.namespace else "at the cluster scope"
    why = (
        f'User "{user}" cannot {asked.verb} resource "{resource}" '
        f'in API group "{asked.group}" {scope}'
    )
    qualified = f"{asked.resource}.{asked.group}" if asked.group else asked.resource
    who = f'{qualified} "{asked.name}"' if asked.name else qualified
    details = {"name": asked.name, "group": asked.group, "kind": asked.resource}
    return ApiFailure(
        403, f"{who} is forbidden: {why}", details={k: v for k, v in details.items() if v}
    )


def unauthorized() -> ApiFailure:
    """401 for a bearer token the API server does not know."""
    return ApiFailure(401, "Unauthorized")


def _selected_name(selector: str) -> str:
    for term in selector.split(","):
        key, _, value = term.replace("==", "=").partition("=")
        if key.strip() == "metadata.name" and not key.endswith("!"):
            return value.strip()
    return ""
