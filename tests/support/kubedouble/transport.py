"""The client half of the double's `timeout` fault: a transport that gives up on cue.

A real client timeout depends on the clock, so on a loaded machine an ordinary request can
trip a short one and a stalled one can slip under it. Instead the double serves the faulted
request in full and marks the response; this transport then raises `httpx2.ReadTimeout`, the
exception lightkube raises when its timeout fires, and the response is thrown away.
"""

from __future__ import annotations

from typing import Any

import httpx2
import lightkube
import pytest

TIMEOUT_HEADER = "X-Kubedouble-Fault"


class FaultTransport(httpx2.HTTPTransport):
    """An HTTP transport that turns a response marked by the double into a ReadTimeout."""

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send as usual; a marked response becomes the timeout the client would have hit."""
        response = super().handle_request(request)
        if response.headers.get(TIMEOUT_HEADER) == "timeout":
            response.read()
            response.close()
            raise httpx2.ReadTimeout("timed out (injected by the KubeDouble)", request=request)
        return response


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give every lightkube.Client made from now on (the charms' too) a FaultTransport.

    Only for a plain-HTTP double: a transport replaces the client's TLS settings.
    """
    original = lightkube.Client.__init__

    def init(self: lightkube.Client, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("transport", FaultTransport())
        original(self, *args, **kwargs)

    monkeypatch.setattr(lightkube.Client, "__init__", init)
