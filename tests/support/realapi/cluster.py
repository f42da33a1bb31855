"""`RealCluster`: one test's view of a shared real API server, with the double's test interface.

Tests written against `KubeDouble`'s control API (`seed`, `get`, `read`, `objects`,
`ensure_namespace`, `count`, `requests`, `warnings`, `client`, `kubeconfig`, `serves`) run
unchanged against the real server through this class. The test's own reads and writes go
through a system:masters client and are not logged; the code under test reaches the server
through KUBECONFIG, as a charm does, and every request it sends is logged (realapi.recording).

Identities are ServiceAccounts with tokens from the TokenRequest API, bound to the RBAC Juju
grants (`juju_rbac`): the user `system:serviceaccount:<model>:<app>` in the groups
`system:serviceaccounts`, `system:serviceaccounts:<model>` and `system:authenticated`,
exactly what a charm's pod presents.

Between tests the server is emptied of what tests create. Namespaces stay: without
kube-controller-manager (not run here) a deleted namespace stays Terminating for ever.
"""

from __future__ import annotations

import copy
import json
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import lightkube
import yaml
from lightkube.config.kubeconfig import KubeConfig

from kubedouble.clusters import LightkubeCluster
from kubedouble.controller import GatewayController
from kubedouble.double import SEED_MANAGER
from kubedouble.records import RequestRecord
from realapi import juju_rbac
from realapi.recording import RequestLog
from realapi.server import CLIENT_TIMEOUT_S, RealApiServer

IDENTITY_LABEL = "realapi.test/identity"
CACHE_SETTLE_S = 120.0
"""How long a new identity may take to reach the server's caches (seconds; ~0 when idle)."""
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
# Kinds tests create, emptied after each test (namespaced unless noted in CLUSTER_SCOPED).
_CLEANED_CORE = ("services", "configmaps", "secrets", "serviceaccounts")
_CLEANED_RBAC = ("roles", "rolebindings")


