"""kube-apiserver's REST semantics over the store, independent of HTTP.

`classify` turns a request into a `Call` (verb, type, namespace, name) that faults, RBAC
(`kubedouble.rbac`) and the request log match on; `execute` carries it out. The control API of
`KubeDouble` calls the same write paths, so seeded objects go through the same admission as the
charms' writes.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from kubedouble import catalog as discovery
from kubedouble import fieldpaths, listmaps, ownership, patches, registry, selectors
from kubedouble.admission import ResourceType, Validator
from kubedouble.catalog import Catalog, is_custom
from kubedouble.errors import ApiFailure, PageNotFound, already_exists, invalid, not_found, stale
from kubedouble.fieldpaths import Hints
from kubedouble.ownership import ManagerKey
from kubedouble.store import Store, Stored

# Metadata only the server writes; whatever a client sends there is replaced.
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "selfLink",
    "managedFields",
)
_NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class Request:
    """One HTTP request, already read off the socket."""

    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    content_type: str = ""
    user_agent: str = ""
    body: bytes = b""
    token: str | None = None  # the bearer token; None when no Authorization header was sent


@dataclass(frozen=True)
class Call:
    """What a request asks for, in the terms RBAC and the request log use."""

    verb: str
    rtype: ResourceType | None = None
    namespace: str | None = None
    name: str | None = None
    subresource: str | None = None
    patch_type: str | None = None
    field_manager: str | None = None

    @property
    def kind(self) -> str | None:
        return self.rtype.kind if self.rtype else None


@dataclass
class Reply:
    """A response: JSON body (or watch events, one JSON document per line)."""

    code: int
    body: Any
    warnings: list[str] = field(default_factory=list)
    lines: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    """A plain-text body instead of JSON (kube-apiserver's `404 page not found`)."""


@dataclass(frozen=True)
class WriteOptions:
    """Per-write query options."""

    manager: str
    dry_run: bool = False
    force: bool = False
    strict: bool = False


class Api:
    """The API server's behaviour for one double (callers hold the double's lock)."""

    def __init__(
        self, validator: Validator, catalog: Catalog, store: Store, crd_folder: Any = None
    ) -> None:
        self.validator = validator
        self.catalog = catalog
        self.store = store
        self._crd_folder = crd_folder
        self._hints: dict[tuple[str, str], Hints] = {}

    # ----- routing -----------------------------------------------------------------------

    def classify(self, request: Request) -> Call:
        """Name the verb and target of a request; 404/405 for paths the API does not serve."""
        parts = [part for part in request.path.split("/") if part]
        if _is_discovery(parts):
            return Call("discovery")
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise _page_not_found()
        namespace: str | None = None
        if len(rest) >= 3 and rest[0] == "namespaces":
            candidate = self.catalog.by_url(group, version, rest[2])
            if candidate is not None and candidate.namespaced:
                namespace, rest = rest[1], rest[2:]
        rtype = self.catalog.by_url(group, version, rest[0]) if rest else None
        if rtype is None or len(rest) > 3:
            raise _page_not_found()
        name = rest[1] if len(rest) > 1 else None
        subresource = rest[2] if len(rest) > 2 else None
        if subresource is not None and (subresource != "status" or not rtype.has_status):
            raise _page_not_found()
        if rtype.namespaced and namespace is None and name is not None:
            raise _page_not_found()
        verb = _verb(request, name, subresource)
        if rtype.namespaced and namespace is None and verb not in ("list", "watch"):
            raise ApiFailure(405, f"{verb} is not supported across all namespaces")
        patch_type = request.content_type if request.method == "PATCH" else None
        manager = request.query.get("fieldManager")
        if manager is None and verb in ("create", "update", "patch"):
            # kube-apiserver names an anonymous writer after its user agent's product token.
            manager = request.user_agent.split("/", 1)[0] or "unknown"
        return Call(verb, rtype, namespace, name, subresource, patch_type, manager)

    def execute(self, call: Call, request: Request) -> Reply:
        """Carry out a classified request."""
        if call.verb == "discovery":
            return Reply(200, self._discovery(request.path))
        assert call.rtype is not None
        query = request.query
        options = WriteOptions(
            manager=call.field_manager or "",
            dry_run=query.get("dryRun") == "All",
            force=query.get("force") == "true",
            strict=query.get("fieldValidation") == "Strict",
        )
        if call.verb in ("get", "list", "watch"):
            return self._read(call.rtype, call, query)
        return self._write(call.rtype, call, request, options)

    def _read(self, rtype: ResourceType, call: Call, query: Mapping[str, str]) -> Reply:
        if call.verb == "get":
            stored = self._existing(rtype, call.namespace, call.name)
            return Reply(200, stored.render(rtype.api_version))
        if call.verb == "list":
            return self.list(rtype, call.namespace, query)
        return self._watch(rtype, call.namespace, query)

    def _write(
        self, rtype: ResourceType, call: Call, request: Request, options: WriteOptions
    ) -> Reply:
        status = call.subresource == "status"
        if call.verb == "create":
            return self.create(rtype, call.namespace, _decode(request), options)
        if call.verb == "update":
            body = _decode(request)
            return self.update(rtype, call.namespace, _name(call), body, options, status=status)
        if call.verb == "patch":
            return self.patch(rtype, call.namespace, _name(call), request, options, status=status)
        if call.verb == "apply":
            body = request.body
            return self.apply(rtype, call.namespace, _name(call), body, options, status=status)
        if call.verb == "delete":
            body = _decode(request) if request.body else {}
            return self.delete(rtype, call.namespace, _name(call), body, options)
        return self.delete_collection(rtype, call.namespace, request.query, options)

    # ----- reads --------------------------------------------------------------------------

    def list(self, rtype: ResourceType, namespace: str | None, query: Mapping[str, str]) -> Reply:
        """A `<Kind>List`, filtered by label and field selectors, paged by limit/continue."""
        found = self._select(rtype, namespace, query)
        start = int(query.get("continue") or 0)
        limit = int(query.get("limit") or 0)
        page = found[start : start + limit] if limit else found[start:]
        metadata: dict[str, Any] = {"resourceVersion": self.store.revision}
        if limit and start + limit < len(found):
            metadata["continue"] = str(start + limit)
            metadata["remainingItemCount"] = len(found) - start - limit
        return Reply(
            200,
            {
                "kind": f"{rtype.kind}List",
                "apiVersion": rtype.api_version,
                "metadata": metadata,
                "items": [self._list_item(rtype, stored) for stored in page],
            },
        )

    def _watch(
        self, rtype: ResourceType, namespace: str | None, query: Mapping[str, str]
    ) -> Reply:
        # Not a long-lived stream: the events since `resourceVersion`, then the response ends.
        since = int(query.get("resourceVersion") or 0)
        events = [
            {"type": "ADDED", "object": stored.render(rtype.api_version)}
            for stored in self._select(rtype, namespace, query)
            if int(stored.obj["metadata"]["resourceVersion"]) > since
        ]
        return Reply(200, events, lines=True)

    def _select(
        self, rtype: ResourceType, namespace: str | None, query: Mapping[str, str]
    ) -> list[Stored]:
        labels = selectors.parse(query.get("labelSelector"))
        fields = _field_selector(query.get("fieldSelector"), rtype)
        return [
            stored
            for stored in self.store.items(rtype.group, rtype.kind, namespace)
            if selectors.matches(labels, stored.labels)
            and all(
                (_field_value(stored, key) == value) != negated for key, negated, value in fields
            )
        ]

    def _list_item(self, rtype: ResourceType, stored: Stored) -> dict[str, Any]:
        item = stored.render(rtype.api_version)
        if not is_custom(rtype):
            # Built-in lists carry kind/apiVersion once, on the list, not on each item.
            item.pop("apiVersion", None)
            item.pop("kind", None)
        return item

    # ----- writes -------------------------------------------------------------------------

    def create(
        self, rtype: ResourceType, namespace: str | None, body: Any, options: WriteOptions
    ) -> Reply:
        """POST: a new object; 409 when the name is taken, 404 when the namespace is missing."""
        obj = self._body_object(rtype, body)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            suffix = "".join(secrets.choice(_NAME_SUFFIX_ALPHABET) for _ in range(5))
            meta["name"] = meta["generateName"] + suffix
        if not meta.get("name"):
            raise invalid(
                rtype.kind, "", ["metadata.name: Required value: name or generateName is required"]
            )
        namespace = self._scope_metadata(rtype, meta, namespace)
        self._require_namespace(rtype, namespace)
        if self.store.get(rtype.group, rtype.kind, namespace or "", meta["name"]):
            raise already_exists(rtype.plural, meta["name"], rtype.group)
        for key in SERVER_METADATA:
            meta.pop(key, None)
        if rtype.has_status:
            obj.pop("status", None)
        registry.prepare(rtype.kind, obj, None, self.store.allocate_ip)
        new, warnings = self._admit(rtype, obj, None, options, status=False)
        self._stamp(rtype, new, None)
        key = ManagerKey(options.manager, "Update")
        managed = ownership.update(
            {}, self._owned(rtype, new, status=False), {}, key, **self._ownership_args(rtype)
        )
        return Reply(201, self._commit(rtype, None, new, managed, options), warnings)

    def update(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        body: Any,
        options: WriteOptions,
        *,
        status: bool,
    ) -> Reply:
        """PUT: replace an object, guarded by `resourceVersion`."""
        is_service = (rtype.group, rtype.kind) == ("", "Service") and not status
        if is_service and self.store.get("", "Service", namespace or "", name) is None:
            # The Service registry allows create on update (AllowCreateOnUpdate): a PUT of a
            # missing Service creates it, as kube-apiserver answered.
            return self.create(rtype, namespace, body, options)
        old = self._existing(rtype, namespace, name)
        obj = self._body_object(rtype, body)
        meta = obj.setdefault("metadata", {})
        self._check_identity(rtype, meta, namespace, name)
        version = meta.get("resourceVersion")
        if version and version != old.obj["metadata"]["resourceVersion"]:
            raise stale(rtype.plural, name, rtype.group)
        if not version and is_custom(rtype):
            # Custom resources refuse unconditional updates (the CRD strategy's
            # AllowUnconditionalUpdate is false).
            raise invalid(
                rtype.kind,
                name,
                ["metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"],
                rtype.group,
            )
        return self._write_update(rtype, old, obj, options, status=status)

    def patch(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        request: Request,
        options: WriteOptions,
        *,
        status: bool,
    ) -> Reply:
        """PATCH with a JSON, merge or strategic merge patch."""
        old = self._existing(rtype, namespace, name)
        kind = request.content_type
        if kind not in (patches.JSON_PATCH, patches.MERGE_PATCH, patches.STRATEGIC_PATCH) or (
            kind == patches.STRATEGIC_PATCH and is_custom(rtype)
        ):
            # Custom resources have no Go struct tags to drive a strategic merge (kube #58414).
            accepted = "application/json-patch+json, application/merge-patch+json, "
            accepted += "application/apply-patch+yaml"
            if not is_custom(rtype):
                accepted += ", application/strategic-merge-patch+json"
            raise ApiFailure(
                415,
                f"the body of the request was in an unknown format - accepted media types "
                f"include: {accepted}",
            )
        document = _decode(request)
        current = old.render(rtype.api_version)
        if kind == patches.JSON_PATCH:
            patched = patches.json_patch(current, document)
        elif kind == patches.MERGE_PATCH:
            patched = patches.merge_patch(current, document)
        else:
            merge_keys = listmaps.STRATEGIC_MERGE_KEYS.get(
                (rtype.group, rtype.kind), listmaps.DEFAULT_MERGE_KEYS
            )
            patched = patches.strategic_merge(current, document, merge_keys)
        if not isinstance(patched, dict):
            raise ApiFailure(400, "the patch does not produce an object")
        meta = patched.setdefault("metadata", {})
        version = meta.get("resourceVersion")
        if version and version != old.obj["metadata"]["resourceVersion"]:
            raise stale(rtype.plural, name, rtype.group)
        self._check_identity(rtype, meta, namespace, name)
        return self._write_update(rtype, old, patched, options, status=status)

    def apply(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        body: bytes,
        options: WriteOptions,
        *,
        status: bool,
    ) -> Reply:
        """PATCH with `application/apply-patch+yaml`: server-side apply."""
        if not options.manager:
            raise ApiFailure(
                422,
                'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                "is required for apply patch",
            )
        config = self._applied_config(rtype, body, namespace, name)
        meta = config["metadata"]
        old = self.store.get(rtype.group, rtype.kind, namespace or "", name)
        if old is None:
            if status:
                raise not_found(rtype.plural, name, rtype.group)
            self._require_namespace(rtype, namespace)
        version = meta.get("resourceVersion")
        if version and (old is None or version != old.obj["metadata"]["resourceVersion"]):
            raise stale(rtype.plural, name, rtype.group)
        for key in SERVER_METADATA:
            meta.pop(key, None)
        # stringData is merged and owned as sent, then folded into data by the Secret
        # registry (registry.prepare below): dropping a stringData key from a later apply
        # leaves its data key in place, as kube-apiserver does (write-only field).
        owned = self._owned(rtype, config, status=status)
        if status:
            to_merge = {"status": config["status"]} if "status" in config else {}
        else:
            # Status sent to the main resource is dropped, as by the status-reset strategy.
            to_merge = {k: v for k, v in config.items() if k != "status" or not rtype.has_status}
        live = (
            copy.deepcopy(old.obj)
            if old
            else {"apiVersion": rtype.api_version, "kind": rtype.kind, "metadata": {"name": name}}
        )
        if old is None and rtype.namespaced:
            live["metadata"]["namespace"] = namespace
        key = ManagerKey(options.manager, "Apply", "status" if status else "")
        merged, managed = ownership.apply(
            live,
            to_merge,
            owned,
            old.managed if old else {},
            key,
            force=options.force,
            **self._ownership_args(rtype),
        )
        if old is None:
            registry.prepare(rtype.kind, merged, None, self.store.allocate_ip)
            new, warnings = self._admit(rtype, merged, None, options, status=False)
            self._stamp(rtype, new, None)
            return Reply(201, self._commit(rtype, None, new, managed, options), warnings)
        if not status:
            registry.prepare(rtype.kind, merged, old.obj, self.store.allocate_ip)
        new, warnings = self._admit(rtype, merged, old.obj, options, status=status)
        self._stamp(rtype, new, old.obj)
        return Reply(200, self._commit(rtype, old, new, managed, options), warnings)

    def delete(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        body: Any,
        options: WriteOptions,
    ) -> Reply:
        """DELETE one object (immediately: finalizers are not modelled)."""
        old = self._existing(rtype, namespace, name)
        preconditions = (body or {}).get("preconditions") or {}
        meta = old.obj["metadata"]
        for key in ("uid", "resourceVersion"):
            if preconditions.get(key) and preconditions[key] != meta.get(key):
                raise ApiFailure(
                    409,
                    f"Precondition failed: {key} in precondition: {preconditions[key]}, "
                    f"{key} in object meta: {meta.get(key)}",
                    reason="Conflict",
                )
        if not options.dry_run:
            self._remove(rtype, old)
        return Reply(
            200,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "metadata": {},
                "status": "Success",
                "details": {
                    "name": name,
                    "group": rtype.group,
                    "kind": rtype.plural,
                    "uid": meta["uid"],
                },
            },
        )

    def delete_collection(
        self,
        rtype: ResourceType,
        namespace: str | None,
        query: Mapping[str, str],
        options: WriteOptions,
    ) -> Reply:
        """DELETE on a collection: every object matching the selectors."""
        doomed = self._select(rtype, namespace, query)
        items = [self._list_item(rtype, stored) for stored in doomed]
        if not options.dry_run:
            for stored in doomed:
                self._remove(rtype, stored)
        return Reply(
            200,
            {
                "kind": f"{rtype.kind}List",
                "apiVersion": rtype.api_version,
                "metadata": {"resourceVersion": self.store.revision},
                "items": items,
            },
        )

    def update_status(
        self,
        rtype: ResourceType,
        namespace: str | None,
        name: str,
        status: dict[str, Any],
        options: WriteOptions,
    ) -> Reply:
        """Replace `status` through the status subresource (the control API's write path)."""
        old = self._existing(rtype, namespace, name)
        return self._write_update(rtype, old, {"status": status}, options, status=True)

    # ----- internals ----------------------------------------------------------------------

    def _applied_config(
        self, rtype: ResourceType, body: bytes, namespace: str | None, name: str
    ) -> dict[str, Any]:
        """Parse and check an apply body (YAML or JSON): it must be a whole typed object."""
        try:
            config = yaml.safe_load(body)
        except yaml.YAMLError as exc:
            raise ApiFailure(400, f"error decoding YAML: {exc}") from exc
        if not isinstance(config, dict):
            raise ApiFailure(400, "the applied configuration must be an object")
        config = self._body_object(rtype, config, require_type=True)
        meta = config["metadata"]
        if meta.get("managedFields"):
            raise ApiFailure(400, "metadata.managedFields must be nil")
        meta.setdefault("name", name)
        self._check_identity(rtype, meta, namespace, name)
        return config

    def _write_update(
        self,
        rtype: ResourceType,
        old: Stored,
        obj: dict[str, Any],
        options: WriteOptions,
        *,
        status: bool,
    ) -> Reply:
        if status:
            candidate = copy.deepcopy(old.obj)
            if "status" in obj:
                candidate["status"] = obj["status"]
            else:
                candidate.pop("status", None)
        else:
            candidate = obj
            meta = candidate.setdefault("metadata", {})
            for key in SERVER_METADATA:
                meta.pop(key, None)
            if rtype.has_status:
                if "status" in old.obj:
                    candidate["status"] = copy.deepcopy(old.obj["status"])
                else:
                    candidate.pop("status", None)
            registry.prepare(rtype.kind, candidate, old.obj, self.store.allocate_ip)
        new, warnings = self._admit(rtype, candidate, old.obj, options, status=status)
        self._stamp(rtype, new, old.obj)
        managed = ownership.update(
            self._owned(rtype, old.obj, status=status),
            self._owned(rtype, new, status=status),
            old.managed,
            ManagerKey(options.manager, "Update", "status" if status else ""),
            **self._ownership_args(rtype),
        )
        return Reply(200, self._commit(rtype, old, new, managed, options), warnings)

    def _admit(
        self,
        rtype: ResourceType,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
        options: WriteOptions,
        *,
        status: bool,
    ) -> tuple[dict[str, Any], list[str]]:
        obj = copy.deepcopy(obj)
        obj["apiVersion"], obj["kind"] = rtype.api_version, rtype.kind
        previous = copy.deepcopy(old) if old is not None else None
        if previous is not None:
            previous["apiVersion"] = rtype.api_version
        if status:
            assert previous is not None
            admission = self.validator.admit_status(obj, previous)
        else:
            admission = self.validator.admit(obj, previous)
        name = obj["metadata"].get("name", "")
        if admission.errors:
            raise invalid(rtype.kind, name, list(admission.errors), rtype.group)
        warnings = list(admission.warnings)
        unknown = [w for w in warnings if w.startswith("unknown field")]
        if options.strict and unknown:
            raise ApiFailure(400, "strict decoding error: " + ", ".join(unknown))
        return copy.deepcopy(admission.obj), warnings

    def _stamp(self, rtype: ResourceType, new: dict[str, Any], old: dict[str, Any] | None) -> None:
        meta = new.setdefault("metadata", {})
        meta.pop("managedFields", None)
        for key in ("labels", "annotations"):
            if meta.get(key) == {}:  # omitempty in ObjectMeta: an empty map is not stored
                del meta[key]
        if old is None:
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = now()
            if is_custom(rtype):
                meta["generation"] = 1
            return
        old_meta = old["metadata"]
        for key in ("uid", "creationTimestamp", "resourceVersion"):
            meta[key] = old_meta[key]
        if is_custom(rtype):
            # A custom resource's generation counts changes to anything but metadata and status.
            changed = _spec_part(new) != _spec_part(old)
            meta["generation"] = old_meta.get("generation", 1) + (1 if changed else 0)

    def _commit(
        self,
        rtype: ResourceType,
        old: Stored | None,
        new: dict[str, Any],
        managed: ownership.Managed,
        options: WriteOptions,
    ) -> dict[str, Any]:
        new["apiVersion"] = self.catalog.by_kind(rtype.kind).api_version
        if (
            old is not None
            and new == old.obj
            and ownership.same_fields(managed, old.managed)
            and not old.defaults_unpersisted
        ):
            return old.render(rtype.api_version)  # a no-op write keeps its resourceVersion
        if options.dry_run:
            new["metadata"]["resourceVersion"] = str(int(self.store.revision) + 1)
            return Stored(new, managed).render(rtype.api_version)
        new["metadata"]["resourceVersion"] = self.store.next_revision()
        pending = old is None and is_custom(rtype) and rtype.has_status and "status" in new
        stored = Stored(new, managed, defaults_unpersisted=pending)
        self.store.put(rtype.group, rtype.kind, stored)
        return stored.render(rtype.api_version)

    def _remove(self, rtype: ResourceType, stored: Stored) -> None:
        self.store.delete(rtype.group, rtype.kind, stored.namespace, stored.name)
        self.store.next_revision()
        if rtype.kind == "Namespace" and not rtype.group:
            # Namespace deletion removes everything in it (instantly here; a real cluster
            # shows the namespace as Terminating until its contents are gone).
            for group, kind in self.store.kinds():
                for item in self.store.items(group, kind, stored.name):
                    self.store.delete(group, kind, item.namespace, item.name)

    def _owned(self, rtype: ResourceType, obj: dict[str, Any], *, status: bool) -> dict[str, Any]:
        return fieldpaths.scoped(obj, status=status, has_status=rtype.has_status)

    def _ownership_args(self, rtype: ResourceType) -> dict[str, Any]:
        return {"hints": self.hints(rtype), "api_version": rtype.api_version, "now": now()}

    def hints(self, rtype: ResourceType) -> Hints:
        """List-map lists of `rtype` (by key) for apply merges and field ownership."""
        key = (rtype.group, rtype.kind)
        if key not in self._hints:
            folder = self._crd_folder if is_custom(rtype) else None
            self._hints[key] = listmaps.hints_for(rtype.group, rtype.kind, folder)
        return self._hints[key]

    def _existing(self, rtype: ResourceType, namespace: str | None, name: str | None) -> Stored:
        stored = self.store.get(rtype.group, rtype.kind, namespace or "", name or "")
        if stored is None:
            raise not_found(rtype.plural, name or "", rtype.group)
        return stored

    def _require_namespace(self, rtype: ResourceType, namespace: str | None) -> None:
        if rtype.namespaced and not self.store.get("", "Namespace", "", namespace or ""):
            raise not_found("namespaces", namespace or "")

    def _body_object(
        self, rtype: ResourceType, body: Any, *, require_type: bool = False
    ) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ApiFailure(400, "the request body must be a JSON object")
        obj = copy.deepcopy(body)
        if require_type and (not obj.get("apiVersion") or not obj.get("kind")):
            raise ApiFailure(400, "apiVersion and kind must be set in an applied configuration")
        api_version = obj.setdefault("apiVersion", rtype.api_version)
        kind = obj.setdefault("kind", rtype.kind)
        group = api_version.rpartition("/")[0]
        if kind != rtype.kind or group != rtype.group:
            raise ApiFailure(
                400,
                f"the API version in the data ({api_version}) and kind ({kind}) do not match "
                f"the expected {rtype.api_version} {rtype.kind}",
            )
        if not isinstance(obj.setdefault("metadata", {}), dict):
            raise ApiFailure(400, "metadata must be an object")
        return obj

    def _scope_metadata(
        self, rtype: ResourceType, meta: dict[str, Any], namespace: str | None
    ) -> str | None:
        if not rtype.namespaced:
            meta.pop("namespace", None)
            return None
        if meta.get("namespace") and meta["namespace"] != namespace:
            raise ApiFailure(
                400,
                "the namespace of the provided object does not match the namespace sent on "
                "the request",
            )
        meta["namespace"] = namespace
        return namespace

    def _check_identity(
        self, rtype: ResourceType, meta: dict[str, Any], namespace: str | None, name: str
    ) -> None:
        if meta.get("name") and meta["name"] != name:
            raise ApiFailure(
                400,
                f"the name of the object ({meta['name']}) does not match the name on the URL "
                f"({name})",
            )
        meta["name"] = name
        self._scope_metadata(rtype, meta, namespace)

    def _discovery(self, path: str) -> dict[str, Any]:
        parts = [part for part in path.split("/") if part]
        if parts == ["version"]:
            return discovery.server_version()
        if parts == ["api"]:
            return discovery.api_versions()
        if parts == ["apis"]:
            return discovery.api_group_list(self.catalog)
        if len(parts) == 2 and parts[0] == "apis":
            versions = self.catalog.group_versions().get(parts[1])
            if versions:
                return discovery.api_group(parts[1], versions)
            raise _page_not_found()
        group, version = ("", "v1") if parts[0] == "api" else (parts[1], parts[2])
        found = discovery.api_resource_list(self.catalog, group, version)
        if found is None:
            raise _page_not_found()
        return found


