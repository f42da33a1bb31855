"""HTTP plumbing: a threaded `http.server` on 127.0.0.1 that hands requests to the double."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast
from urllib.parse import parse_qsl, urlsplit

from kubedouble.api import Reply, Request

# Handles one request; returns None to drop the connection without answering.
Serve = Callable[[Request], Reply | None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, serve: Serve) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.serve = serve
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as lightkube's connection pool expects

    @property
    def owner(self) -> _Server:
        return cast(_Server, self.server)

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle plus delayed ACKs
        # would add ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.owner.connections_lock:
            self.owner.connections.add(self.connection)

    def finish(self) -> None:
        with self.owner.connections_lock:
            self.owner.connections.discard(self.connection)
        with contextlib.suppress(OSError):  # the socket may have been reset on purpose
            super().finish()

    def log_message(self, format: str, *args: object) -> None:
        del format, args  # the request log is kept by the double, not on stderr

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET  # noqa: N815

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            content_type=(self.headers.get("Content-Type") or "").split(";")[0].strip(),
            user_agent=self.headers.get("User-Agent") or "",
            body=body,
            token=_bearer(self.headers.get("Authorization")),
        )
        reply = self.owner.serve(request)
        if reply is None:
            self._reset()
            return
        content_type = "application/json"
        if reply.text is not None:
            payload = (reply.text + "\n").encode()
            content_type = "text/plain; charset=utf-8"
        elif reply.lines:
            payload = b"".join(json.dumps(event).encode() + b"\n" for event in reply.body)
        else:
            payload = json.dumps(reply.body).encode()
        self.send_response(reply.code)
        # Exactly "application/json" for a Status: lightkube only turns that into an ApiError.
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for warning in reply.warnings:
            self.send_header("Warning", f"299 - {json.dumps(warning)}")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _reset(self) -> None:
        # SO_LINGER 0 makes close() send RST: the client sees a connection reset mid-request.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def _bearer(header: str | None) -> str | None:
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


class HttpServer:
    """Owns the listening socket and its serving thread."""

    def __init__(self, serve: Serve) -> None:
        self._server = _Server(serve)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},  # how long stop() may wait for the loop to notice
            name="kubedouble",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections so no handler thread lingers."""
        self._server.shutdown()
        with self._server.connections_lock:
            connections = list(self._server.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(timeout=1)
