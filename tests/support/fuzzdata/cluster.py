"""A fresh API double per example, and the views of its store the properties compare.

Starting a KubeDouble costs milliseconds once its validator is built (cached per session), so
each hypothesis example and each fault case gets its own: no state leaks between examples.
"""

import copy
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kube_apply.resources  # noqa: F401  (registers the Gateway API kinds with lightkube)
from kubedouble import KubeDouble, RequestRecord

WRITE_VERBS = frozenset({"create", "update", "patch", "apply", "delete", "deletecollection"})
ObjectKey = tuple[str, str, str]  # (kind, namespace or "", name)

# Fields the API server sets; a converged object may differ in them and still be the same.
_SERVER_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")


@contextmanager
def fresh_double(gateway_api_version: str = "v1.6.1") -> Iterator[KubeDouble]:
    """A started double that a plain `lightkube.Client()` (as the charms make) reaches.

    KUBECONFIG and NO_PROXY are set for the duration and restored after; the double must not
    have failed internally (a bug in the double must not pass for a charm failure).
    """
    double = KubeDouble(gateway_api_version)
    double.start()
    saved = {name: os.environ.get(name) for name in ("KUBECONFIG", "NO_PROXY", "no_proxy")}
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ["KUBECONFIG"] = str(double.kubeconfig(Path(folder) / "kubeconfig"))
            os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
            yield double
    finally:
        double.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert not double.internal_errors, "the KubeDouble failed internally:\n" + "\n".join(
        double.internal_errors
    )


def replay(kube: KubeDouble, objects: Iterable[dict[str, Any]], field_manager: str) -> None:
    """Recreate `objects` as `field_manager` would have made them: server-side apply, then status.

    Seeding through `kube.seed` would make the seed manager own every field, and a charm's
    later apply could then never remove a listener or a key it dropped: not what happens on a
    cluster where the charm created them. The request log is cleared afterwards.
    """
    from lightkube import codecs

    client = kube.client(field_manager=field_manager)
    for obj in objects:
        body = copy.deepcopy(obj)
        status = body.pop("status", None)
        meta = body["metadata"]
        if body["kind"] == "Namespace":
            continue
        if meta.get("namespace"):
            kube.ensure_namespace(meta["namespace"])
        client.apply(codecs.from_dict(body), field_manager=field_manager, force=True)
        if status is not None:
            kube.write_status(body["kind"], meta["name"], meta.get("namespace"), status)
    kube.reset_requests()


def key_of(obj: dict[str, Any]) -> ObjectKey:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace") or "", meta["name"])


def stored(kube: KubeDouble, kinds: Iterable[str] | None = None) -> dict[ObjectKey, dict]:
    """Every stored object (of `kinds`), exactly as the API returns it, by key."""
    objects = (
        [obj for kind in kinds for obj in kube.objects(kind)]
        if kinds is not None
        else kube.objects()
    )
    return {key_of(obj): obj for obj in objects}


def comparable(obj: dict[str, Any]) -> dict[str, Any]:
    """What an object *is* (spec, data, labels, ...), without server bookkeeping or status.

    A Service's cluster IP is allocated by the server, so it is left out too.
    """
    out = copy.deepcopy({k: v for k, v in obj.items() if k != "status"})
    meta = out.get("metadata") or {}
    for field in _SERVER_METADATA:
        meta.pop(field, None)
    if obj.get("kind") == "Service":
        spec = out.get("spec") or {}
        for field in ("clusterIP", "clusterIPs"):
            spec.pop(field, None)
    return out


def contents(kube: KubeDouble, kinds: Iterable[str] | None = None) -> dict[ObjectKey, dict]:
    """The whole store, comparable across runs."""
    return {key: comparable(obj) for key, obj in stored(kube, kinds).items()}


def writes_to(requests: Iterable[RequestRecord], keys: Iterable[ObjectKey]) -> list[str]:
    """Write requests that named one of `keys` (a collection delete counts for its namespace)."""
    wanted = set(keys)
    namespaces = {(kind, namespace) for kind, namespace, _ in wanted}
    hits = []
    for record in requests:
        if record.verb not in WRITE_VERBS or record.kind is None:
            continue
        if (record.kind, record.namespace or "", record.name or "") in wanted or (
            record.verb == "deletecollection"
            and (record.kind, record.namespace or "") in namespaces
        ):
            hits.append(f"{record.verb} {record.kind} {record.namespace}/{record.name}")
    return hits


def refusals(requests: Iterable[RequestRecord]) -> list[str]:
    """Writes the API server refused as invalid (422) or malformed (400)."""
    return [
        f"{r.verb} {r.kind} {r.namespace}/{r.name}: {r.status}"
        for r in requests
        if r.verb in WRITE_VERBS and r.status in (400, 422)
    ]
