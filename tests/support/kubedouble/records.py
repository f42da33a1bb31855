"""What the double remembers about each request, for tests to assert on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    """One request as the API server saw it.

    `verb` is one of get, list, watch, create, update, patch, apply, delete, deletecollection
    (or discovery for `/api`, `/apis`, `/version`); `status` is the HTTP code answered, or
    None when an injected fault reset the connection; `user` is who the token authenticated as
    (None for a path the double does not serve, and for an unknown token).
    """

    verb: str
    kind: str | None
    namespace: str | None
    name: str | None
    status: int | None
    patch_type: str | None = None
    field_manager: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    subresource: str | None = None
    body: Any = None
    warnings: tuple[str, ...] = ()
    user: str | None = None
