"""The charm's configuration, validated: every bad value named with its option, why, and the fix.

A problem is returned, never raised: the plan shows it as Blocked and keeps serving what was
configured before, since a typo must not take the site down.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from gateway_route import MAX_REQUESTED_HOSTNAMES, validate_hostname
from http_routes import normalise_path
from reconcile import ConfigProblem


@dataclass(frozen=True)
class Config:
    """What the operator asked for."""

    hostnames: tuple[str, ...]
    """`hostname` then `additional-hostnames`, without duplicates; empty: no hostname."""
    paths: tuple[str, ...]
    """Canonical path prefixes, in the order given, without duplicates; never empty."""
    backend_hostname: str | None = None
    """The name the workload's certificate is checked against when it serves `https`; None:
    its in-cluster Service name `<app>.<namespace>.svc.<cluster_domain>`."""
    cluster_domain: str = "cluster.local"

    def backend_tls_hostname(self, workload: str, namespace: str) -> str:
        """The hostname a BackendTLSPolicy validates (and sends as SNI)."""
        return self.backend_hostname or f"{workload}.{namespace}.svc.{self.cluster_domain}"


def _problem(app: str, option: str, value: str, reason: str, example: str) -> ConfigProblem:
    return ConfigProblem(option, value, reason, f"juju config {app} {option}={example}")


def _hostnames(raw: Mapping[str, object], app: str) -> tuple[str, ...] | ConfigProblem:
    hostname = str(raw.get("hostname") or "").strip()
    additional = _split(str(raw.get("additional-hostnames") or ""))
    example = "<a DNS name like app.example.com>"
    hostnames: list[str] = []
    if hostname:
        problem = _hostname_problem(hostname)
        if problem:
            return _problem(app, "hostname", hostname, problem, example)
        hostnames.append(hostname)
    elif additional:
        return ConfigProblem(
            "additional-hostnames",
            ",".join(additional),
            "needs hostname to be set as well",
            f"juju config {app} hostname={example}",
        )
    for item in additional:
        problem = _hostname_problem(item)
        if problem:
            return _problem(app, "additional-hostnames", item, problem, "<a,b,...>")
        if item not in hostnames:
            hostnames.append(item)
    if len(hostnames) > MAX_REQUESTED_HOSTNAMES:
        return _problem(
            app,
            "additional-hostnames",
            ",".join(additional),
            f"makes {len(hostnames)} hostnames; the gateway serves at most "
            f"{MAX_REQUESTED_HOSTNAMES} per configurator",
            "<fewer hostnames>",
        )
    return tuple(hostnames)


def _backend(raw: Mapping[str, object], app: str) -> tuple[str | None, str] | ConfigProblem:
    backend = str(raw.get("backend-tls-hostname") or "").strip() or None
    if backend is not None and (problem := _hostname_problem(backend)):
        example = "<the name in the workload's certificate>"
        return _problem(app, "backend-tls-hostname", backend, problem, example)
    domain = str(raw.get("cluster-domain") or "").strip() or "cluster.local"
    if problem := _hostname_problem(domain):
        return _problem(app, "cluster-domain", domain, problem, "cluster.local")
    return backend, domain


def parse_config(raw: Mapping[str, object], app: str) -> Config | ConfigProblem:
    """Validate the options; the first problem found wins (`app` shapes the fix)."""
    hostnames = _hostnames(raw, app)
    if isinstance(hostnames, ConfigProblem):
        return hostnames
    backend = _backend(raw, app)
    if isinstance(backend, ConfigProblem):
        return backend
    paths: list[str] = []
    for item in _split(str(raw.get("paths") or "")) or ["/"]:
        try:
            path = normalise_path(item)
        except ValueError as error:
            return _problem(app, "paths", item, str(error), "/,/api")
        if path not in paths:
            paths.append(path)
    return Config(
        hostnames=hostnames,
        paths=tuple(paths),
        backend_hostname=backend[0],
        cluster_domain=backend[1],
    )


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _hostname_problem(value: str) -> str | None:
    try:
        validate_hostname(value)
    except ValueError as error:
        return str(error)
    return None