def now() -> str:
    """RFC 3339 timestamp at second precision, as kube writes them."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _is_discovery(parts: list[str]) -> bool:
    return parts in (["version"], ["api"], ["apis"], ["api", "v1"]) or (
        len(parts) in (2, 3) and parts[0] == "apis"
    )


def _verb(request: Request, name: str | None, subresource: str | None) -> str:
    method = request.method
    if subresource and method not in ("GET", "PUT", "PATCH"):
        raise ApiFailure(405, f"{method} is not supported on the status subresource")
    if method == "GET":
        if name:
            return "get"
        return "watch" if request.query.get("watch") in ("true", "1") else "list"
    if method == "POST" and not name:
        return "create"
    if method == "PUT" and name:
        return "update"
    if method == "PATCH" and name:
        return "apply" if request.content_type == patches.APPLY_PATCH else "patch"
    if method == "DELETE":
        return "delete" if name else "deletecollection"
    raise ApiFailure(405, f"{method} is not supported on this path")


def _name(call: Call) -> str:
    assert call.name is not None
    return call.name


def _decode(request: Request) -> Any:
    try:
        if "yaml" in request.content_type and "apply" not in request.content_type:
            return yaml.safe_load(request.body)
        return json.loads(request.body or b"null")
    except (ValueError, yaml.YAMLError) as exc:
        raise ApiFailure(400, f"error decoding request body: {exc}") from exc


def _spec_part(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


# Every kind supports metadata.name and metadata.namespace; Services (kube-apiserver v1.36,
# checked on the real server) spec.type and spec.clusterIP as well. Nothing else is served.
_FIELDS = ("metadata.name", "metadata.namespace")
_KIND_FIELDS = {("", "Service"): ("spec.type", "spec.clusterIP")}


def _field_selector(text: str | None, rtype: ResourceType) -> list[tuple[str, bool, str]]:
    supported = _FIELDS + _KIND_FIELDS.get((rtype.group, rtype.kind), ())
    out: list[tuple[str, bool, str]] = []
    for term in (text or "").split(","):
        if not term:
            continue
        negated = "!=" in term
        key, _, value = term.replace("!=", "=").replace("==", "=").partition("=")
        if key not in supported:
            raise ApiFailure(400, f"field label not supported: {key}")
        out.append((key, negated, value))
    return out


def _field_value(stored: Stored, key: str) -> str:
    if key == "metadata.name":
        return stored.name
    if key == "metadata.namespace":
        return stored.namespace
    spec = stored.obj.get("spec") or {}
    return str(spec.get(key.removeprefix("spec."), ""))


def _page_not_found() -> ApiFailure:
    return PageNotFound()
