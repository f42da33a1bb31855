"""`KubeDouble`: a stateful stand-in for kube-apiserver that tests drive and inspect."""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx2
import lightkube
import yaml
from lightkube.config.kubeconfig import KubeConfig
from lightkube.config.models import Cluster, User

from kubedouble import faults, rbac, transport
from kubedouble.admission import ResourceType, Validator, crd_dir
from kubedouble.api import Api, Call, Reply, Request, WriteOptions
from kubedouble.catalog import Catalog
from kubedouble.clusters import CONTROLLER_MANAGER, InProcessCluster
from kubedouble.controller import GatewayController
from kubedouble.errors import REASONS, ApiFailure, PageNotFound
from kubedouble.faults import Fault
from kubedouble.profiles import DEFAULT_PROFILE, ControllerProfile
from kubedouble.rbac import ServiceAccount
from kubedouble.records import RequestRecord
from kubedouble.selectors import Requirement
from kubedouble.server import HttpServer
from kubedouble.store import Store

TOKEN = "kubedouble-token"  # the shared token: cluster-admin, for tests that do not care who asks
SEED_MANAGER = "kubedouble-seed"
# Seconds: test clients wait this long; a busy machine must never be what fails a request.
CLIENT_TIMEOUT_S = 300.0
# What every cluster starts with, as a fresh kube-apiserver serves it (checked against the
# real one: tests/realapi): four namespaces, and the API server's own Service in `default`.
INITIAL_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
API_SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "kubernetes",
        "namespace": "default",
        "labels": {"component": "apiserver", "provider": "kubernetes"},
    },
    "spec": {
        "type": "ClusterIP",
        "clusterIP": "10.96.0.1",
        "ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}],
    },
}


class SeedError(RuntimeError):
    """A control-API write the API server refused (the message is the Status message)."""

    def __init__(self, failure: ApiFailure) -> None:
        super().__init__(f"{failure.code} {failure.reason}: {failure.message}")
        self.failure = failure


@functools.cache
def _validator(gateway_api_version: str | None) -> Validator:
    # Building a validator parses CRDs and compiles CEL; one per version per test session.
    return Validator(gateway_api_version)


