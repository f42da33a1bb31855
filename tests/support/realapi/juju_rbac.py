"""The RBAC Juju gives a sidecar charm's ServiceAccount, trusted (`juju trust`) or not.

From Juju's source, juju/juju `internal/provider/kubernetes/application/trust.go`
(`getDefaultApplicationNamespaceRules`, `defaultApplicationClusterRules`,
`fullAccessApplicationNamespaceRules`, `fullAccessApplicationClusterRules`): every application
gets a Role in its model's namespace and a ClusterRole, each bound to its ServiceAccount;
`juju trust` replaces both rule sets with `*/*/*`.

Untrusted, the namespaced Role allows: `get`/`list` on its own namespace object, `get`/`list`/
`patch` on pods and services, `create` on pods/exec; the ClusterRole allows `get`/`list` on
namespaces. So an untrusted charm can read and patch its namespace's Services but not create
one, and cannot touch Gateway API objects or Secrets at all.
"""

from __future__ import annotations

from typing import Any

RBAC = "rbac.authorization.k8s.io/v1"
ALL = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]


def namespace_rules(model: str, *, trusted: bool) -> list[dict[str, Any]]:
    """The rules of the application's Role in its model's namespace."""
    if trusted:
        return ALL
    return [
        {
            "apiGroups": [""],
            "resources": ["namespaces"],
            "resourceNames": [model],
            "verbs": ["get", "list"],
        },
        {"apiGroups": [""], "resources": ["pods", "services"], "verbs": ["get", "list", "patch"]},
        {"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]},
    ]


def cluster_rules(*, trusted: bool) -> list[dict[str, Any]]:
    """The rules of the application's ClusterRole."""
    if trusted:
        return ALL
    return [{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list"]}]


def objects(
    model: str, app: str, *, trusted: bool, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """ServiceAccount, Role, RoleBinding, ClusterRole and ClusterRoleBinding, as Juju makes."""
    subject = [{"kind": "ServiceAccount", "name": app, "namespace": model}]
    cluster_name = f"{model}-{app}"  # Juju's qualified cluster role name: namespace-app

    def meta(name: str, namespaced: bool) -> dict[str, Any]:
        found: dict[str, Any] = {"name": name, "labels": dict(labels)}
        if namespaced:
            found["namespace"] = model
        return found

    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(app, True)},
        {
            "apiVersion": RBAC,
            "kind": "Role",
            "metadata": meta(app, True),
            "rules": namespace_rules(model, trusted=trusted),
        },
        {
            "apiVersion": RBAC,
            "kind": "RoleBinding",
            "metadata": meta(app, True),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": app},
            "subjects": subject,
        },
        {
            "apiVersion": RBAC,
            "kind": "ClusterRole",
            "metadata": meta(cluster_name, False),
            "rules": cluster_rules(trusted=trusted),
        },
        {
            "apiVersion": RBAC,
            "kind": "ClusterRoleBinding",
            "metadata": meta(cluster_name, False),
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": cluster_name,
            },
            "subjects": subject,
        },
    ]