class ApiRefused(RuntimeError):
    """A control-API write the real server refused (mirrors kubedouble.SeedError)."""

    def __init__(self, code: int, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{code}: {message}")
        self.code = code
        self.body = body


@dataclass(frozen=True)
class Resource:
    """Where a kind lives on this server."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else "/api/v1"
        if self.namespaced and namespace is not None:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        return base + (f"/{name}" if name else "")


@dataclass(frozen=True)
class Credential:
    """An application's bearer token, as the model simulation asks for it."""

    token: str


class RealCluster:
    """The real server as one test sees it."""

    server_kind = "real"

    def __init__(self, server: RealApiServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.gateway_api_version = server.gateway_api_version
        self.version = str(server.version.get("gitVersion", "unknown"))
        self._http = httpx2.Client(
            base_url=server.url,
            verify=ssl.create_default_context(cafile=str(server.material.ca_cert)),
            headers={"Authorization": f"Bearer {server.admin_token}"},
            timeout=CLIENT_TIMEOUT_S,
            trust_env=False,
        )
        self.resources = self._discover()
        self.log = RequestLog(kinds={(r.group, r.plural): r.kind for r in self.resources.values()})
        self.internal_errors: list[str] = []  # the double's crash list; nothing to report here

    # ----- the double's interface ---------------------------------------------------------

    @property
    def controller(self) -> GatewayController:
        """The Gateway API controller stand-in, writing status through the real server.

        The same rules as the double's controller (`kubedouble.controller`), reading through a
        lightkube client and writing each object's status subresource, so a test drives it the
        same way on both servers.
        """
        if not hasattr(self, "_controller"):
            # Its own transport: what the controller writes is not the charm's, and is left
            # out of the request log, as the double's in-process controller is.
            config = KubeConfig.from_dict(self.server.kubeconfig(self.default_token, "default"))
            verify = ssl.create_default_context(cafile=str(self.server.material.ca_cert))
            client = lightkube.Client(
                config=config,
                trust_env=False,
                timeout=httpx2.Timeout(CLIENT_TIMEOUT_S),
                transport=httpx2.HTTPTransport(verify=verify),
            )
            self._controller = GatewayController(LightkubeCluster(client))
        return self._controller

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[RequestRecord]:
        return self.log.requests

    @property
    def warnings(self) -> list[str]:
        return self.log.warnings

    def count(self, verb: str | None = None, kind: str | None = None) -> int:
        """How many logged requests match `verb` and `kind` (None matches any)."""
        return sum(
            1
            for record in self.log.requests
            if (verb is None or record.verb == verb) and (kind is None or record.kind == kind)
        )

    def reset_requests(self) -> None:
        self.log.clear()

    def serves(self, kind: str) -> bool:
        return kind in self.resources

    def ensure_namespace(self, name: str, annotations: Mapping[str, str] | None = None) -> None:
        """Create namespace `name` unless it exists (with `annotations`, as Juju makes them).

        Namespaces outlive a test here (no controller-manager empties a deleted one), so an
        existing one is given `annotations` (a new simulation's model UUID) when they differ.
        """
        found = self.get("Namespace", name)
        if found is None:
            metadata: dict[str, Any] = {"name": name}
            if annotations:
                metadata["annotations"] = dict(annotations)
            self.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": metadata})
            return
        current = found["metadata"].get("annotations") or {}
        if annotations and any(current.get(k) != v for k, v in annotations.items()):
            self._send(
                "PATCH",
                self._core("namespaces").path(None, name),
                {"metadata": {"annotations": dict(annotations)}},
                content_type="application/merge-patch+json",
            )

    def seed(self, obj: Any) -> dict[str, Any]:
        """Create `obj` as the test (field manager kubedouble-seed); `status` written after."""
        body = _as_dict(obj)
        resource = self._resource(body)
        status = body.pop("status", None)
        namespace = (body.get("metadata") or {}).get("namespace") or "default"
        created = self._send(
            "POST",
            resource.path(namespace if resource.namespaced else None),
            body,
            params={"fieldManager": SEED_MANAGER},
        )
        if status is not None:
            meta = created["metadata"]
            created = self.write_status(
                resource.kind, meta["name"], meta.get("namespace"), status, manager=SEED_MANAGER
            )
        return created

    def write_status(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        status: dict[str, Any],
        *,
        manager: str = "realapi-status-writer",
    ) -> dict[str, Any]:
        """Replace an object's status through the status subresource."""
        resource = self.resources[kind]
        path = resource.path((namespace or "default") if resource.namespaced else None, name)
        current = self._send("GET", path)
        current["status"] = status
        return self._send("PUT", path + "/status", current, params={"fieldManager": manager})

    def replace(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Write `obj` over the stored one as the test (not logged: the world, not a charm)."""
        resource = self._resource(obj)
        meta = obj["metadata"]
        namespace = (meta.get("namespace") or "default") if resource.namespaced else None
        return self._send("PUT", resource.path(namespace, meta["name"]), obj)

    def remove(self, kind: str, name: str, namespace: str | None = None) -> None:
        """Delete an object as the test (not logged); a missing one is no error."""
        resource = self.resources[kind]
        path = resource.path((namespace or "default") if resource.namespaced else None, name)
        try:
            self._send("DELETE", path)
        except ApiRefused as refused:
            if refused.code != 404:
                raise

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        resource = self.resources[kind]
        path = resource.path((namespace or "default") if resource.namespaced else None, name)
        try:
            return _with_type(self._send("GET", path), resource)
        except ApiRefused as refused:
            if refused.code == 404:
                return None
            raise

    def read(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        found = self.get(kind, name, namespace)
        if found is None:
            raise LookupError(f"no {kind} {namespace or 'default'}/{name} on the real server")
        return found

    def objects(
        self,
        kind: str | None = None,
        namespace: str | None = None,
        labels: dict[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        kinds = [self.resources[kind]] if kind else list(self.resources.values())
        params = {"labelSelector": ",".join(f"{k}={v}" for k, v in (labels or {}).items())}
        out = []
        for resource in kinds:
            listed = self._send("GET", resource.path(namespace), params=params)
            out += [_with_type(item, resource) for item in listed.get("items") or []]
        return out

    def client(
        self, field_manager: str | None = None, namespace: str = "default"
    ) -> lightkube.Client:
        """A client acting as the default identity (its requests are logged, as the double's)."""
        config = KubeConfig.from_dict(self.server.kubeconfig(self.default_token, namespace))
        return lightkube.Client(
            config=config,
            field_manager=field_manager,
            trust_env=False,
            timeout=httpx2.Timeout(CLIENT_TIMEOUT_S),
        )

    def kubeconfig(self, path: Path, token: str | None = None) -> Path:
        """Write a kubeconfig (for `token`; the default identity's when None) to `path`."""
        target = path / "kubeconfig" if path.is_dir() else path
        target.write_text(yaml.safe_dump(self.server.kubeconfig(token or self.default_token)))
        return target

    # ----- identities ---------------------------------------------------------------------

    @property
    def default_token(self) -> str:
        """The identity tests act as unless they choose: a trusted application in `default`."""
        if not hasattr(self, "_default_token"):
            self._default_token = self.identity("default", "charm", trusted=True)
        return self._default_token

    def identity(self, model: str, app: str, *, trusted: bool) -> str:
        """A token for application `app` of model `model`, with the RBAC Juju would give it."""
        self.ensure_namespace(model)
        labels = {IDENTITY_LABEL: f"{model}.{app}"}
        for obj in juju_rbac.objects(model, app, trusted=trusted, labels=labels):
            self._apply(obj)
        answer = self._send(
            "POST",
            self.resources["ServiceAccount"].path(model, app) + "/token",
            {
                "apiVersion": "authentication.k8s.io/v1",
                "kind": "TokenRequest",
                "spec": {"expirationSeconds": 86400},
            },
        )
        token = str(answer["status"]["token"])
        self._wait_until_caches_agree(model, app, token, trusted=trusted)
        return token

    def _wait_until_caches_agree(self, model: str, app: str, token: str, *, trusted: bool) -> None:
        """Wait until the server authenticates `token` and authorizes as just granted.

        kube-apiserver's token authenticator and RBAC authorizer read informer caches: right
        after the writes, a recreated ServiceAccount can still be known by its old UID (401)
        and new grants can be missing (403), for however long a loaded machine delays them.
        A SubjectAccessReview goes through the same authorizer.
        """
        user = f"system:serviceaccount:{model}:{app}"
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {
                "user": user,
                "groups": ["system:serviceaccounts", f"system:serviceaccounts:{model}"],
                "resourceAttributes": {
                    "namespace": model,
                    "verb": "list",
                    "group": "gateway.networking.k8s.io",
                    "resource": "gateways",
                },
            },
        }
        deadline = time.monotonic() + CACHE_SETTLE_S
        while time.monotonic() < deadline:
            known = self._http.get("/api", headers={"Authorization": f"Bearer {token}"})
            if known.status_code == 200:
                allowed = self._send(
                    "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review
                )["status"].get("allowed", False)
                if allowed == trusted:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"the real server's caches never agreed on {user}'s grants")

    def service_account(self, namespace: str, name: str, *, trusted: bool) -> Credential:
        """The model simulation's call (as on the double): an identity, made or re-granted."""
        return Credential(self.identity(namespace, name, trusted=trusted))

    def trust(self, namespace: str, name: str, trusted: bool = True) -> None:
        """`juju trust <app> --scope=cluster` (False: `--remove`): Juju's grants, rewritten."""
        self.identity(namespace, name, trusted=trusted)

    # ----- housekeeping -------------------------------------------------------------------

    def clean(self) -> None:
        """Delete what tests create, so the next test starts from a fresh-looking cluster."""
        namespaced = [self._core(p) for p in _CLEANED_CORE] + [
            self._by_plural("rbac.authorization.k8s.io", p) for p in _CLEANED_RBAC
        ]
        namespaced.append(self._by_plural("apps", "statefulsets"))  # Juju's, as modelsim makes
        gateway = [r for r in self.resources.values() if r.group == "gateway.networking.k8s.io"]
        for resource in [*namespaced, *gateway]:
            for item in self._send("GET", resource.path()).get("items") or []:
                meta = item["metadata"]
                if _protected(resource, meta):
                    continue
                self._delete(resource.path(meta.get("namespace"), meta["name"]))
        for plural in ("clusterroles", "clusterrolebindings"):
            resource = self._by_plural("rbac.authorization.k8s.io", plural)
            listed = self._send("GET", resource.path(), params={"labelSelector": IDENTITY_LABEL})
            for item in listed.get("items") or []:
                self._delete(resource.path(None, item["metadata"]["name"]))
        if hasattr(self, "_default_token"):
            del self._default_token
        self.log.clear()

    def close(self) -> None:
        self._http.close()

    # ----- internals ----------------------------------------------------------------------

    def _discover(self) -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        groups = [("", "v1")] + [
            (group["name"], group["preferredVersion"]["version"])
            for group in self._send("GET", "/apis")["groups"]
        ]
        for group, version in groups:
            path = f"/apis/{group}/{version}" if group else "/api/v1"
            for item in self._send("GET", path)["resources"]:
                if "/" in item["name"] or "list" not in item.get("verbs", ()):
                    continue  # subresources, and kinds one cannot list (bindings, reviews)
                found.setdefault(
                    item["kind"],
                    Resource(group, version, item["kind"], item["name"], item["namespaced"]),
                )
        return found

    def _core(self, plural: str) -> Resource:
        return self._by_plural("", plural)

    def _by_plural(self, group: str, plural: str) -> Resource:
        return next(r for r in self.resources.values() if (r.group, r.plural) == (group, plural))

    def _resource(self, body: dict[str, Any]) -> Resource:
        kind = body.get("kind", "")
        found = self.resources.get(kind)
        if found is None:
            raise KeyError(f"{body.get('apiVersion')} {kind} is not served by this server")
        group, _, version = str(body.get("apiVersion", "")).rpartition("/")
        return Resource(group, version, found.kind, found.plural, found.namespaced)

    def _apply(self, obj: dict[str, Any]) -> None:
        resource = self._resource(obj)
        meta = obj["metadata"]
        namespace = meta.get("namespace") if resource.namespaced else None
        self._send(
            "PATCH",
            resource.path(namespace, meta["name"]),
            obj,
            params={"fieldManager": "realapi-identities", "force": "true"},
            content_type="application/apply-patch+yaml",
        )

    def _delete(self, path: str) -> None:
        try:
            self._send("DELETE", path)
        except ApiRefused as refused:
            if refused.code != 404:
                raise

    def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> Any:
        response = self._http.request(
            method,
            path,
            params={k: v for k, v in (params or {}).items() if v},
            content=json.dumps(body) if body is not None else None,
            headers={"Content-Type": content_type} if body is not None else None,
        )
        data = response.json() if response.content else {}
        if response.status_code >= 400:
            raise ApiRefused(response.status_code, data)
        return data


def _protected(resource: Resource, meta: dict[str, Any]) -> bool:
    namespace = meta.get("namespace")
    if namespace in SYSTEM_NAMESPACES:
        return True
    # The apiserver's own Service; deleting it only makes the apiserver recreate it.
    return (resource.plural, namespace, meta.get("name")) == ("services", "default", "kubernetes")


def _with_type(obj: dict[str, Any], resource: Resource) -> dict[str, Any]:
    # List items of built-in kinds come without kind/apiVersion; the double adds them too.
    return {"apiVersion": resource.api_version, "kind": resource.kind, **obj}


def _as_dict(obj: Any) -> dict[str, Any]:
    to_dict = getattr(obj, "to_dict", None)
    return copy.deepcopy(json.loads(json.dumps(to_dict() if callable(to_dict) else obj)))