class KubeDouble:
    """A Kubernetes API server double on 127.0.0.1 for the real lightkube client.

    Serves the core kinds and the Gateway API CRDs of `gateway_api_version` (None: no
    Gateway API at all, like a cluster without the CRDs installed); `controller_profile` names
    the Gateway API implementation `controller` plays (see `kubedouble.profiles`).
    """

    def __init__(
        self,
        gateway_api_version: str | None = "v1.6.1",
        controller_profile: str | ControllerProfile = DEFAULT_PROFILE,
    ) -> None:
        self.gateway_api_version = gateway_api_version
        validator = _validator(gateway_api_version)
        self._catalog = Catalog(validator.resource_types())
        self._store = Store()
        self._lock = threading.RLock()
        folder = crd_dir(gateway_api_version) if gateway_api_version else None
        self._api = Api(validator, self._catalog, self._store, folder)
        self._faults: list[Fault] = []
        self._denials: set[tuple[str, str]] = set()
        self._http: HttpServer | None = None
        self.requests: list[RequestRecord] = []
        self.warnings: list[str] = []
        # Tracebacks of requests the double itself failed on (answered 500); fixtures assert none.
        self.internal_errors: list[str] = []
        # Bearer token -> identity; TOKEN (and a request without a token) is cluster-admin.
        self._accounts: dict[str, ServiceAccount] = {
            TOKEN: ServiceAccount("default", "kubedouble", TOKEN, trusted=True)
        }
        self.controller = GatewayController(InProcessCluster(self), controller_profile)
        for name in INITIAL_NAMESPACES:
            self.ensure_namespace(name)
        self.seed(API_SERVICE)

    # ----- lifecycle ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` once started."""
        if self._http is None:
            raise RuntimeError("the KubeDouble is not started")
        return f"http://127.0.0.1:{self._http.port}"

    def start(self) -> None:
        """Listen on an ephemeral port and serve from a daemon thread."""
        if self._http is None:
            self._http = HttpServer(self._serve)
            self._http.start()

    def stop(self) -> None:
        """Stop serving; the stored objects stay readable through the control API."""
        if self._http is not None:
            self._http.stop()
            self._http = None

    def __enter__(self) -> KubeDouble:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def user(self) -> str:
        """The user of the shared token (`TOKEN`), named in 403s that `deny` causes for it."""
        return self._accounts[TOKEN].user

    def kubeconfig(self, path: Path, token: str = TOKEN) -> Path:
        """Write a kubeconfig for the double to `path` (a file, or a folder to put one in).

        `token` is whose it is: the shared cluster-admin one, or a `service_account` token.
        """
        target = path / "kubeconfig" if path.is_dir() else path
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "kubedouble", "cluster": {"server": self.url}}],
            "users": [{"name": "kubedouble", "user": {"token": token}}],
            "contexts": [
                {
                    "name": "kubedouble",
                    "context": {
                        "cluster": "kubedouble",
                        "user": "kubedouble",
                        "namespace": "default",
                    },
                }
            ],
            "current-context": "kubedouble",
        }
        target.write_text(yaml.safe_dump(config))
        return target

    def client(
        self, field_manager: str | None = None, namespace: str = "default", token: str = TOKEN
    ) -> lightkube.Client:
        """A lightkube client bound to the double (proxies from the environment ignored)."""
        config = KubeConfig.from_one(
            cluster=Cluster(server=self.url), user=User(token=token), namespace=namespace
        )
        return lightkube.Client(
            config=config,
            field_manager=field_manager,
            trust_env=False,
            timeout=httpx2.Timeout(CLIENT_TIMEOUT_S),
        )

    # ----- identities ---------------------------------------------------------------------

    def service_account(
        self, namespace: str, name: str, *, trusted: bool = False
    ) -> ServiceAccount:
        """The identity Juju gives application `name` of model `namespace`; made on first call.

        `trusted` is `juju deploy --trust`; a later call sets it again (see `trust`). Untrusted
        accounts get only Juju's default grants (`kubedouble.rbac`), so the charms' kinds are 403.
        """
        token = rbac.service_account_token(namespace, name)
        with self._lock:
            account = self._accounts.setdefault(token, ServiceAccount(namespace, name, token))
            account.trusted = trusted
            return account

    def identity(self, model: str, app: str, *, trusted: bool) -> str:
        """A token for application `app` of model `model`, with the RBAC Juju would give it.

        The same call as the real server's (`realapi.cluster.RealCluster.identity`).
        """
        return self.service_account(model, app, trusted=trusted).token

    def trust(self, namespace: str, name: str, trusted: bool = True) -> None:
        """`juju trust <app> --scope=cluster` (False: `--remove`) for an existing account."""
        with self._lock:
            account = self._accounts.get(rbac.service_account_token(namespace, name))
            if account is None:
                raise KeyError(f"no service account {namespace}/{name} in the KubeDouble")
            account.trusted = trusted

    # ----- seeding and reading back -------------------------------------------------------

    def ensure_namespace(self, name: str, annotations: Mapping[str, str] | None = None) -> None:
        """Create namespace `name` unless it exists (with `annotations`, as Juju makes them)."""
        with self._lock:
            if self._store.get("", "Namespace", "", name) is None:
                metadata: dict[str, Any] = {"name": name}
                if annotations:
                    metadata["annotations"] = dict(annotations)
                self.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": metadata})

    def seed(self, obj: Any) -> dict[str, Any]:
        """Create `obj` (dict or lightkube resource) through normal admission; returns it stored.

        A `status` in `obj` is written afterwards through the status subresource, so tests can
        seed objects as a controller would have left them. Raises SeedError when refused.
        """
        body = _as_dict(obj)
        rtype = self._type_of(body)
        status = body.pop("status", None) if rtype.has_status else None
        namespace = (body.get("metadata") or {}).get("namespace") or "default"
        with self._lock:
            try:
                reply = self._api.create(
                    rtype,
                    namespace if rtype.namespaced else None,
                    body,
                    WriteOptions(SEED_MANAGER),
                )
            except ApiFailure as failure:
                raise SeedError(failure) from failure
            self.warnings += reply.warnings
            created = reply.body
            if status is not None:
                meta = created["metadata"]
                created = self.write_status(
                    rtype.kind, meta["name"], meta.get("namespace"), status, manager=SEED_MANAGER
                )
            return created

    def replace(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Write `obj` over the stored one as the test (not logged: the world, not a charm)."""
        rtype = self._type_of(obj)
        meta = obj.get("metadata") or {}
        namespace = (meta.get("namespace") or "default") if rtype.namespaced else None
        with self._lock:
            try:
                reply = self._api.update(
                    rtype, namespace, meta["name"], obj, WriteOptions(SEED_MANAGER), status=False
                )
            except ApiFailure as failure:
                raise SeedError(failure) from failure
            return reply.body

    def remove(self, kind: str, name: str, namespace: str | None = None) -> None:
        """Delete an object as the test (not logged); a missing one is no error.

        Then what the garbage collector would delete goes too: every object naming it in
        `metadata.ownerReferences`, and theirs in turn (kube-controller-manager's garbage
        collector, "Owners and Dependents"; the real tier runs none, so there they stay).
        """
        rtype = self._catalog.by_kind(kind)
        ns = (namespace or "default") if rtype.namespaced else None
        with self._lock:
            found = self._store.get(rtype.group, rtype.kind, ns or "", name)
            if found is None:
                return
            self._api.delete(rtype, ns, name, None, WriteOptions(SEED_MANAGER))
            uid = found.obj["metadata"].get("uid")
            for dependent in self._dependents(uid):
                meta = dependent["metadata"]
                self.remove(dependent["kind"], meta["name"], meta.get("namespace"))

    def _dependents(self, uid: str | None) -> list[dict[str, Any]]:
        """Stored objects naming `uid` as an owner."""
        return [
            obj
            for obj in self.objects()
            if uid
            and any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or ())
        ]

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """The stored object (as the API would return it), or None."""
        rtype = self._catalog.by_kind(kind)
        with self._lock:
            found = self._store.get(
                rtype.group, rtype.kind, (namespace or "default") if rtype.namespaced else "", name
            )
            return found.render(rtype.api_version) if found else None

    def read(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
        """Like `get`, but a missing object is a LookupError naming it (for terse asserts)."""
        found = self.get(kind, name, namespace)
        if found is None:
            raise LookupError(f"no {kind} {namespace or 'default'}/{name} in the KubeDouble")
        return found

    def objects(
        self,
        kind: str | None = None,
        namespace: str | None = None,
        labels: dict[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Stored objects, filtered by kind, namespace and label equality."""
        selector = tuple(Requirement(k, "In", frozenset([v])) for k, v in (labels or {}).items())
        types = [self._catalog.by_kind(kind)] if kind else self._catalog.kinds()
        out = []
        with self._lock:
            for rtype in types:
                for stored in self._store.items(rtype.group, rtype.kind, namespace):
                    if all(req.matches(stored.labels) for req in selector):
                        out.append(stored.render(rtype.api_version))
        return out

    def write_status(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        status: dict[str, Any],
        *,
        manager: str = CONTROLLER_MANAGER,
    ) -> dict[str, Any]:
        """Replace an object's status through the status subresource (and its admission)."""
        rtype = self._catalog.by_kind(kind)
        with self._lock:
            ns = (namespace or "default") if rtype.namespaced else None
            try:
                reply = self._api.update_status(rtype, ns, name, status, WriteOptions(manager))
            except ApiFailure as failure:
                raise SeedError(failure) from failure
            self.warnings += reply.warnings
            return reply.body

    def schema_has(self, kind: str, path: str) -> bool:
        """Whether the served schema of `kind` has the dotted field `path` (e.g. `status.x`).

        Built-in kinds answer True: the double does not prune their fields.
        """
        rtype = self._catalog.by_kind(kind)
        node = self._api.validator.schema(rtype.api_version, rtype.kind)
        if node is None:
            return True
        for part in path.split("."):
            node = (node.get("properties") or {}).get(part)
            if node is None:
                return False
        return True

    def serves(self, kind: str) -> bool:
        """Whether this double serves `kind` (e.g. ListenerSet only with Gateway API >= v1.5)."""
        return any(rtype.kind == kind for rtype in self._catalog.types)

    # ----- request log --------------------------------------------------------------------

    def count(self, verb: str | None = None, kind: str | None = None) -> int:
        """How many logged requests match `verb` and `kind` (None matches any)."""
        return sum(
            1
            for record in self.requests
            if (verb is None or record.verb == verb) and (kind is None or record.kind == kind)
        )

    def reset_requests(self) -> None:
        """Forget the request log and recorded warnings."""
        with self._lock:
            self.requests.clear()
            self.warnings.clear()

    # ----- faults -------------------------------------------------------------------------

    def inject_fault(
        self,
        *,
        verb: str | None = None,
        kind: str | None = None,
        nth: int = 1,
        status: int | None = None,
        reset: bool = False,
        timeout: bool = False,
        times: int = 1,
    ) -> None:
        """Make the `nth` matching request (and `times - 1` more) fail.

        `status` answers with that code and a Status body without touching the store; `reset`
        drops the connection without a response; `timeout` serves the request (the store
        changes) and marks the response so that `kubedouble.transport.FaultTransport` raises
        `httpx2.ReadTimeout` instead of returning it: the client gave up, the server finished.
        No clock is involved, so a loaded machine cannot turn it into a different fault.
        """
        with self._lock:
            self._faults.append(Fault(verb, kind, nth, status, reset, timeout, times))

    def deny(self, verb: str, kind: str) -> None:
        """Answer `verb` on `kind` with 403 Forbidden, as RBAC without `juju trust` does.

        `apply` and `patch` are one RBAC verb; `*` matches any verb or kind.
        """
        with self._lock:
            self._denials.add((faults.rbac_verb(verb), kind))

    def juju_untrusted(self) -> None:
        """Refuse what Juju's RBAC refuses an application deployed without `--trust`.

        Juju grants it (juju/juju internal/provider/kubernetes/application/trust.go, see
        realapi.juju_rbac): get/list/patch on pods and services, create on pods/exec, get/list
        on namespaces; nothing else. Unlike the real server, the double's denials are not
        namespaced: the grant here covers every namespace, not only the application's own.
        """
        allowed: dict[str, tuple[str, ...]] = {
            "Service": ("get", "list", "patch"),
            "Pod": ("get", "list", "patch"),
            "Namespace": ("get", "list"),
        }
        verbs = ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection")
        with self._lock:
            for rtype in self._catalog.kinds():
                for verb in verbs:
                    if verb not in allowed.get(rtype.kind, ()):
                        self._denials.add((verb, rtype.kind))

    def allow(self, verb: str, kind: str) -> None:
        """Undo a `deny` (as after `juju trust`)."""
        with self._lock:
            self._denials.discard((faults.rbac_verb(verb), kind))

    # ----- internals ----------------------------------------------------------------------

    def _serve(self, request: Request) -> Reply | None:
        # Authentication comes first on kube-apiserver; a request without a token is treated as
        # the shared one, so hand-made requests in tests keep working.
        account = self._accounts.get(TOKEN if request.token is None else request.token)
        user = account.user if account is not None else None
        try:
            if account is None:
                raise rbac.unauthorized()
            call = self._api.classify(request)
        except ApiFailure as failure:
            call = Call("unknown" if account is not None else "unauthenticated")
            reply: Reply | None = _failure_reply(failure)
            self._record(call, request, reply, user)
            return reply
        with self._lock:
            fault = next((f for f in self._faults if f.take(call)), None)
            refusal = self._authorize(account, call, request)
            if fault is not None and fault.reset:
                reply = None
            elif fault is not None and fault.status is not None:
                reply = _fault_reply(fault.status, call)
            elif refusal is not None:
                reply = Reply(403, refusal.body())
            else:
                try:
                    reply = self._api.execute(call, request)
                except ApiFailure as failure:
                    reply = _failure_reply(failure)
                except Exception as exc:
                    self.internal_errors.append(traceback.format_exc())
                    reply = Reply(500, ApiFailure(500, f"kubedouble bug: {exc!r}").body())
                self.warnings += reply.warnings
                if fault is not None and fault.timeout:
                    reply.headers[transport.TIMEOUT_HEADER] = "timeout"
            self._record(call, request, reply, user)
            return reply

    def _authorize(
        self, account: ServiceAccount, call: Call, request: Request
    ) -> ApiFailure | None:
        """The authorizer's 403, or None. Discovery is open to every authenticated user.

        An apply that would create the object is authorized as `create` too, as apiserver's
        patch handler does (handlers/patch.go, `withAuthorization`).
        """
        if call.rtype is None:
            return None
        asked = rbac.attributes(call, request.query)
        checks = [(asked, faults.denied(self._denials, call))]
        if call.verb == "apply" and not self._exists(call):
            created = dataclasses.replace(call, verb="create")
            checks.append((asked.but("create"), faults.denied(self._denials, created)))
        for attributes, denied in checks:
            if denied or not account.may(attributes):
                return rbac.forbidden(attributes, account.user)
        return None

    def _exists(self, call: Call) -> bool:
        assert call.rtype is not None
        rtype = call.rtype
        namespace = (call.namespace or "default") if rtype.namespaced else ""
        return self._store.get(rtype.group, rtype.kind, namespace, call.name or "") is not None

    def _record(
        self, call: Call, request: Request, reply: Reply | None, user: str | None = None
    ) -> None:
        self.requests.append(
            RequestRecord(
                verb=call.verb,
                kind=call.kind,
                namespace=call.namespace,
                name=call.name,
                status=reply.code if reply else None,
                patch_type=call.patch_type,
                field_manager=call.field_manager,
                query=dict(request.query),
                subresource=call.subresource,
                body=_decoded(request.body),
                warnings=tuple(reply.warnings) if reply else (),
                user=user,
            )
        )

    def _type_of(self, body: dict[str, Any]) -> ResourceType:
        api_version, kind = body.get("apiVersion", ""), body.get("kind", "")
        group, _, version = api_version.rpartition("/")
        for rtype in self._catalog.types:
            if (rtype.group, rtype.version, rtype.kind) == (group, version, kind):
                return rtype
        raise KeyError(f"{api_version} {kind} is not served by this double")


def _as_dict(obj: Any) -> dict[str, Any]:
    # lightkube resources (typed models and generic ones) have to_dict(); plain dicts do not.
    to_dict = getattr(obj, "to_dict", None)
    return json.loads(json.dumps(to_dict() if callable(to_dict) else obj))


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return yaml.safe_load(body)
    except yaml.YAMLError:
        return body.decode(errors="replace")


def _fault_reply(code: int, call: Call) -> Reply:
    failure = ApiFailure(
        code,
        f"injected fault: {REASONS.get(code, 'error')} on {call.verb} {call.kind or ''}".strip(),
        details={"name": call.name or "", "kind": call.rtype.plural if call.rtype else ""},
    )
    return Reply(code, failure.body())


def _failure_reply(failure: ApiFailure) -> Reply:
    """A Status body; a path not served at all gets kube-apiserver's plain-text 404."""
    if isinstance(failure, PageNotFound):
        return Reply(failure.code, None, text=PageNotFound.TEXT)
    return Reply(failure.code, failure.body())
