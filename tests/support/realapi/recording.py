"""Request log for the real server: what the client sent, classified as the double does.

kube-apiserver keeps no request log a test can read, so the clients a test makes (the charms'
included) record each request they send, with the verbs of `kubedouble.RequestRecord`. The
transport keeps the TLS verification of the kubeconfig: it is built with the cluster's CA.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx2

from kubedouble.records import RequestRecord

# /api/v1[/namespaces/<ns>]/<plural>[/<name>[/<sub>]] and /apis/<group>/<version>/... alike.
_PATH = re.compile(
    r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))"
    r"(?:/namespaces/(?P<ns>[^/]+)(?=/))?"
    r"(?:/(?P<plural>[^/]+)(?:/(?P<name>[^/]+)(?:/(?P<sub>[^/]+))?)?)?$"
)
_WARNING = re.compile(r'^\d{3} \S+ "(?P<text>(?:\\.|[^"\\])*)"')


def _verb(method: str, named: bool, query: dict[str, str], content_type: str) -> str:
    if method == "GET":
        if query.get("watch") in ("true", "1"):
            return "watch"
        return "get" if named else "list"
    if method == "PATCH":
        return "apply" if content_type == "application/apply-patch+yaml" else "patch"
    return {
        "POST": "create",
        "PUT": "update",
        "DELETE": "delete" if named else "deletecollection",
    }.get(method, method.lower())


@dataclass
class RequestLog:
    """Requests (and Warning headers) seen by every recording client of one test."""

    kinds: dict[tuple[str, str], str]  # (group, plural) -> kind
    requests: list[RequestRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: httpx2.Request, response: httpx2.Response | None) -> None:
        """Classify and keep one request and the warnings of its response."""
        path = request.url.path
        query = dict(request.url.params)
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
        found = _PATH.match(path)
        if found is None or found["plural"] is None:
            verb, kind, namespace, name, sub = "discovery", None, None, None, None
        else:
            group = "" if found["core"] else str(found["group"])
            namespace, name, sub = found["ns"], found["name"], found["sub"]
            kind = self.kinds.get((group, found["plural"]))
            verb = _verb(request.method, name is not None, query, content_type)
        warnings = _warnings(response) if response is not None else []
        body = _decoded(request.content)
        with self.lock:
            self.warnings += warnings
            self.requests.append(
                RequestRecord(
                    verb=verb,
                    kind=kind,
                    namespace=namespace,
                    name=name,
                    status=response.status_code if response is not None else None,
                    patch_type=content_type if request.method == "PATCH" else None,
                    field_manager=query.get("fieldManager"),
                    query=query,
                    subresource=sub,
                    body=body,
                    warnings=tuple(warnings),
                )
            )

    def clear(self) -> None:
        """Forget every request and warning."""
        with self.lock:
            self.requests.clear()
            self.warnings.clear()


def _warnings(response: httpx2.Response) -> list[str]:
    out = []
    for header in response.headers.get_list("warning"):
        found = _WARNING.match(header)
        out.append(json.loads(f'"{found["text"]}"') if found else header)
    return out


def _decoded(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


class RecordingTransport(httpx2.HTTPTransport):
    """An HTTPS transport verifying the cluster's CA that logs each request it sends."""

    def __init__(self, log: RequestLog, ca_file: str) -> None:
        super().__init__(verify=ssl.create_default_context(cafile=ca_file))
        self._log = log

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send, then log (a request that failed in transport is logged without a status)."""
        try:
            response = super().handle_request(request)
        except httpx2.TransportError:
            self._log.record(request, None)
            raise
        self._log.record(request, response)  # headers suffice; a watch body streams for ever
        return response
