"""What the leader last read from each gateway-route relation and last wrote to it, between hooks.

Under Juju every relation read is a hook-tool call (`relation-list`, `relation-get`,
`relation-model-get`), so reading all N relations on every hook costs ~4·N calls: minutes per hook
at N = 1,000. Juju runs relation-changed on every unit whenever a remote databag changes, and
only the leader writes ours, so a leader that remembers what it read and wrote needs to re-read
only the relation a hook is about. It reads everything again whenever the memory cannot be
trusted: a new pod (local state is lost), start, upgrade-charm, leader-elected, a hook as
non-leader (the memory is dropped), and at least every FULL_PASS on update-status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

FORMAT = 1
"""Bumped whenever the stored shape changes; another format is read as no memory."""

FULL_PASS = timedelta(hours=1)
"""Bound on how long a remembered relation goes unchecked (a skipped or failed hook)."""


@dataclass(frozen=True)
class Entry:
    """One relation as read: the remote application, its model and its databag."""

    remote_app: str | None
    remote_model: str | None
    databag: Mapping[str, str] | None


@dataclass
class Memory:
    """Relations by id, and what our application databag holds on each (as we last wrote it)."""

    entries: dict[int, Entry] = field(default_factory=dict)
    published: dict[int, dict[str, str]] = field(default_factory=dict)
    """Only relations whose databag we wrote or read since the last full read."""
    full_at: float = 0.0
    """When every relation was last read (seconds since the epoch)."""
    namespaces: dict[str, str | None] | None = None
    """Namespace -> Juju model UUID, as last listed. A namespace's model annotation is set
    when Juju creates it and a UUID is never reused, so this only goes stale by omission: it
    is listed again whenever a requester's namespace or model is not in it."""
    gateway_classes: list[dict] | None = None
    """The GatewayClasses as last listed; used only in gateway-route relation hooks."""
    direct: bool = True
    """Whether a workload was related on `gateway` when last read; False spares its read
    (`relation-ids`) in hooks that cannot have brought one. Unknown counts as related."""

    def dump(self) -> str:
        """The stored form (JSON; relation ids become strings)."""
        entries = {
            str(rid): [
                e.remote_app,
                e.remote_model,
                None if e.databag is None else dict(e.databag),
            ]
            for rid, e in self.entries.items()
        }
        published = {str(rid): data for rid, data in self.published.items()}
        stored = {
            "format": FORMAT,
            "entries": entries,
            "published": published,
            "full_at": self.full_at,
            "namespaces": self.namespaces,
            "gateway_classes": self.gateway_classes,
            "direct": self.direct,
        }
        return json.dumps(stored, sort_keys=True)

    @classmethod
    def load(cls, text: str) -> Memory | None:
        """None for no memory, another format, or anything unreadable (a full read follows)."""
        try:
            raw = json.loads(text) if text else None
            if not isinstance(raw, dict) or raw.get("format") != FORMAT:
                return None
            entries = {
                int(rid): Entry(app, model, None if bag is None else dict(bag))
                for rid, (app, model, bag) in raw["entries"].items()
            }
            published = {int(rid): dict(data) for rid, data in raw["published"].items()}
            namespaces, classes = raw.get("namespaces"), raw.get("gateway_classes")
            return cls(
                entries,
                published,
                float(raw["full_at"]),
                None if namespaces is None else dict(namespaces),
                None if classes is None else list(classes),
                bool(raw.get("direct", True)),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


def full_read_due(memory: Memory | None, *, forced: bool, periodic: bool, now: float) -> bool:
    """Whether this hook reads every relation.

    `forced`: a hook after which the memory may not hold (start, upgrade-charm, leader-elected).
    `periodic`: a hook that may pay for a full read when the last one is FULL_PASS old.
    """
    if memory is None or forced:
        return True
    return periodic and now - memory.full_at >= FULL_PASS.total_seconds()
