"""Applications not under test: the TLS provider, workloads, DNS, Canonical's gateway.

All are modelsim participants (the DNS provider's logic lives in bundlesim.dnsprovider). The
TLS provider answers the gateway's CSRs with certificates its own CA really signs
(tls_provider), on an endpoint named like the real self-signed-certificates charm's. A workload
writes the ingress v2 databags a scenario gives it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import JsonValue

from bundlesim.dnsprovider import DnsProviderApp, Record
from bundlesim.scenario import Dns, Ingress
from modelsim import DatabagUpdate, Participant, RelationView, Simulation, WorkloadRequirer
from tls_provider import TLSProvider

TLS_ENDPOINT = "certificates"  # as self-signed-certificates names it
CA_ENDPOINT = "send-ca-cert"  # as self-signed-certificates names it (certificate_transfer)
INGRESS_ENDPOINT = "ingress"  # as workload charms using the ingress library name it


class TLSProviderApp(Participant):
    """The provider side of tls-certificates v4: sign every CSR in the requirer's app databag.

    The gateway requests certificates in app mode (CSRs in its application databag), so unit
    databags are not read. On `send-ca-cert` it hands out its CA certificate, as
    self-signed-certificates does over certificate_transfer v1 (application databag:
    `certificates`, a JSON list of PEMs, and `version` "1"), for workloads that serve TLS.
    """

    def __init__(self, provider: TLSProvider | None = None) -> None:
        # 2048-bit keys: what self-signed-certificates uses by default, and fast enough here.
        self.provider = provider or TLSProvider(common_name="self-signed-certificates CA")
        self.meta = {
            "provides": {
                TLS_ENDPOINT: {"interface": "tls-certificates"},
                CA_ENDPOINT: {"interface": "certificate_transfer"},
            }
        }

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        """Answer with a certificate for each CSR (the same one until renewed or revoked)."""
        del sim
        if relation.endpoint == CA_ENDPOINT:
            ca = {"certificates": json.dumps([self.provider.ca.strip()]), "version": "1"}
            return DatabagUpdate(app=ca)
        return DatabagUpdate(app=self.provider.answer(relation.remote_app_data))


class CanonicalGatewayApp(Participant):
    """Canonical's gateway-api-integrator as its last hooks left the model, before a refresh.

    Its endpoints and config options are that charm's (charmcraft.yaml upstream; names as ours
    so `juju refresh` keeps every relation). It writes no Kubernetes objects (a scenario seeds
    what it left in `cluster.objects`), and on `gateway` only the URL that charm publishes for
    an ingress requirer with enforce-https on: `https://<external-hostname>/<model>-<app>`
    (nothing without a hostname, or before the certificates relation exists, where it is
    Blocked). Other modes (plain HTTP at the Gateway's address) are not modelled: nothing is
    published. On `certificates` it writes nothing: no CSR, so the charm it is refreshed to
    finds no request of its predecessor's and makes its own.
    """

    meta: Mapping[str, Any] = {
        "provides": {
            "gateway": {"interface": "ingress", "limit": 1},
            "gateway-route": {"interface": "gateway-route", "limit": 1},
        },
        "requires": {
            "certificates": {"interface": "tls-certificates", "limit": 1},
            "dns-record": {"interface": "dns_record"},
        },
        "config": {
            "options": {
                "external-hostname": {"type": "string"},
                "gateway-class": {"type": "string"},
                "enforce-https": {"type": "boolean", "default": True},
            }
        },
    }

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        """Publish the requirer's URL on `gateway`, as that charm's reconcile does."""
        if relation.endpoint != "gateway":
            return None
        app = sim.apps[relation.app]
        config = {**app.meta.config_defaults(), **app.config}
        hostname = config.get("external-hostname")
        certificates = any(f"{relation.app}:certificates" in bag["ends"] for bag in sim.databags())
        try:
            model = json.loads(relation.remote_app_data["model"])
            name = json.loads(relation.remote_app_data["name"])
        except (KeyError, ValueError):
            return None
        if not (config.get("enforce-https") and hostname and certificates):
            return None
        url = f"https://{hostname}/{model}-{name}"
        return DatabagUpdate(app={"ingress": json.dumps({"url": url})})


def url_in(provider_databag: Mapping[str, str]) -> str | None:
    """The URL an ingress v2 provider's application databag gives (None: none, or unreadable)."""
    raw = provider_databag.get("ingress")
    try:
        url = json.loads(raw)["url"] if raw else None
    except (ValueError, KeyError, TypeError):
        return None
    return url if isinstance(url, str) and url else None


class LibraryRequirer(WorkloadRequirer):
    """A workload whose URL behaves as the de-facto ingress v2 requirer library's does.

    That library (traefik-k8s `ingress` v2, every LIBPATCH from 5 to 21, as documented in its
    behaviour) stores the URL only while the provider's data holds one, and emits nothing when
    the provider removes the key: the workload keeps advertising the last URL it was given
    until the relation is broken. `held` is that URL.
    """

    held: str | None = None

    def on_relation_data(self, sim: Simulation, relation: RelationView) -> DatabagUpdate | None:
        """Keep the URL while the provider's data has one; a removed key changes nothing."""
        url = url_in(relation.remote_app_data)
        if url:
            self.held = url
        return super().on_relation_data(sim, relation)

    def on_relation_removed(self, sim: Simulation, relation: RelationView) -> None:
        """relation-broken: the library forgets the URL."""
        self.held = None
        super().on_relation_removed(sim, relation)


def workload_requirer(app: str, model: str, ingress: Ingress | None) -> WorkloadRequirer:
    """A workload that writes `ingress` (JSON-encoded unless `encoding: raw`) on `ingress`.

    With JSON encoding, `name` and `model` default to the application's own (as the ingress
    library writes them) and unit databags default to the pod's `host`, so a scenario only has
    to say `port`. `{unit}` in a unit value is replaced by the unit number.
    """
    if ingress is None:  # a workload that has not asked yet
        return LibraryRequirer(INGRESS_ENDPOINT, "ingress")
    if ingress.encoding == "raw":
        app_data = {key: str(value) for key, value in ingress.app.items()}
        unit_template: Mapping[str, JsonValue] = ingress.units or {}
    else:
        app_data = _encoded({"name": app, "model": model, **ingress.app})
        default_host = f"{app}-{{unit}}.{app}-endpoints.{model}.svc.cluster.local"
        unit_template = ingress.units if ingress.units is not None else {"host": default_host}
    raw = ingress.encoding == "raw"

    def unit_data(number: int) -> dict[str, str]:
        filled = {
            key: value.replace("{unit}", str(number)) if isinstance(value, str) else value
            for key, value in unit_template.items()
        }
        return {k: str(v) for k, v in filled.items()} if raw else _encoded(filled)

    return LibraryRequirer(INGRESS_ENDPOINT, "ingress", app_data=app_data, unit_data=unit_data)


def _encoded(values: Mapping[str, JsonValue]) -> dict[str, str]:
    # ingress v2 carries every value JSON-encoded, strings with their quotes.
    return {key: json.dumps(value) for key, value in values.items()}


def dns_provider(options: Dns | None) -> DnsProviderApp:
    """The DNS stand-in a scenario describes: its existing records, how it answers bad entries."""
    options = options or Dns()
    existing = [
        Record(
            domain=record.domain,
            host_label=record.host_label,
            record_class=record.record_class,
            record_type=record.record_type,
            record_data=record.record_data,
            ttl=record.ttl,
        )
        for record in options.records
    ]
    return DnsProviderApp(existing, answer_invalid=options.answer_invalid)
