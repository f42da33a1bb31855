"""When the TLS library's refresh runs, and what the certificates relation held when last read.

The library's refresh costs ~1.5·N² CSR parses and a `secret-get` per certificate, so it runs
only when what it reads can have changed: the wanted requests, both app databags of the
certificates relation, its key (a new key comes with new CSRs) and the clock (its renewal safety
net). Reading the relation costs four hook-tool calls, so it is read only in hooks where its data
can have changed: Juju runs relation-changed whenever the provider writes, and only the library
writes our side, in its own hooks and in a refresh. Other hooks reuse what the last read found
(certificates are public; the private key is read from its secret every time).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import ops
from charmlibs.interfaces.tls_certificates import CertificateRequestAttributes

from integrator.certificates import GuardedCertificates, refresh_inputs, wanted_digest
from integrator.plan import CERTIFICATES_RELATION, Certificates
from integrator.plan.certificates import Issued

logger = logging.getLogger(__name__)

READ_EVENTS = (
    ops.StartEvent,
    ops.UpgradeCharmEvent,
    ops.LeaderElectedEvent,
    ops.SecretChangedEvent,
    ops.SecretExpiredEvent,
    ops.SecretRemoveEvent,
)
"""Hooks where the certificates relation or our key can have changed, besides its own."""


def dump_certificates(found: Certificates) -> str:
    """The stored form of what was read (never the key); each CA or chain PEM is kept once."""
    pems: list[str] = []

    def index(pem: str) -> int:
        if pem not in pems:
            pems.append(pem)
        return pems.index(pem)

    offered = [
        {
            **vars(item),
            "ca": index(item.ca),
            "chain": [index(pem) for pem in item.chain],
            "sans": list(item.sans),
            "expires": item.expires.isoformat(),
        }
        for item in found.offered
    ]
    stored = {"related": found.related, "problem": found.problem, "pems": pems, "offered": offered}
    return json.dumps(stored)


def load_certificates(text: str, private_key: str | None) -> Certificates | None:
    """What was read last, with the key read now; None when nothing usable is stored."""
    try:
        raw = json.loads(text) if text else None
        if not isinstance(raw, dict):
            return None
        pems = raw["pems"]
        offered = tuple(
            Issued(
                **{
                    **item,
                    "ca": pems[item["ca"]],
                    "chain": tuple(pems[i] for i in item["chain"]),
                    "sans": tuple(item["sans"]),
                    "expires": datetime.fromisoformat(item["expires"]),
                }
            )
            for item in raw["offered"]
        )
        return Certificates(
            related=bool(raw["related"]),
            problem=raw["problem"],
            offered=offered,
            private_key=private_key if raw["related"] else None,
        )
    except (ValueError, TypeError, KeyError, IndexError):
        return None


class CertificateRefresh:
    """One hook's view of the certificates relation: refresh when needed, read when needed."""

    def __init__(
        self,
        charm: ops.CharmBase,
        library: GuardedCertificates,
        stored: Any,
        wanted: Callable[[], list[CertificateRequestAttributes]],
        full_read: Callable[[], bool],
    ) -> None:
        """Keep the tls_* fields of `stored` (the charm's StoredState).

        `full_read`: whether this hook read every gateway-route relation (known after `wanted`);
        the certificates are read then too, so FULL_PASS bounds how long they go unread.
        """
        self._charm, self._library, self._stored, self._wanted = charm, library, stored, wanted
        self._full_read = full_read
        self._wanted_now: list[CertificateRequestAttributes] | None = None
        self.quiet = False
        """The relation was not read in this hook: what the last read found still holds."""

    def before_observe(self, event: ops.EventBase) -> None:
        """Run the library's refresh if what it reads can have changed since it last ran."""
        stored = self._stored
        if not self._charm.unit.is_leader():
            stored.tls_inputs = stored.tls_wanted = stored.tls_found = ""
            return
        now = datetime.now(UTC)
        check_at = stored.tls_check_at
        due = check_at is not None and now.timestamp() >= check_at
        if not (due or isinstance(event, READ_EVENTS) or _about_certificates(event)):
            same = stored.tls_found and stored.tls_wanted == wanted_digest(self._requests())
            if same and not self._full_read():
                self.quiet = True
                return
        self._refresh(event, now, due)

    def _requests(self) -> list[CertificateRequestAttributes]:
        """The wanted requests, worked out once per hook (a pass over every tenant)."""
        if self._wanted_now is None:
            self._wanted_now = self._wanted()
        return self._wanted_now

    def _refresh(self, event: ops.EventBase, now: datetime, due: bool) -> None:
        stored, library = self._stored, self._library
        relation = self._charm.model.get_relation(CERTIFICATES_RELATION)
        if relation is None or relation.app is None:
            stored.tls_inputs = stored.tls_wanted = ""
            return
        wanted = self._requests()
        ours, theirs = relation.data[self._charm.app], relation.data[relation.app]
        stale = due or isinstance(event, ops.StartEvent | ops.UpgradeCharmEvent)
        if (stale or stored.tls_inputs != refresh_inputs(wanted, ours, theirs)) and not (
            library.configured
        ):
            library.sync()
        if library.configured:
            # Ran now or in the library's own observer; a refresh that failed is retried.
            check = library.next_renewal_check(now)
            stored.tls_check_at = None if check is None else check.timestamp()
            inputs = refresh_inputs(wanted, ours, theirs)
            stored.tls_inputs = "" if library.problem else inputs
        stored.tls_wanted = "" if library.problem else wanted_digest(wanted)

    def certificates(self) -> Certificates | None:
        """What the last read found, when this hook did not need to read; else None."""
        if not self.quiet:
            return None
        return load_certificates(str(self._stored.tls_found), self._key())

    def _key(self) -> str | None:
        key = self._library.private_key
        return None if key is None else str(key)

    def remember(self, found: Certificates, *, renewed: bool) -> None:
        """Keep what this hook read for the next quiet one (nothing when the key was renewed)."""
        if not self._charm.unit.is_leader() or renewed or found.problem:
            self._stored.tls_found = ""
            return
        if not self.quiet:
            text = dump_certificates(found)
            if text != self._stored.tls_found:
                self._stored.tls_found = text


def _about_certificates(event: ops.EventBase) -> bool:
    return isinstance(event, ops.RelationEvent) and event.relation.name == CERTIFICATES_RELATION
