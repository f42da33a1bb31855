"""HTTP(S) requests to a Gateway's address for one hostname, as a client that resolved it would.

TCP goes to the address; SNI and `Host` carry the hostname. The standard library only, so
nothing needs to resolve the test hostnames. Redirects are never followed: the tests look at
the 301 itself.
"""

import http.client
import socket
import ssl
from dataclasses import dataclass


@dataclass(frozen=True)
class Response:
    """What came back; header names lowercased."""

    status: int
    headers: dict[str, str]
    body: bytes


def get(
    address: str,
    hostname: str,
    path: str,
    *,
    tls: ssl.SSLContext | None = None,
    port: int | None = None,
    timeout: float = 10.0,
) -> Response:
    """GET `path` from `address` as `hostname`; HTTPS when `tls` is given (verified by it)."""
    port = port or (443 if tls else 80)
    sock = socket.create_connection((address, port), timeout=timeout)
    if tls is not None:
        # server_hostname sets SNI, which selects the listener, and is what gets verified.
        sock = tls.wrap_socket(sock, server_hostname=hostname)
    connection = http.client.HTTPConnection(hostname, port, timeout=timeout)
    connection.sock = sock  # already connected: http.client must not resolve `hostname`
    try:
        connection.request("GET", path, headers={"Host": hostname, "Connection": "close"})
        answer = connection.getresponse()
        return Response(
            status=answer.status,
            headers={name.lower(): value for name, value in answer.getheaders()},
            body=answer.read(),
        )
    finally:
        connection.close()


def trusting(*pem: str) -> ssl.SSLContext:
    """A client TLS context that trusts only the given PEM certificates (the gateway's CA)."""
    return ssl.create_default_context(cadata="\n".join(pem))
