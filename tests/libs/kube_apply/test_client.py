"""The charms' client: lightkube's 10 s timeout unless the environment asks for another."""

import logging

import pytest
from lightkube.resources.core_v1 import Service

from kube_apply import connect
from kube_apply.client import DEFAULT_TIMEOUT_S, TIMEOUT_ENV, timeout_seconds


def test_default_timeout_is_lightkubes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    assert timeout_seconds() == DEFAULT_TIMEOUT_S == 10.0


def test_environment_sets_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "120")
    assert timeout_seconds() == 120.0


@pytest.mark.parametrize("value", ["", "soon", "0", "-5"])
def test_unusable_value_keeps_the_default(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, value)
    assert timeout_seconds() == DEFAULT_TIMEOUT_S


def test_connect_uses_it_and_reaches_the_api(api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "42.5")

    client = connect("shop-route", "default")

    assert client._timeout.read == 42.5
    # A fresh cluster's default namespace holds only the API server's own Service.
    assert [s.metadata.name for s in client.list(Service) if s.metadata] == ["kubernetes"]


def test_a_request_logs_nothing_below_warning(kube, caplog: pytest.LogCaptureFixture) -> None:
    """Each record is a `juju-log` hook-tool call under Juju: the HTTP client's are not sent."""
    with caplog.at_level(logging.DEBUG):
        list(connect("shop-route", "default").list(Service))
    assert [r for r in caplog.records if r.name.startswith(("httpx2", "httpcore2"))] == []
